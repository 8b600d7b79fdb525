/// Something that can be opened to get a byte connection: a tty, a hidraw or evdev node, a USB printer,
/// a TCP printer, or a recorded session.
public protocol ByteLink: Sendable {
    /// Human-readable address: "/dev/ttyUSB0 9600 8N1", "tcp 10.0.0.5:9100".
    var address: String { get }
    func open() async throws -> any ByteConnection
}

/// An open connection. `inbound` yields chunks as they arrive (for hidraw one chunk is one report, for
/// evdev whole input_event records) and ends, with an error, when the device goes away.
public protocol ByteConnection: Sendable {
    var inbound: AsyncThrowingStream<[UInt8], any Error> { get }
    func write(_ bytes: [UInt8]) async throws
    func close()
}
