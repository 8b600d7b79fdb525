import Foundation

/// Where a 差评 follow-up case stands: open → contacted (回访) → rectified (整改) → closed.
public enum CaseState: String, Codable, Sendable, CaseIterable {
    case open, contacted, rectified, closed

    public var chineseName: String {
        switch self {
        case .open: "待回访"
        case .contacted: "已回访"
        case .rectified: "已整改"
        case .closed: "已办结"
        }
    }
}

/// The citizen's verdict on the fix, asked when the case is closed (群众对整改结果的评价).
public enum CaseVerdict: String, Codable, Sendable, CaseIterable {
    case satisfied
    case basicallySatisfied = "basically_satisfied"
    case dissatisfied

    public var chineseName: String {
        switch self {
        case .satisfied: "满意"
        case .basicallySatisfied: "基本满意"
        case .dissatisfied: "不满意"
        }
    }
}

/// What a manager does to a case. Each is one event in the log, with the manager who did it.
public enum CaseAction: Sendable, Equatable {
    /// 回访: when, how (phone, visit, SMS …) and what the citizen said.
    case contact(at: Date, method: String, citizenSaid: String)
    /// 整改: what was changed.
    case rectify(note: String)
    /// Closing, with the citizen's verdict on the fix when they gave one.
    case close(note: String, verdict: CaseVerdict? = nil)
    /// 指派: a person (an account) answers for the case, by a day inside its deadline. Allowed until it is closed,
    /// any number of times (the last assignment holds); it does not move the case's state.
    case assign(assignee: String, dueDay: String)

    /// The state the case is in after the step (nil: unchanged).
    public var target: CaseState? {
        switch self {
        case .contact: .contacted
        case .rectify: .rectified
        case .close: .closed
        case .assign: nil
        }
    }

    public var name: String {
        switch self {
        case .contact: "contact"
        case .rectify: "rectify"
        case .close: "close"
        case .assign: "assign"
        }
    }

    /// The states each action is allowed from.
    public var allowedFrom: Set<CaseState> {
        switch self {
        case .contact: [.open]
        case .rectify: [.contacted]
        case .close: [.rectified]
        case .assign: [.open, .contacted, .rectified]
        }
    }
}

/// A 差评 case as the store keeps it, for deciding the next action.
public struct BadRatingCase: Sendable, Equatable, Codable {
    /// The rated ticket's id: one case per ticket.
    public var id: String
    public var state: CaseState
    public var window: Int?
    public var clerk: String?
    public var level: RatingLevel
    public var openedDay: String
    /// Last day to close it: 15 working days after the rating.
    public var dueDay: String

    public init(id: String, state: CaseState, window: Int?, clerk: String?, level: RatingLevel, openedDay: String, dueDay: String) {
        self.id = id
        self.state = state
        self.window = window
        self.clerk = clerk
        self.level = level
        self.openedDay = openedDay
        self.dueDay = dueDay
    }

    /// Overdue: not closed, and the due day is past.
    public func overdue(today: String) -> Bool { state != .closed && today > dueDay }

    /// Working days a case has to be closed in.
    /// The default deadline: 15 working days (a province may set fewer, `[cases] deadline_working_days`).
    public static let workingDaysAllowed = 15
}
