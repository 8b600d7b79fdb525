import Foundation

/// A clerk's window changed state: signed in, paused or resumed.
public struct ClerkAtWindow: EventPayload {
    public var window: Int
    /// The clerk on duty (config id).
    public var clerk: String

    public var windowRef: Int? { window }
    public var clerkRef: String? { clerk }
}

/// A clerk left the window.
public struct ClerkSignedOut: EventPayload {
    public var window: Int
    public var clerk: String
    /// "replaced" when another clerk signed in at the window; absent for a plain sign-out.
    public var reason: String?

    public var windowRef: Int? { window }
    public var clerkRef: String? { clerk }
}

/// A new business day: the queue starts empty.
public struct DayStarted: EventPayload {
    /// Ids of tickets still waiting when the previous day ended.
    public var expired: [String]
    /// Window states carried over from the previous day.
    public var carried: [WindowState]

    public init(expired: [String], carried: [WindowState]) {
        self.expired = expired
        self.carried = carried
    }
}
