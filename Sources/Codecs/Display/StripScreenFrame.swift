/// The common Chinese window/strip LED screen:
/// `AA ADDR BB 51 54 CK 01 00 99 00 63 <GBK text> FF` (window screen), with `08 02` in bytes 6–7 for the
/// hall-screen variant. CK is a checksum over the frame chosen by the profile. ≥ 100 ms between frames.
public enum StripScreenFrame {
    public enum Variant: String, Sendable, CaseIterable {
        case window
        case hall

        var bytes6and7: [UInt8] { self == .window ? [0x01, 0x00] : [0x08, 0x02] }
    }

    /// How byte 5 is computed; screens from different factories differ, so the profile names one.
    public enum Checksum: String, Sendable, CaseIterable {
        /// Sum of the bytes from index 6 through the last text byte, mod 256 (the default).
        case sumFrom6 = "sum-from-6"
        /// XOR of the same bytes.
        case xorFrom6 = "xor-from-6"
        /// Sum of the bytes from index 1 (ADDR) through the last text byte, skipping byte 5 itself.
        case sumFrom1 = "sum-from-1"

        /// The checksum of `frame`, a whole frame whose byte 5 is a placeholder and whose last byte is FF.
        public func compute(_ frame: [UInt8]) -> UInt8 {
            let body = frame.dropLast()
            switch self {
            case .sumFrom6: return body.dropFirst(6).reduce(0, &+)
            case .xorFrom6: return body.dropFirst(6).reduce(0, ^)
            case .sumFrom1:
                return body.enumerated().filter { $0.offset >= 1 && $0.offset != 5 }.reduce(0) { $0 &+ $1.element }
            }
        }
    }

    public static let end: UInt8 = 0xFF
    public static let minimumGapMilliseconds = 100

    public static func encode(address: UInt8, text: String, variant: Variant = .window, checksum: Checksum = .sumFrom6,
                              charset: DisplayCharset = .gbk) -> [UInt8] {
        var frame: [UInt8] = [0xAA, address, 0xBB, 0x51, 0x54, 0x00] + variant.bytes6and7 + [0x99, 0x00, 0x63]
        frame += DisplayText.encode(text, charset: charset, reserved: [end])
        frame.append(end)
        frame[5] = checksum.compute(frame)
        return frame
    }
}
