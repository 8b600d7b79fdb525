import Foundation

/// A supervisor moved a waiting ticket to another category and/or to one window, without calling it.
public struct TicketMoved: EventPayload {
    public var ticket: String
    public var number: String
    public var fromCategory: String
    /// Its category from now on.
    public var toCategory: String
    /// The one window that may call it from now on; nil: any window of its category.
    public var toWindow: Int?

    public init(ticket: String, number: String, fromCategory: String, toCategory: String, toWindow: Int?) {
        self.ticket = ticket
        self.number = number
        self.fromCategory = fromCategory
        self.toCategory = toCategory
        self.toWindow = toWindow
    }

    public var ticketRef: String? { ticket }
    public var numberRef: String? { number }
    public var windowRef: Int? { toWindow }
    public var categoryRef: String? { toCategory }
}

/// A notice for the TV and hall pages (临时通知), shown until `until`; an empty text takes it down.
public struct NoticePosted: EventPayload {
    public var text: String
    public var until: Date?

    public init(text: String, until: Date?) {
        self.text = text
        self.until = until
    }
}

/// The hall's setup changed: a reload of the config file or an admin's edit on the setup pages. The
/// event's source names who; this says what.
public struct SetupChanged: EventPayload {
    /// "file" (counterd.toml reloaded) or "admin" (an edit on the setup pages).
    public var origin: String
    /// The sections the change touched ("categories", "windows" …).
    public var sections: [String]
    /// What changed, in words: "categories added: C; changed: A (time limit 3 → 5 working days)".
    public var summary: String

    public init(origin: String, sections: [String], summary: String) {
        self.origin = origin
        self.sections = sections
        self.summary = summary
    }
}

/// The notice on the hall's screens, if one is up.
public struct HallNotice: Codable, Sendable, Equatable {
    public var text: String
    public var postedAt: Date
    public var until: Date?

    public init(text: String, postedAt: Date, until: Date?) {
        self.text = text
        self.postedAt = postedAt
        self.until = until
    }

    public func shows(at now: Date) -> Bool { until.map { now < $0 } ?? true }
}

/// 恢复过号: a no-show of today back in the queue, keeping its issue time (so it is called soon).
public struct TicketRequeued: EventPayload {
    public var ticket: String
    public var number: String
    public var category: String
    public var priority: Bool
    public var issuedAt: Date

    public init(ticket: String, number: String, category: String, priority: Bool, issuedAt: Date) {
        self.ticket = ticket
        self.number = number
        self.category = category
        self.priority = priority
        self.issuedAt = issuedAt
    }

    public var ticketRef: String? { ticket }
    public var numberRef: String? { number }
    public var categoryRef: String? { category }
}
