import Foundation

/// What an administrator needs to know about one device right now.
public struct DeviceHealth: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable {
        /// Configured but not plugged in (or not found).
        case absent
        case connecting
        case connected
        /// Failed; waiting before the next attempt.
        case backoff
        case stopped
    }

    public var id: String
    public var role: String
    public var window: Int?
    public var transport: String
    public var address: String
    public var state: State
    public var since: Date
    public var lastByteAt: Date?
    public var bytesIn: Int
    public var bytesOut: Int
    public var errors: Int
    public var droppedFrames: Int
    public var connects: Int
    public var lastError: String?
    /// What the device itself reports as wrong while connected (a printer's "paper near end"); nil when fine.
    public var warning: String?
    /// The same in Chinese, for the Chinese pages.
    public var warningZh: String?

    public init(binding: DeviceBinding, address: String, now: Date) {
        self.init(id: binding.id, role: binding.role.rawValue, window: binding.window, transport: binding.transport.rawValue,
                  address: address, now: now)
    }

    /// For outputs that are not configured devices, such as the voice's sound card.
    public init(id: String, role: String, window: Int? = nil, transport: String, address: String, now: Date) {
        self.id = id
        self.role = role
        self.window = window
        self.transport = transport
        self.address = address
        state = .absent
        since = now
        bytesIn = 0
        bytesOut = 0
        errors = 0
        droppedFrames = 0
        connects = 0
    }
}
