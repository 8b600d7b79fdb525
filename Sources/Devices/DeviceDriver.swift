import Logging

/// What runs on a connected device: decodes its bytes and acts. The keypad, display and printer drivers
/// implement this; `run` returns or throws when the connection ends.
public protocol DeviceDriver: Sendable {
    func run(_ connection: any ByteConnection, context: DriverContext) async throws
}

/// Lets a driver report what it sees into the device's health.
public struct DriverContext: Sendable {
    public let binding: DeviceBinding
    public let logger: Logger
    let report: @Sendable (HealthUpdate) -> Void

    public init(binding: DeviceBinding, logger: Logger, report: @escaping @Sendable (HealthUpdate) -> Void) {
        self.binding = binding
        self.logger = logger
        self.report = report
    }

    public func received(_ count: Int) { report(.received(count)) }
    /// Sets (or with nil clears) what the device reports as wrong, in English and in Chinese (for the
    /// Chinese pages; the English text when no Chinese is given).
    public func warn(_ message: String?, zh: String? = nil) { report(.warning(message, zh: zh ?? message)) }
    public func sent(_ count: Int) { report(.sent(count)) }
    /// A frame that could not be decoded (bad checksum, garbage, truncated).
    public func droppedFrame(_ why: String) {
        logger.notice("dropped frame", metadata: ["device": "\(binding.id)", "reason": "\(why)"])
        report(.droppedFrame)
    }
}

public enum HealthUpdate: Sendable {
    case received(Int)
    case sent(Int)
    case droppedFrame
    case warning(String?, zh: String?)
}

/// A driver that only reads and counts: for devices whose protocol driver is not configured yet, and for
/// the transport tests.
public struct CountingDriver: DeviceDriver {
    public init() {}

    public func run(_ connection: any ByteConnection, context: DriverContext) async throws {
        for try await chunk in connection.inbound { context.received(chunk.count) }
        throw LinkError.endOfFile
    }
}
