import Foundation

/// Chinese text for devices that speak GB2312/GBK/GB18030 (two bytes per Han character).
public enum GBText {
    /// GB18030, a superset of GB2312 and GBK with the same bytes for their characters.
    public static let encoding = String.Encoding(rawValue: 0x8000_0632)

    /// Every two-byte GB18030 (GBK) sequence by the Unicode scalar it stands for (all of them are in the
    /// Basic Multilingual Plane), as a flat table indexed by the scalar: 0 where there is none. Built once by
    /// decoding them all; a lookup is one array index, ~1000× cheaper than a Foundation conversion.
    static let twoByte: [UInt16] = {
        var table = [UInt16](repeating: 0, count: 0x1_0000)
        for lead in UInt8(0x81)...0xFE {
            for trail in UInt8(0x40)...0xFE where trail != 0x7F {
                guard let s = String(data: Data([lead, trail]), encoding: encoding), s.unicodeScalars.count == 1,
                      let scalar = s.unicodeScalars.first, scalar.value < 0x1_0000 else { continue }
                if table[Int(scalar.value)] == 0 { table[Int(scalar.value)] = UInt16(lead) << 8 | UInt16(trail) }
            }
        }
        return table
    }()

    /// Appends one scalar in GB18030 (1, 2 or 4 bytes); false when it has no GB18030 form.
    @inline(__always)
    public static func append(_ u: Unicode.Scalar, to bytes: inout [UInt8]) -> Bool {
        if u.value < 0x80 {
            bytes.append(UInt8(u.value))
            return true
        }
        if u.value < 0x1_0000, case let code = twoByte[Int(u.value)], code != 0 {
            bytes.append(UInt8(code >> 8))
            bytes.append(UInt8(code & 0xFF))
            return true
        }
        guard let data = String(Character(u)).data(using: encoding), !data.isEmpty else { return false }
        bytes.append(contentsOf: data)
        return true
    }

    /// One character in GB18030 (1, 2 or 4 bytes), or nil when it has no GB18030 form.
    public static func gb18030(_ c: Character) -> [UInt8]? {
        // GB18030 encodes scalar by scalar, so a character is its scalars' bytes in a row.
        var out: [UInt8] = []
        for u in c.unicodeScalars {
            guard append(u, to: &out) else { return nil }
        }
        return out
    }

    /// Encodes character by character; a character the encoding cannot express becomes `replacement`,
    /// never broken bytes. Stops before `maxBytes` would be exceeded or a character split.
    public static func encode(_ text: String, maxBytes: Int = .max, replacement: UInt8 = 0x3F) -> [UInt8] {
        var out: [UInt8] = []
        for ch in text {
            var bytes = gb18030(ch) ?? [replacement]
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
