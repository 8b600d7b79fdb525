/// What a new setup (a reloaded config) would take away from the live hall. A reload that would strand a
/// citizen — a waiting ticket whose category disappears, a ticket in service at a window that
/// disappears — is refused with these reasons, and the old setup stays.
public struct SetupChange: Sendable, Equatable {
    public var addedWindows: [Int] = []
    public var removedWindows: [Int] = []
    public var addedCategories: [String] = []
    public var removedCategories: [String] = []
    public var addedClerks: [String] = []
    public var removedClerks: [String] = []
    /// Why the change cannot be applied now; empty when it can.
    public var conflicts: [String] = []
    /// The same reasons in Chinese, for the setup pages.
    public var conflictsZh: [String] = []

    public var isEmpty: Bool {
        addedWindows.isEmpty && removedWindows.isEmpty && addedCategories.isEmpty && removedCategories.isEmpty
            && addedClerks.isEmpty && removedClerks.isEmpty
    }

    private mutating func conflict(_ en: String, _ zh: String) {
        conflicts.append(en)
        conflictsZh.append(zh)
    }

    /// What changed besides additions and removals: the codes, numbers and ids whose definition differs.
    public var changedCategories: [String] = []
    public var changedWindows: [Int] = []
    public var changedClerks: [String] = []

    /// The change in words, in Chinese, for the log's setup event and the audit record.
    public var summaryZh: String {
        func part(_ label: String, _ xs: [String]) -> String? { xs.isEmpty ? nil : "\(label)：\(xs.joined(separator: "、"))" }
        let parts = [part("新增窗口", addedWindows.map(String.init)), part("删除窗口", removedWindows.map(String.init)), part("修改窗口", changedWindows.map(String.init)),
                     part("新增类别", addedCategories), part("删除类别", removedCategories), part("修改类别", changedCategories),
                     part("新增工作人员", addedClerks), part("删除工作人员", removedClerks), part("修改工作人员", changedClerks)].compactMap { $0 }
        return parts.isEmpty ? Self.unchangedZh : parts.joined(separator: "；")
    }

    /// The summary when no window, category or clerk changed.
    public static let unchangedZh = "窗口、类别与工作人员无变化"

    public init(from old: HallSetup, to new: HallSetup, state: HallState) {
        let oldWindows = Set(old.windows.map(\.number)), newWindows = Set(new.windows.map(\.number))
        let oldCategories = Set(old.categories.map(\.code)), newCategories = Set(new.categories.map(\.code))
        let oldClerks = Set(old.clerks.map(\.id)), newClerks = Set(new.clerks.map(\.id))
        addedWindows = newWindows.subtracting(oldWindows).sorted()
        removedWindows = oldWindows.subtracting(newWindows).sorted()
        addedCategories = newCategories.subtracting(oldCategories).sorted()
        removedCategories = oldCategories.subtracting(newCategories).sorted()
        addedClerks = newClerks.subtracting(oldClerks).sorted()
        removedClerks = oldClerks.subtracting(newClerks).sorted()
        changedCategories = new.categories.filter { c in old.categories.first { $0.code == c.code }.map { $0 != c } ?? false }.map(\.code)
        changedWindows = new.windows.filter { w in old.windows.first { $0.number == w.number }.map { $0 != w } ?? false }.map(\.number)
        changedClerks = new.clerks.filter { c in old.clerks.first { $0.id == c.id }.map { $0 != c } ?? false }.map(\.id)

        for number in removedWindows {
            let w = state.window(number)
            if let s = w.serving { conflict("window \(number) is removed but is serving ticket \(s.ticket.number)", "要删除的 \(number) 号窗口正在办理 \(s.ticket.number)") }
            if !w.parked.isEmpty { conflict("window \(number) is removed but has \(w.parked.count) parked ticket(s)", "要删除的 \(number) 号窗口有 \(w.parked.count) 个挂起的号") }
            if let clerk = w.clerk { conflict("window \(number) is removed but clerk \(clerk) is signed in there", "要删除的 \(number) 号窗口有工作人员 \(clerk) 在岗") }
            if w.awaiting != nil { conflict("window \(number) is removed but is awaiting a rating", "要删除的 \(number) 号窗口正在等待市民评价") }
            let directed = state.waiting.filter { $0.directedWindow == number }.count
            if directed > 0 { conflict("window \(number) is removed but \(directed) waiting ticket(s) are directed to it", "要删除的 \(number) 号窗口有 \(directed) 个指定到该窗口的等候号") }
        }
        for code in removedCategories {
            let waiting = state.waiting.filter { $0.category == code }.count
            if waiting > 0 { conflict("category \(code) is removed but \(waiting) ticket(s) of it are waiting", "要删除的业务类别 \(code) 还有 \(waiting) 人在等候") }
        }
        // A kept category whose waiting citizens no window of the new setup would call.
        let served = Set(new.windows.flatMap(\.categories))
        for code in newCategories.intersection(oldCategories).sorted() where !served.contains(code) {
            let waiting = state.waiting.filter { $0.category == code && $0.directedWindow == nil }.count
            if waiting > 0 { conflict("no window serves category \(code) any more but \(waiting) ticket(s) of it are waiting",
                                      "不再有窗口办理业务类别 \(code)，但还有 \(waiting) 人在等候") }
        }
        for (number, w) in state.windows.sorted(by: { $0.key < $1.key }) {
            if let clerk = w.clerk, removedClerks.contains(clerk) {
                conflict("clerk \(clerk) is removed but is signed in at window \(number)", "要删除的工作人员 \(clerk) 正在 \(number) 号窗口签到在岗")
            }
        }
    }
}
