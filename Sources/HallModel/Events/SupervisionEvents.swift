import Foundation

/// A supervision (电子监察) condition raised or cleared.
public struct AlertChange: EventPayload {
    /// The condition's key: "long_wait:2026-11-23/A012" …
    public var alert: String
    /// Its kind (`SupervisionAlert.Kind`).
    public var reason: String
    /// The message shown to managers.
    public var note: String
    public var window: Int?
    public var ticket: String?
    public var number: String?
    public var device: String?

    public init(alert: String, reason: String, note: String, window: Int? = nil, ticket: String? = nil, number: String? = nil, device: String? = nil) {
        self.alert = alert
        self.reason = reason
        self.note = note
        self.window = window
        self.ticket = ticket
        self.number = number
        self.device = device
    }

    public var windowRef: Int? { window }
    public var ticketRef: String? { ticket }
    public var numberRef: String? { number }
}

/// A counter device came or went: recorded so outages stand next to the ratings they explain.
public struct DeviceChange: EventPayload {
    /// The configured device id.
    public var device: String
    public var deviceRole: String
    public var window: Int?
    /// What the supervisor saw ("opened /dev/ttyUSB0", "unplugged" …).
    public var reason: String

    public var windowRef: Int? { window }
}
