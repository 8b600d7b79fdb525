import Foundation

/// A 差评 opened a follow-up case, in the same commit as the rating.
public struct CaseOpened: TicketAtWindowPayload {
    /// The rated ticket: the case's id.
    public var ticket: String
    /// The number as printed: "A012".
    public var number: String
    public var window: Int
    /// The clerk on duty (config id).
    public var clerk: String
    /// The ticket's category code.
    public var category: String
    public var level: RatingLevel
    public var servedDay: String
    /// The last working day to close the case.
    public var dueDay: String
}

/// 回访: a manager contacted the citizen.
public struct CaseContacted: EventPayload {
    /// The case's id.
    public var ticket: String
    public var window: Int?
    public var clerk: String?
    /// Who acted.
    public var manager: String
    public var contactedAt: Date
    /// Phone, visit, SMS …
    public var method: String
    /// What the citizen said.
    public var note: String

    public var ticketRef: String? { ticket }
    public var windowRef: Int? { window }
    public var clerkRef: String? { clerk }
}

/// 整改 or closing: a manager's note on a case.
public struct CaseNoted: EventPayload {
    /// The case's id.
    public var ticket: String
    public var window: Int?
    public var clerk: String?
    /// Who acted.
    public var manager: String
    /// What was changed, or the closing note.
    public var note: String
    /// On closing: the citizen's verdict on the fix (absent when not asked, and in older logs).
    public var verdict: CaseVerdict?

    public var ticketRef: String? { ticket }
    public var windowRef: Int? { window }
    public var clerkRef: String? { clerk }
}

/// 指派: a manager made a person (an account) answer for a case, by a day inside the case's deadline.
public struct CaseAssigned: EventPayload {
    /// The case's id.
    public var ticket: String
    public var window: Int?
    public var clerk: String?
    /// Who assigned.
    public var manager: String
    /// The account that answers for the case now.
    public var assignee: String
    /// The day the assignee is to have it done by (never after the case's own due day).
    public var dueDay: String

    public init(ticket: String, window: Int?, clerk: String?, manager: String, assignee: String, dueDay: String) {
        self.ticket = ticket
        self.window = window
        self.clerk = clerk
        self.manager = manager
        self.assignee = assignee
        self.dueDay = dueDay
    }

    public var ticketRef: String? { ticket }
    public var windowRef: Int? { window }
    public var clerkRef: String? { clerk }
}
