import Foundation

/// What happened in the hall. Every state change is one of these, appended to the log before any effect.
public enum EventKind: String, Codable, Sendable, CaseIterable {
    case dayStarted = "day_started"
    case ticketIssued = "ticket_issued"
    /// A kiosk took the next number and is printing it; it joins the queue with ticket_issued once printed.
    case ticketReserved = "ticket_reserved"
    /// A reserved number that was never printed (printer fault, interrupted): it never joins the queue.
    case ticketVoided = "ticket_voided"
    case clerkSignedIn = "clerk_signed_in"
    case clerkSignedOut = "clerk_signed_out"
    case windowPaused = "window_paused"
    case windowResumed = "window_resumed"
    case ticketCalled = "ticket_called"
    case ticketRecalled = "ticket_recalled"
    case ticketNoShow = "ticket_no_show"
    case ticketTransferred = "ticket_transferred"
    case ticketFinished = "ticket_finished"
    case ticketParked = "ticket_parked"
    case ticketCalledBack = "ticket_called_back"
    case ticketRated = "ticket_rated"
    /// The wait for a rating ended without one (timeout, next call, sign-out).
    case ratingNotGiven = "rating_not_given"
    /// A rating press that was not stored (duplicate, nothing awaited, no clerk): kept for audit.
    case ratingIgnored = "rating_ignored"
    /// A 差评 (不满意 / 非常不满意) opened a follow-up case, due in 15 working days.
    case caseOpened = "case_opened"
    /// 回访: a manager contacted the citizen.
    case caseContacted = "case_contacted"
    /// 整改: a manager recorded what was changed.
    case caseRectified = "case_rectified"
    case caseClosed = "case_closed"
    /// A supervision (电子监察) condition started to hold: `alert` is its key, `reason` its kind, `note` the text.
    case alertRaised = "alert_raised"
    /// It stopped holding.
    case alertCleared = "alert_cleared"
    /// A counter device was opened, or came back.
    case deviceConnected = "device_connected"
    /// A counter device was unplugged, failed or stopped answering.
    case deviceLost = "device_lost"
}

/// One hall event. A flat record: the fields a kind does not use stay nil and are not encoded.
public struct HallEvent: Codable, Sendable, Equatable {
    public var kind: EventKind
    public var at: Date
    /// Business day of `at`.
    public var day: String
    public var ticket: String?
    public var number: String?
    public var window: Int?
    public var clerk: String?
    public var category: String?
    public var priority: Bool?
    /// Daily sequence of an issued ticket (the 12 of A012).
    public var sequence: Int?
    public var issuedAt: Date?
    public var toCategory: String?
    public var toWindow: Int?
    public var outcome: Outcome?
    public var level: RatingLevel?
    public var waitSeconds: Double?
    public var serviceSeconds: Double?
    public var recalls: Int?
    /// Rating deadline set by ticket_finished.
    public var deadline: Date?
    /// For ratings: the business day the service was finished on.
    public var servedDay: String?
    public var reason: String?
    /// Who or what sent the command: "api", "keypad:3", "demo" …
    public var source: String?
    /// device_*: the configured device id and its role.
    public var device: String?
    public var deviceRole: String?
    /// day_started: window states carried over from the previous day.
    public var carried: [WindowState]?
    /// day_started: ids of tickets still waiting when the day ended.
    public var expired: [String]?
    /// case_opened: the last day to close the case.
    public var dueDay: String?
    /// case_*: the manager who acted (the token's label).
    public var manager: String?
    /// case_contacted: how the citizen was contacted (phone, visit, SMS …) and when.
    public var method: String?
    public var contactedAt: Date?
    /// alert_*: the condition's key.
    public var alert: String?
    /// case_*: what the citizen said (回访), what was changed (整改), or the closing note.
    public var note: String?

    public init(kind: EventKind, at: Date, day: String) {
        self.kind = kind
        self.at = at
        self.day = day
    }
}

/// An event as stored: with its gap-free sequence number in the log.
public struct StoredEvent: Codable, Sendable, Equatable {
    public var seq: Int64
    public var event: HallEvent

    public init(seq: Int64, event: HallEvent) {
        self.seq = seq
        self.event = event
    }
}
