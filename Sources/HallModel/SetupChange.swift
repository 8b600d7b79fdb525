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

    public var isEmpty: Bool {
        addedWindows.isEmpty && removedWindows.isEmpty && addedCategories.isEmpty && removedCategories.isEmpty
            && addedClerks.isEmpty && removedClerks.isEmpty
    }

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

        for number in removedWindows {
            let w = state.window(number)
            if let s = w.serving { conflicts.append("window \(number) is removed but is serving ticket \(s.ticket.number)") }
            if !w.parked.isEmpty { conflicts.append("window \(number) is removed but has \(w.parked.count) parked ticket(s)") }
            if let clerk = w.clerk { conflicts.append("window \(number) is removed but clerk \(clerk) is signed in there") }
            if w.awaiting != nil { conflicts.append("window \(number) is removed but is awaiting a rating") }
            let directed = state.waiting.filter { $0.directedWindow == number }.count
            if directed > 0 { conflicts.append("window \(number) is removed but \(directed) waiting ticket(s) are directed to it") }
        }
        for code in removedCategories {
            let waiting = state.waiting.filter { $0.category == code }.count
            if waiting > 0 { conflicts.append("category \(code) is removed but \(waiting) ticket(s) of it are waiting") }
        }
        for (number, w) in state.windows.sorted(by: { $0.key < $1.key }) {
            if let clerk = w.clerk, removedClerks.contains(clerk) {
                conflicts.append("clerk \(clerk) is removed but is signed in at window \(number)")
            }
        }
    }
}
