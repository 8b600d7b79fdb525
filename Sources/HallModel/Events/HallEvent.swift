import Foundation

/// The kinds of event, as the log names them.
public enum EventKind: String, Codable, Sendable, CaseIterable {
    case dayStarted = "day_started"
    case ticketIssued = "ticket_issued"
    case ticketReserved = "ticket_reserved"
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
    case ratingNotGiven = "rating_not_given"
    case ratingIgnored = "rating_ignored"
    case caseOpened = "case_opened"
    case caseContacted = "case_contacted"
    case caseRectified = "case_rectified"
    case caseClosed = "case_closed"
    case alertRaised = "alert_raised"
    case alertCleared = "alert_cleared"
    case deviceConnected = "device_connected"
    case deviceLost = "device_lost"
    case chainAnchored = "chain_anchored"
    case ratingSkipRefused = "rating_skip_refused"
    case ratingReasonsAdded = "rating_reasons_added"
    case ticketMoved = "ticket_moved"
    case noticePosted = "notice_posted"
    case setupChanged = "setup_changed"
    case ticketRequeued = "ticket_requeued"
    case ratingReasonsExtended = "rating_reasons_extended"
    case caseAssigned = "case_assigned"
}

/// What happened in the hall: one case per kind, each with a payload holding exactly the fields that kind
/// carries. Every state change is one of these, appended to the log before any effect.
public enum HallEvent: Sendable, Equatable {
    case dayStarted(DayStarted)
    case ticketIssued(TicketIssued)
    /// A kiosk took the next number and is printing it; it joins the queue with ticketIssued once printed.
    case ticketReserved(TicketReserved)
    /// A reserved number that was never printed (printer fault, interrupted): it never joins the queue.
    case ticketVoided(TicketVoided)
    case clerkSignedIn(ClerkAtWindow)
    case clerkSignedOut(ClerkSignedOut)
    case windowPaused(ClerkAtWindow)
    case windowResumed(ClerkAtWindow)
    case ticketCalled(TicketCalled)
    case ticketRecalled(TicketRecalled)
    case ticketNoShow(TicketNoShow)
    case ticketTransferred(TicketTransferred)
    case ticketFinished(TicketFinished)
    case ticketParked(TicketAtWindow)
    case ticketCalledBack(TicketAtWindow)
    case ticketRated(TicketRated)
    /// The wait for a rating ended without one (timeout, next call, sign-out).
    case ratingNotGiven(RatingNotGiven)
    /// A rating press that was not stored (duplicate, nothing awaited, no clerk): kept for audit.
    case ratingIgnored(RatingIgnored)
    /// A 差评 (不满意 / 非常不满意) opened a follow-up case.
    case caseOpened(CaseOpened)
    /// 回访: a manager contacted the citizen.
    case caseContacted(CaseContacted)
    /// 整改: a manager recorded what was changed.
    case caseRectified(CaseNoted)
    case caseClosed(CaseNoted)
    /// A supervision (电子监察) condition started to hold.
    case alertRaised(AlertChange)
    /// It stopped holding.
    case alertCleared(AlertChange)
    /// A counter device was opened, or came back.
    case deviceConnected(DeviceChange)
    /// A counter device was unplugged, failed or stopped answering.
    case deviceLost(DeviceChange)
    /// The log's hash chain starts here, over a log that was kept before it had one.
    case chainAnchored(ChainAnchored)
    /// A move that would have skipped a citizen's rating, refused.
    case ratingSkipRefused(RatingSkipRefused)
    /// The tablet's reasons for a rating given on the keypad.
    case ratingReasonsAdded(RatingReasonsAdded)
    /// A supervisor moved a waiting ticket to another category or window.
    case ticketMoved(TicketMoved)
    /// A supervisor put up (or took down) a notice on the TV and hall pages.
    case noticePosted(NoticePosted)
    /// The setup changed, by a reload of the file or an admin's edit.
    case setupChanged(SetupChanged)
    /// 恢复过号: a no-show back in the queue.
    case ticketRequeued(TicketRequeued)
    /// The citizen is still choosing reasons or typing on the tablet: the reasons window runs on.
    case ratingReasonsExtended(RatingReasonsExtended)
    /// 指派: a case was given to a person, with their due day.
    case caseAssigned(CaseAssigned)

