import Foundation

/// The ticket a window has called and is serving.
public struct Serving: Codable, Sendable, Equatable {
    public var ticket: Ticket
    /// First call at this window: the end of the citizen's wait.
    public var firstCalledAt: Date
    /// Latest call or recall: the start of the service.
    public var lastCalledAt: Date
    public var recalls: Int
}

/// A finished ticket whose rating the window is waiting for.
public struct AwaitingRating: Codable, Sendable, Equatable {
    public var ticket: String
    public var number: String
    public var clerk: String
    public var category: String
    /// Business day the service was finished on; ratings count toward it.
    public var servedDay: String
    public var since: Date
    public var deadline: Date
}

/// A level-only rating (keypad, or the tablet's tap) whose reasons the window's tablet may still add, until `until`.
public struct ReasonsWanted: Codable, Sendable, Equatable {
    public var ticket: String
    public var number: String
    public var clerk: String
    public var category: String
    public var servedDay: String
    public var level: RatingLevel
    public var until: Date
    /// When the level was given (absent in logs written before the reasons window could be extended).
    public var since: Date?
    /// Where the level was given (absent in older logs: the keypad).
    public var channel: RatingChannel?
}

/// Everything the queue engine knows about one window.
public struct WindowState: Codable, Sendable, Equatable {
    public var number: Int
    /// AB角: the clerk on duty is whoever is signed in here.
    public var clerk: String?
    public var paused: Bool
    public var serving: Serving?
    public var awaiting: AwaitingRating?
    /// The ticket rated last here, until the next call: a later press for it is a duplicate.
    public var lastRated: String?
    /// Tickets hung up (挂起) at this window, oldest first; optional so older logs still decode.
    public var parkedTickets: [Serving]?
    /// The keypad's rating just given here, while the tablet may add its reasons.
    public var reasonsWanted: ReasonsWanted?

    public var parked: [Serving] {
        get { parkedTickets ?? [] }
        set { parkedTickets = newValue.isEmpty ? nil : newValue }
    }

    public init(number: Int, clerk: String? = nil, paused: Bool = false, serving: Serving? = nil,
                awaiting: AwaitingRating? = nil, lastRated: String? = nil) {
        self.number = number
        self.clerk = clerk
        self.paused = paused
        self.serving = serving
        self.awaiting = awaiting
        self.lastRated = lastRated
    }

    /// A short state name for displays and the API.
    public var phase: String {
        if clerk == nil { return "closed" }
        if serving != nil { return "serving" }
        if paused { return "paused" }
        if awaiting != nil { return "awaiting_rating" }
        return "idle"
    }
}
