/// Alpha Sign Communications Protocol, "write TEXT file":
/// `NUL×5 SOH TYPE ADDR STX 'A' LABEL text EOT`, type 'Z' (all signs) and address "00" by default.
public enum AlphaSignFrame {
    public static let nul: UInt8 = 0x00, soh: UInt8 = 0x01, stx: UInt8 = 0x02, etx: UInt8 = 0x03, eot: UInt8 = 0x04
    public static let escape: UInt8 = 0x1B

    /// Display modes (the byte after ESC and the position byte); `hold` shows the text still.
    public enum Mode: UInt8, Sendable {
        case rotate = 0x61, hold = 0x62, flash = 0x63, rollUp = 0x65, automode = 0x6F
    }

    /// - Parameters:
    ///   - type: sign type code; "Z" addresses all signs.
    ///   - address: two ASCII hex digits; "00" is broadcast.
    ///   - label: the TEXT file label, "A" by default.
    ///   - mode: when given, an `ESC <position> <mode>` prefix (position 0x20, middle line).
    public static func writeText(_ text: String, type: String = "Z", address: String = "00", label: String = "A",
                                 mode: Mode? = nil) -> [UInt8] {
        var frame = [UInt8](repeating: nul, count: 5) + [soh] + Array(type.utf8) + Array(address.utf8) + [stx, 0x41] + Array(label.utf8)
        if let mode { frame += [escape, 0x20, mode.rawValue] }
        // Control bytes would end or corrupt the packet: text is printable ASCII only.
        frame += DisplayText.encode(text, charset: .ascii, reserved: [nul, soh, stx, etx, eot, escape])
        frame.append(eot)
        return frame
    }
}
