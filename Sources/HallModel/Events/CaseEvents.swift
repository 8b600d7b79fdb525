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
