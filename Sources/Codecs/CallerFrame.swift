/// The DL/T 645-style frame of common Chinese caller keypads (呼叫器), 9600 8N1:
///
///     FF 68 LEN LEN 68 ADDR FUNC DATA… CS 16
///
/// LEN is the number of bytes from ADDR through the last DATA byte (sent twice); CS is
/// (ADDR + FUNC + DATA bytes) mod 256. The host echoes each frame it accepts, byte for byte.
public struct CallerFrame: Sendable, Equatable {
    public var address: UInt8
    public var function: UInt8
    public var data: [UInt8]

    public init(address: UInt8, function: UInt8, data: [UInt8]) {
        self.address = address
        self.function = function
        self.data = data
    }

    public static let preamble: UInt8 = 0xFF
    public static let start: UInt8 = 0x68
    public static let end: UInt8 = 0x16
    /// Longest LEN accepted; real keypads send a few bytes.
    public static let maxLength = 64

    public static func checksum(address: UInt8, function: UInt8, data: [UInt8]) -> UInt8 {
        data.reduce(address &+ function) { $0 &+ $1 }
    }

    /// The frame on the wire, preamble included.
    public var bytes: [UInt8] {
        let len = UInt8(2 + data.count)
        return [Self.preamble, Self.start, len, len, Self.start, address, function] + data
            + [Self.checksum(address: address, function: function, data: data), Self.end]
    }

    // MARK: Host → keypad

    /// Digit shown on the keypad, 0x0A for a blank.
    public static let blank: UInt8 = 0x0A

    /// Shows up to three digits (a ticket's number part, or the waiting count), right-aligned:
    /// `FF 68 08 08 68 ADDR 02 0A 0A 0A d1 d2 d3 CS 16`.
    public static func show(address: UInt8, number: Int) -> CallerFrame {
        let n = max(0, number) % 1000
        var digits: [UInt8] = [UInt8(n / 100), UInt8(n / 10 % 10), UInt8(n % 10)]
        // Leading zeros of a count are blanked; a ticket number keeps them (see showTicket).
        if n < 100 { digits[0] = blank }
        if n < 10 { digits[1] = blank }
        return CallerFrame(address: address, function: 0x02, data: [blank, blank, blank] + digits)
    }

    /// Shows a ticket's three last digits, zeros kept: A012 → 0 1 2.
    public static func showTicket(address: UInt8, number: String) -> CallerFrame {
        let digits = number.compactMap { $0.wholeNumberValue }.map(UInt8.init)
        let last = Array(digits.suffix(3))
        let padded = Array(repeating: blank, count: 3 - last.count) + last
        return CallerFrame(address: address, function: 0x02, data: [blank, blank, blank] + padded)
    }

    /// `FF 68 02 02 68 ADDR 03 CS 16`
    public static func beep(address: UInt8) -> CallerFrame { CallerFrame(address: address, function: 0x03, data: []) }
}

/// What a caller keypad asks for.
public enum CallerAction: Sendable, Equatable {
    case call          // 0x0C
    case recall        // 0x0D
    case evaluate      // 0x0B: ask for a rating now
    case pause         // 0x12
    case transfer      // 0x13
    case noShow        // 6 + confirm (0x0F)
    case park          // 0 + confirm: hang the current ticket
    case callBack      // 3 + confirm: call a parked ticket back

    /// The action a frame's DATA carries; nil for combinations the keypads do not define.
    public static func from(data: [UInt8]) -> CallerAction? {
        guard let key = data.last else { return nil }
        switch key {
        case 0x0C: return .call
        case 0x0D: return .recall
        case 0x0B: return .evaluate
        case 0x12: return .pause
        case 0x13: return .transfer
        case 0x0F:
            guard data.count >= 2 else { return nil }
            switch data[data.count - 2] {
            case 6: return .noShow
            case 0: return .park
            case 3: return .callBack
            default: return nil
            }
        default: return nil
        }
    }
}

/// Why bytes were dropped.
public enum CallerFrameError: Error, Sendable, Equatable {
    /// Bytes that are not part of any frame.
    case garbage(count: Int)
    case badChecksum(expected: UInt8, got: UInt8)
    case badEnd(UInt8)
    /// LEN outside 2…maxLength.
    case badLength(Int)
}

/// Streaming decoder: feed any bytes in any chunks; get whole frames (with their raw bytes, for the echo)
/// and typed errors. Total: never traps, never waits for more than one frame's worth of bytes, and
/// resynchronises on the next start byte after garbage.
public struct CallerFrameDecoder: Sendable {
    public enum Output: Sendable, Equatable {
        case frame(CallerFrame, raw: [UInt8])
        case error(CallerFrameError)
    }

    private var buffer: [UInt8] = []

    public init() {}

    public var buffered: Int { buffer.count }

    public mutating func feed(_ bytes: [UInt8]) -> [Output] {
        buffer += bytes
        var out: [Output] = []
        var garbage = 0
        var i = 0
        var keepFrom: Int?
        func flushGarbage() {
            if garbage > 0 { out.append(.error(.garbage(count: garbage))) }
            garbage = 0
        }
        scan: while i < buffer.count {
            // A run of preamble bytes directly before a start byte belongs to the frame.
            var start = i
            while start < buffer.count && buffer[start] == CallerFrame.preamble { start += 1 }
            // More than a few preamble bytes in a row is noise: count the excess, keep the last few.
            if start - i > 4 {
                garbage += start - i - 4
                i = start - 4
            }
            if start == buffer.count {
                keepFrom = i
                break scan
            }
            guard buffer[start] == CallerFrame.start else {
                garbage += start - i + 1
                i = start + 1
                continue
            }
            // Need LEN, LEN, 68 to know whether this is a frame start.
            guard start + 3 < buffer.count else {
                keepFrom = i
                break scan
            }
            let len = Int(buffer[start + 1])
            guard buffer[start + 2] == buffer[start + 1], buffer[start + 3] == CallerFrame.start else {
                garbage += start - i + 1
                i = start + 1
                continue
            }
            guard (2...CallerFrame.maxLength).contains(len) else {
                flushGarbage()
                out.append(.error(.badLength(len)))
                i = start + 1
                continue
            }
            let total = 4 + len + 2
            guard start + total <= buffer.count else {
                keepFrom = i
                break scan
            }
            let body = Array(buffer[(start + 4)..<(start + 4 + len)])
            let cs = buffer[start + 4 + len]
            let endByte = buffer[start + 4 + len + 1]
            if endByte != CallerFrame.end {
                flushGarbage()
                out.append(.error(.badEnd(endByte)))
                i = start + 1
                continue
            }
            let expected = CallerFrame.checksum(address: body[0], function: body[1], data: Array(body[2...]))
            flushGarbage()
            if cs != expected {
                // Well formed but corrupted: drop it whole.
                out.append(.error(.badChecksum(expected: expected, got: cs)))
            } else {
                out.append(.frame(CallerFrame(address: body[0], function: body[1], data: Array(body[2...])),
                                  raw: Array(buffer[i..<(start + total)])))
            }
            i = start + total
        }
        flushGarbage()
        buffer.removeFirst(min(keepFrom ?? i, buffer.count))
        return out
    }
}
