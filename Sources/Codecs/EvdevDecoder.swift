/// One Linux input event (struct input_event on 64-bit: timeval 16 bytes, type u16, code u16, value s32).
public struct InputEvent: Sendable, Equatable {
    public var seconds: Int64
    public var microseconds: Int64
    public var type: UInt16
    public var code: UInt16
    public var value: Int32

    public init(seconds: Int64 = 0, microseconds: Int64 = 0, type: UInt16, code: UInt16, value: Int32) {
        self.seconds = seconds
        self.microseconds = microseconds
        self.type = type
        self.code = code
        self.value = value
    }

    public static let size = 24
    public static let evKey: UInt16 = 1

    /// EV_KEY value: 0 up, 1 down, 2 autorepeat.
    public enum KeyAction: Int32, Sendable { case up = 0, down = 1, repeated = 2 }

    public var keyAction: KeyAction? { type == Self.evKey ? KeyAction(rawValue: value) : nil }

    /// The 24 bytes of this event, little-endian.
    public var bytes: [UInt8] {
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        return le(seconds) + le(microseconds) + le(type) + le(code) + le(value)
    }
}

/// Splits an evdev byte stream into events. Reads may end mid-record; the rest is kept for the next feed.
public struct EvdevDecoder: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    public mutating func feed(_ bytes: [UInt8]) -> [InputEvent] {
        pending += bytes
        var out: [InputEvent] = []
        var offset = 0
        while pending.count - offset >= InputEvent.size {
            let r = pending[offset..<offset + InputEvent.size]
            func int<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T {
                var v: T = 0
                for i in 0..<MemoryLayout<T>.size { v |= T(truncatingIfNeeded: r[r.startIndex + at + i]) << (8 * i) }
                return v
            }
            out.append(InputEvent(seconds: int(0, Int64.self), microseconds: int(8, Int64.self), type: int(16, UInt16.self),
                                  code: int(18, UInt16.self), value: int(20, Int32.self)))
            offset += InputEvent.size
        }
        pending.removeFirst(offset)
        return out
    }

    /// Bytes held back waiting for the rest of a record.
    public var buffered: Int { pending.count }
}
