import Foundation
import HallModel

/// Fields that several kinds carry, read across kinds: for assertions only. Production code switches
/// over `HallEvent` and gets each kind's own, non-optional fields.
extension EventRecord {
    public var ticket: String? { event.ticket }
    public var number: String? { event.number }
    public var window: Int? { event.window }
    public var clerk: String? { event.clerk }
    public var category: String? { event.category }

    public var reason: String? {
        switch event {
        case .ticketVoided(let e): e.reason
        case .clerkSignedOut(let e): e.reason
        case .ticketNoShow(let e): e.reason
        case .ticketRated(let e): e.reason?.rawValue
        case .ratingNotGiven(let e): e.reason.rawValue
        case .ratingIgnored(let e): e.reason.rawValue
        case .alertRaised(let e), .alertCleared(let e): e.reason
        case .deviceConnected(let e), .deviceLost(let e): e.reason
        default: nil
        }
    }

    public var level: RatingLevel? {
        switch event {
        case .ticketRated(let e): e.level
        case .ratingIgnored(let e): e.level
        case .caseOpened(let e): e.level
        default: nil
        }
    }

    public var servedDay: String? {
        switch event {
        case .ticketRated(let e): e.servedDay
        case .ratingNotGiven(let e): e.servedDay
        case .caseOpened(let e): e.servedDay
        default: nil
        }
    }

    public var recalls: Int? {
        switch event {
        case .ticketRecalled(let e): e.recalls
        case .ticketNoShow(let e): e.recalls
        case .ticketFinished(let e): e.recalls
        default: nil
        }
    }
}

extension EventRecord {
    public var waitSeconds: Double? {
        switch event {
        case .ticketCalled(let e): e.waitSeconds
        case .ticketFinished(let e): e.waitSeconds
        default: nil
        }
    }

    public var serviceSeconds: Double? {
        if case .ticketFinished(let e) = event { return e.serviceSeconds }
        return nil
    }

    public var issuedAt: Date? {
        switch event {
        case .ticketIssued(let e): e.issuedAt
        case .ticketReserved(let e): e.issuedAt
        case .ticketCalled(let e): e.issuedAt
        default: nil
        }
    }

    public var toCategory: String? {
        if case .ticketTransferred(let e) = event { return e.toCategory }
        return nil
    }

    public var expired: [String]? {
        if case .dayStarted(let e) = event { return e.expired }
        return nil
    }

    public var dueDay: String? {
        if case .caseOpened(let e) = event { return e.dueDay }
        return nil
    }

    public var manager: String? {
        switch event {
        case .caseContacted(let e): e.manager
        case .caseRectified(let e), .caseClosed(let e): e.manager
        case .caseAssigned(let e): e.manager
        default: nil
        }
    }
}

extension StoredEvent {
    public var reason: String? { record.reason }
    public var level: RatingLevel? { record.level }
}
