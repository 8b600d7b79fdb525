/// The character sets LED screens take, and the rules for text that does not fit.
public enum DisplayCharset: String, Sendable, CaseIterable {
    /// Printable ASCII only (Alpha signs, QSystem-style boards).
    case ascii
    /// GBK: ASCII one byte, a Han character two bytes (Chinese strip and window screens).
    case gbk
}

/// What a profile does with text wider than its screen.
public enum DisplayOverflow: String, Sendable, CaseIterable {
    /// Send it whole: the screen scrolls it.
    case scroll
    /// Cut it at the last whole character that fits.
    case truncate
}

public enum DisplayText {
    /// Screen cells a character takes: 1 for ASCII, 2 for everything else (a 16×16 Han glyph).
    public static func cells(_ c: Character) -> Int { c.isASCII ? 1 : 2 }

    public static func cells(_ s: String) -> Int { s.reduce(0) { $0 + cells($1) } }

    /// The longest prefix of `s` that fits in `width` cells; a double-width character is never split.
    public static func truncate(_ s: String, width: Int) -> String {
        var used = 0
        var out = ""
        for c in s {
            let w = cells(c)
            if used + w > width { break }
            used += w
            out.append(c)
        }
        return out
    }

    /// Encodes `s` for a screen. Characters the charset lacks, control characters and anything that
    /// would produce a byte in `reserved` (the protocol's framing bytes) become `replacement`: a screen
    /// never receives broken or frame-ending bytes.
    public static func encode(_ s: String, charset: DisplayCharset, reserved: Set<UInt8> = [], replacement: UInt8 = 0x3F) -> [UInt8] {
        var out: [UInt8] = []
        for c in s {
            var bytes: [UInt8]
            if c.isASCII, let v = c.asciiValue {
                bytes = v >= 0x20 && v < 0x7F ? [v] : [replacement]
            } else if charset == .gbk {
                bytes = GBText.encode(String(c), replacement: replacement)
                // GBK is the two-byte part of GB18030; four-byte sequences and lone replacements stay out.
                if bytes.count != 2 { bytes = [replacement] }
            } else {
                bytes = [replacement]
            }
            if bytes.contains(where: reserved.contains) { bytes = [replacement] }
            out += bytes
        }
        return out
    }
}