    public var kind: EventKind {
        switch self {
        case .dayStarted: .dayStarted
        case .ticketIssued: .ticketIssued
        case .ticketReserved: .ticketReserved
        case .ticketVoided: .ticketVoided
        case .clerkSignedIn: .clerkSignedIn
        case .clerkSignedOut: .clerkSignedOut
        case .windowPaused: .windowPaused
        case .windowResumed: .windowResumed
        case .ticketCalled: .ticketCalled
        case .ticketRecalled: .ticketRecalled
        case .ticketNoShow: .ticketNoShow
        case .ticketTransferred: .ticketTransferred
        case .ticketFinished: .ticketFinished
        case .ticketParked: .ticketParked
        case .ticketCalledBack: .ticketCalledBack
        case .ticketRated: .ticketRated
        case .ratingNotGiven: .ratingNotGiven
        case .ratingIgnored: .ratingIgnored
        case .caseOpened: .caseOpened
        case .caseContacted: .caseContacted
        case .caseRectified: .caseRectified
        case .caseClosed: .caseClosed
        case .alertRaised: .alertRaised
        case .alertCleared: .alertCleared
        case .deviceConnected: .deviceConnected
        case .deviceLost: .deviceLost
        case .chainAnchored: .chainAnchored
        case .ratingSkipRefused: .ratingSkipRefused
        case .ratingReasonsAdded: .ratingReasonsAdded
        case .ticketMoved: .ticketMoved
        case .noticePosted: .noticePosted
        case .setupChanged: .setupChanged
        case .ticketRequeued: .ticketRequeued
        case .ratingReasonsExtended: .ratingReasonsExtended
        case .caseAssigned: .caseAssigned
        }
    }

    /// The payload, as the one value every kind has.
    public var payload: any EventPayload {
        switch self {
        case .dayStarted(let p): p
        case .ticketIssued(let p): p
        case .ticketReserved(let p): p
        case .ticketVoided(let p): p
        case .clerkSignedIn(let p), .windowPaused(let p), .windowResumed(let p): p
        case .clerkSignedOut(let p): p
        case .ticketCalled(let p): p
        case .ticketRecalled(let p): p
        case .ticketNoShow(let p): p
        case .ticketTransferred(let p): p
        case .ticketFinished(let p): p
        case .ticketParked(let p), .ticketCalledBack(let p): p
        case .ticketRated(let p): p
        case .ratingNotGiven(let p): p
        case .ratingIgnored(let p): p
        case .caseOpened(let p): p
        case .caseContacted(let p): p
        case .caseRectified(let p), .caseClosed(let p): p
        case .alertRaised(let p), .alertCleared(let p): p
        case .deviceConnected(let p), .deviceLost(let p): p
        case .chainAnchored(let p): p
        case .ratingSkipRefused(let p): p
        case .ratingReasonsAdded(let p): p
        case .ticketMoved(let p): p
        case .noticePosted(let p): p
        case .setupChanged(let p): p
        case .ticketRequeued(let p): p
        case .ratingReasonsExtended(let p): p
        case .caseAssigned(let p): p
        }
    }

    /// The ticket the event is about (for case events: the rated ticket, which is the case's id).
    public var ticket: String? { payload.ticketRef }
    /// The ticket's number as printed ("A012").
    public var number: String? { payload.numberRef }
    public var window: Int? { payload.windowRef }
    public var clerk: String? { payload.clerkRef }
    public var category: String? { payload.categoryRef }
}

/// What the log's index columns and the event's readers need from any payload. Each payload answers
/// from its own fields; a kind without the field answers nil.
public protocol EventPayload: Codable, Sendable, Equatable {
    var ticketRef: String? { get }
    var numberRef: String? { get }
    var windowRef: Int? { get }
    var clerkRef: String? { get }
    var categoryRef: String? { get }
}

extension EventPayload {
    public var ticketRef: String? { nil }
    public var numberRef: String? { nil }
    public var windowRef: Int? { nil }
    public var clerkRef: String? { nil }
    public var categoryRef: String? { nil }
}

/// A payload about one ticket: the index columns come from its fields.
public protocol TicketPayload: EventPayload {
    var ticket: String { get }
    var number: String { get }
    var category: String { get }
}

extension TicketPayload {
    public var ticketRef: String? { ticket }
    public var numberRef: String? { number }
    public var categoryRef: String? { category }
}

/// A payload about one ticket at one window, served by one clerk.
public protocol TicketAtWindowPayload: TicketPayload {
    var window: Int { get }
    var clerk: String { get }
}

extension TicketAtWindowPayload {
    public var windowRef: Int? { window }
    public var clerkRef: String? { clerk }
}

/// One event as the engine decides it: what happened, when, on which business day, and who asked.
///
/// Encoded as one flat JSON object (`kind`, `at`, `day`, `source` beside the payload's own fields): the
/// log's format, unchanged since the first release.
public struct EventRecord: Sendable, Equatable {
    public var at: Date
    /// Business day of `at`.
    public var day: String
    /// Who or what sent the command: "api", "keypad:3", "demo" …
    public var source: String?
    public var event: HallEvent

    public init(at: Date, day: String, source: String? = nil, _ event: HallEvent) {
        self.at = at
        self.day = day
        self.source = source
        self.event = event
    }

    public var kind: EventKind { event.kind }
}

extension EventRecord: Codable {
    enum Envelope: String, CodingKey { case kind, at, day, source }

