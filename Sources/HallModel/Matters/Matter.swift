import Foundation

/// One 办件 from 受理 to 出件: what the ledger keeps of it (GB/T 39046 表6–表8), and the rules its steps follow.
public struct Matter: Sendable, Equatable, Codable {
    /// 办理形式 (GB/T 39046 A.5).
    public enum Form: String, Sendable, Codable, CaseIterable {
        case window
        case webPC = "web_pc"
        case webMobile = "web_mobile"
        case mail
        case other

        public var gbtCode: Int {
            switch self {
            case .window: 1
            case .webPC: 2
            case .webMobile: 3
            case .mail: 4
            case .other: 9
            }
        }
    }

    /// 办理结果.
    public enum Result: String, Sendable, Codable, CaseIterable {
        case approved
        case denied

        public var chineseName: String { self == .approved ? "准予" : "不予" }
    }

    /// 出件: how the result reached the citizen.
    public enum Delivery: Sendable, Equatable, Codable {
        case window
        case express(tracking: String)
    }

    /// One 环节 (表7): its name, who handled it, when, and the 业务动作.
    public struct Stage: Sendable, Equatable, Codable {
        public var name: String
        public var handler: String
        public var start: Date
        public var end: Date?
        public var action: String?

        public init(name: String, handler: String, start: Date, end: Date? = nil, action: String? = nil) {
            self.name = name
            self.handler = handler
            self.start = start
            self.end = end
            self.action = action
        }
    }

    public struct Completion: Sendable, Equatable, Codable {
        public var at: Date
        public var day: String
        public var by: String
        public var result: Result
        public var reason: String?

        public init(at: Date, day: String, by: String, result: Result, reason: String?) {
            self.at = at
            self.day = day
            self.by = by
            self.result = result
            self.reason = reason
        }
    }

    /// 办件编号.
    public var projectNo: String
    /// 事项编码 and its name.
    public var itemCode: String
    public var itemName: String
    /// The hall's class (即办/承诺/联办/上报/答复).
    public var outcome: Outcome
    public var form: Form
    public var acceptedAt: Date
    public var acceptedDay: String
    /// 受理人员 (a clerk id) and the window.
    public var acceptedBy: String
    public var window: Int?
    /// The ticket of the visit it was accepted on.
    public var ticket: String?
    public var limit: MatterLimit
    /// 法定办结时限, for 承诺提速率.
    public var legalLimit: MatterLimit?
    public var stops: [ClockStop] = []
    public var stages: [Stage] = []
    public var completion: Completion?
    public var delivery: Delivery?
    public var deliveredAt: Date?

    public init(projectNo: String, itemCode: String, itemName: String, outcome: Outcome, form: Form = .window, acceptedAt: Date,
                acceptedDay: String, acceptedBy: String, window: Int? = nil, ticket: String? = nil, limit: MatterLimit,
                legalLimit: MatterLimit? = nil) {
        self.projectNo = projectNo
        self.itemCode = itemCode
        self.itemName = itemName
        self.outcome = outcome
        self.form = form
        self.acceptedAt = acceptedAt
        self.acceptedDay = acceptedDay
        self.acceptedBy = acceptedBy
        self.window = window
        self.ticket = ticket
        self.limit = outcome == .immediate ? MatterLimit(0) : limit
        self.legalLimit = legalLimit
    }

    /// 承诺办结时间's day, moved on by the clock stops (an open one up to `today`).
    public func dueDay(calendar: WorkingCalendar, today: String) -> String {
        MatterClock.dueDay(acceptedDay: acceptedDay, limit: limit, calendar: calendar, stops: stops, today: today)
    }

    /// The open stop, if the clock stands still now.
    public var openStop: ClockStop? { stops.last { $0.endDay == nil } }

    /// 效能 once completed; nil while open.
    public func efficiency(calendar: WorkingCalendar) -> MatterEfficiency? {
        guard let c = completion else { return nil }
        return MatterEfficiency.of(outcome: outcome, acceptedDay: acceptedDay, completedDay: c.day,
                                   dueDay: dueDay(calendar: calendar, today: c.day))
    }

    /// 超期工作日 of a matter completed late (0 otherwise), or of an open one past its due day as of `today`.
    public func overdueWorkingDays(calendar: WorkingCalendar, today: String) -> Int {
        let end = completion?.day ?? today
        let due = dueDay(calendar: calendar, today: end)
        return end > due ? calendar.workingDays(from: due, to: end) : 0
    }

    /// The light of an open matter; nil once completed.
    public func signal(calendar: WorkingCalendar, today: String, yellowWorkingDays: Int = 1) -> MatterSignal? {
        guard completion == nil else { return nil }
        // While the clock stands still the matter is not running late.
        if openStop != nil { return .normal }
        return MatterSignal.of(dueDay: dueDay(calendar: calendar, today: today), today: today, calendar: calendar,
                               yellowWorkingDays: yellowWorkingDays)
    }
}
