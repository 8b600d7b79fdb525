import Foundation

/// A rating stored for a served ticket.
public struct TicketRated: TicketAtWindowPayload {
    public var window: Int
    /// The ticket's id: business day and number, "2026-11-23/A012".
    public var ticket: String
    /// The number as printed: "A012".
    public var number: String
    /// The clerk on duty (config id).
    public var clerk: String
    /// The ticket's category code.
    public var category: String
    /// The business day the service was finished on: the rating counts there.
    public var servedDay: String
    public var level: RatingLevel
    /// `.late`: given by ticket after the window's wait ended; it replaces that rating_not_given in the figures.
    public var reason: RatedReason?
    /// The 评价指标 codes the citizen chose (absent from a keypad, and in older logs).
    public var reasons: [String]?
    /// 文字评价, at most 200 characters.
    public var comment: String?
    /// For a 差评: the number the citizen gave for the callback.
    public var phone: String?
    /// Where the rating was given (absent in older logs: the window's evaluator, or the phone for "late").
    public var channel: RatingChannel?
    /// A level-only rating (keypad, or a tap on the tablet): until when the window's tablet may add the reasons.
    public var reasonsUntil: Date?

    /// The channel, for logs that predate the field.
    public var via: RatingChannel { channel ?? (reason == .late ? .qr : .evaluator) }

    /// The same rating with what the citizen added on the tablet or the phone.
    func with(_ d: RatingDetail?, channel fallback: RatingChannel) -> TicketRated {
        var r = self
        r.channel = d?.channel ?? fallback
        guard let d else { return r }
        r.reasons = d.reasons.isEmpty ? nil : d.reasons
        r.comment = d.comment.flatMap { $0.isEmpty ? nil : $0 }
        r.phone = d.phone.flatMap { $0.isEmpty ? nil : $0 }
        return r
    }

    public init(window: Int, ticket: String, number: String, clerk: String, category: String, servedDay: String, level: RatingLevel, reason: RatedReason? = nil) {
        self.window = window
        self.ticket = ticket
        self.number = number
        self.clerk = clerk
        self.category = category
        self.servedDay = servedDay
        self.level = level
        self.reason = reason
    }
}

/// The 评价指标 a citizen chose on the window's tablet after rating on its keypad (which gives the level
/// only): attached to that same rating, as its own event, within the rating timeout.
public struct RatingReasonsAdded: TicketAtWindowPayload {
    public var window: Int
    /// The rated ticket.
    public var ticket: String
    public var number: String
    public var clerk: String
    public var category: String
    public var servedDay: String
    /// The level given on the keypad, which the reasons belong to.
    public var level: RatingLevel
    public var reasons: [String]
    public var comment: String?
    public var phone: String?

    public init(window: Int, ticket: String, number: String, clerk: String, category: String, servedDay: String, level: RatingLevel,
                reasons: [String], comment: String? = nil, phone: String? = nil) {
        self.window = window
        self.ticket = ticket
        self.number = number
        self.clerk = clerk
        self.category = category
        self.servedDay = servedDay
        self.level = level
        self.reasons = reasons
        self.comment = comment
        self.phone = phone
    }
}

/// The citizen was still at the tablet (choosing reasons, typing a comment or a phone number) as the reasons
/// window neared its end: it now runs until `until`. The rating itself was stored at the tap.
public struct RatingReasonsExtended: TicketAtWindowPayload {
    public var window: Int
    /// The rated ticket.
    public var ticket: String
    public var number: String
    public var clerk: String
    public var category: String
    /// The new end of the reasons window.
    public var until: Date

    public init(window: Int, ticket: String, number: String, clerk: String, category: String, until: Date) {
        self.window = window
        self.ticket = ticket
        self.number = number
        self.clerk = clerk
        self.category = category
        self.until = until
    }
}

/// The wait for a rating ended without one.
public struct RatingNotGiven: TicketAtWindowPayload {
    public var window: Int
    public var ticket: String
    public var number: String
    public var clerk: String
    public var category: String
    public var servedDay: String
    public var reason: NotGivenReason

    public init(window: Int, ticket: String, number: String, clerk: String, category: String, servedDay: String, reason: NotGivenReason) {
        self.window = window
        self.ticket = ticket
        self.number = number
        self.clerk = clerk
        self.category = category
        self.servedDay = servedDay
        self.reason = reason
    }
}

/// A rating press that was not stored.
public struct RatingIgnored: EventPayload {
    public var window: Int
    public var level: RatingLevel
    public var reason: IgnoredReason
    /// The ticket already rated, for a duplicate.
    public var ticket: String?
    /// Its number, for a duplicate by ticket.
    public var number: String?

    public init(window: Int, level: RatingLevel, reason: IgnoredReason, ticket: String? = nil, number: String? = nil) {
        self.window = window
        self.level = level
        self.reason = reason
        self.ticket = ticket
        self.number = number
    }

    public var windowRef: Int? { window }
    public var ticketRef: String? { ticket }
    public var numberRef: String? { number }
}

/// A clerk tried to move on (call the next number, sign out, hang up or call back a ticket, hand the window
/// over) while the citizen had not yet rated: refused and kept, so a skipped rating is never silent.
public struct RatingSkipRefused: TicketAtWindowPayload {
    public var window: Int
    /// The ticket whose rating the window awaits.
    public var ticket: String
    public var number: String
    /// The clerk who tried.
    public var clerk: String
    public var category: String
    public var attempted: SkipAttempt
    /// When the wait for the rating ends of itself.
    public var deadline: Date

    public init(window: Int, ticket: String, number: String, clerk: String, category: String, attempted: SkipAttempt, deadline: Date) {
        self.window = window
        self.ticket = ticket
        self.number = number
        self.clerk = clerk
        self.category = category
        self.attempted = attempted
        self.deadline = deadline
    }
}