    /// Why a stored payload is not an event of this version.
    public struct UnknownKind: Error, CustomStringConvertible {
        public var kind: String
        public var description: String { "unknown event kind \"\(kind)\"" }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Envelope.self)
        let name = try c.decode(String.self, forKey: .kind)
        guard let kind = EventKind(rawValue: name) else { throw UnknownKind(kind: name) }
        at = try c.decode(Date.self, forKey: .at)
        day = try c.decode(String.self, forKey: .day)
        source = try c.decodeIfPresent(String.self, forKey: .source)
        event = try Self.decodePayload(kind, from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Envelope.self)
        try c.encode(event.kind, forKey: .kind)
        try c.encode(at, forKey: .at)
        try c.encode(day, forKey: .day)
        try c.encodeIfPresent(source, forKey: .source)
        // The payload's keys go into the same object.
        try event.payload.encode(to: encoder)
    }

    private static func decodePayload(_ kind: EventKind, from d: any Decoder) throws -> HallEvent {
        switch kind {
        case .dayStarted: .dayStarted(try DayStarted(from: d))
        case .ticketIssued: .ticketIssued(try TicketIssued(from: d))
        case .ticketReserved: .ticketReserved(try TicketReserved(from: d))
        case .ticketVoided: .ticketVoided(try TicketVoided(from: d))
        case .clerkSignedIn: .clerkSignedIn(try ClerkAtWindow(from: d))
        case .clerkSignedOut: .clerkSignedOut(try ClerkSignedOut(from: d))
        case .windowPaused: .windowPaused(try ClerkAtWindow(from: d))
        case .windowResumed: .windowResumed(try ClerkAtWindow(from: d))
        case .ticketCalled: .ticketCalled(try TicketCalled(from: d))
        case .ticketRecalled: .ticketRecalled(try TicketRecalled(from: d))
        case .ticketNoShow: .ticketNoShow(try TicketNoShow(from: d))
        case .ticketTransferred: .ticketTransferred(try TicketTransferred(from: d))
        case .ticketFinished: .ticketFinished(try TicketFinished(from: d))
        case .ticketParked: .ticketParked(try TicketAtWindow(from: d))
        case .ticketCalledBack: .ticketCalledBack(try TicketAtWindow(from: d))
        case .ticketRated: .ticketRated(try TicketRated(from: d))
        case .ratingNotGiven: .ratingNotGiven(try RatingNotGiven(from: d))
        case .ratingIgnored: .ratingIgnored(try RatingIgnored(from: d))
        case .caseOpened: .caseOpened(try CaseOpened(from: d))
        case .caseContacted: .caseContacted(try CaseContacted(from: d))
        case .caseRectified: .caseRectified(try CaseNoted(from: d))
        case .caseClosed: .caseClosed(try CaseNoted(from: d))
        case .alertRaised: .alertRaised(try AlertChange(from: d))
        case .alertCleared: .alertCleared(try AlertChange(from: d))
        case .deviceConnected: .deviceConnected(try DeviceChange(from: d))
        case .deviceLost: .deviceLost(try DeviceChange(from: d))
        case .chainAnchored: .chainAnchored(try ChainAnchored(from: d))
        case .ratingSkipRefused: .ratingSkipRefused(try RatingSkipRefused(from: d))
        case .ratingReasonsAdded: .ratingReasonsAdded(try RatingReasonsAdded(from: d))
        case .ticketMoved: .ticketMoved(try TicketMoved(from: d))
        case .noticePosted: .noticePosted(try NoticePosted(from: d))
        case .setupChanged: .setupChanged(try SetupChanged(from: d))
        case .ticketRequeued: .ticketRequeued(try TicketRequeued(from: d))
        case .ratingReasonsExtended: .ratingReasonsExtended(try RatingReasonsExtended(from: d))
        case .caseAssigned: .caseAssigned(try CaseAssigned(from: d))
        }
    }
}

/// An event as stored: with its gap-free sequence number in the log. Encoded as `{"seq", "event"}`.
public struct StoredEvent: Codable, Sendable, Equatable {
    enum CodingKeys: String, CodingKey {
        case seq
        case record = "event"
    }

    public var seq: Int64
    public var record: EventRecord

    public init(seq: Int64, record: EventRecord) {
        self.seq = seq
        self.record = record
    }

    public var event: HallEvent { record.event }
    public var at: Date { record.at }
    public var day: String { record.day }
}

extension Sequence where Element == StoredEvent {
    /// The rating a command's events stored, if they stored one.
    public var rating: TicketRated? {
        for e in self { if case .ticketRated(let r) = e.event { return r } }
        return nil
    }

    /// The ticket a command's events put in the queue, if they did.
    public var issued: TicketIssued? {
        for e in self { if case .ticketIssued(let t) = e.event { return t } }
        return nil
    }

    /// The number a command's events reserved for printing, if they did.
    public var reserved: TicketReserved? {
        for e in self { if case .ticketReserved(let t) = e.event { return t } }
        return nil
    }

    /// Why a rating press was not stored, if the events say it was not.
    public var ignoredRating: RatingIgnored? {
        for e in self { if case .ratingIgnored(let r) = e.event { return r } }
        return nil
    }
}
