import Foundation

/// Chinese text for devices that speak GB2312/GBK/GB18030 (two bytes per Han character).
public enum GBText {
    /// GB18030, a superset of GB2312 and GBK with the same bytes for their characters.
    public static let encoding = String.Encoding(rawValue: 0x8000_0632)

    /// Encodes character by character; a character the encoding cannot express becomes `replacement`,
    /// never broken bytes. Stops before `maxBytes` would be exceeded or a character split.
    public static func encode(_ text: String, maxBytes: Int = .max, replacement: UInt8 = 0x3F) -> [UInt8] {
        var out: [UInt8] = []
        for ch in text {
            var bytes = String(ch).data(using: encoding).map(Array.init) ?? [replacement]
            // GB2312 devices take one or two bytes a character; four-byte GB18030 sequences are replaced.
            if bytes.count > 2 { bytes = [replacement] }
            if out.count + bytes.count > maxBytes { break }
            out += bytes
        }
        return out
    }

    /// Packs bytes two per 16-bit register (first byte high), NUL-padded to `registers`.
    public static func registers(_ bytes: [UInt8], count registers: Int) -> [UInt16] {
        var padded = Array(bytes.prefix(registers * 2))
        padded += Array(repeating: 0, count: registers * 2 - padded.count)
        return (0..<registers).map { UInt16(padded[2 * $0]) << 8 | UInt16(padded[2 * $0 + 1]) }
    }
}
