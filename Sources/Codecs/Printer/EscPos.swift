/// ESC/POS commands for receipt printers, built up as bytes. Pure: no I/O, no state but the bytes.
/// Byte forms follow the Epson ESC/POS reference (and match python-escpos where both express a command).
public struct EscPos: Sendable, Equatable {
    public var bytes: [UInt8] = []

    public init() {}

    public enum Alignment: UInt8, Sendable { case left = 0, center = 1, right = 2 }
    public enum QRErrorLevel: UInt8, Sendable { case l = 0x30, m = 0x31, q = 0x32, h = 0x33 }

    /// ESC @ — reset to power-on settings; every ticket starts with it.
    public mutating func initialize() { bytes += [0x1B, 0x40] }

    /// ESC a n
    public mutating func align(_ a: Alignment) { bytes += [0x1B, 0x61, a.rawValue] }

    /// ESC E n
    public mutating func bold(_ on: Bool) { bytes += [0x1B, 0x45, on ? 1 : 0] }

    /// GS ! n — character size, 1–8 times in each direction.
    public mutating func size(width: Int, height: Int) {
        let w = UInt8(max(1, min(8, width)) - 1), h = UInt8(max(1, min(8, height)) - 1)
        bytes += [0x1D, 0x21, w << 4 | h]
    }

    /// ESC t n — the single-byte code page (0 = PC437).
    public mutating func codePage(_ n: UInt8) { bytes += [0x1B, 0x74, n] }

    /// FS & — enter Chinese (double-byte, GB18030) character mode; FS . — leave it. Printers differ on
    /// their power-up default, so the encoder always says which mode it wants.
    public mutating func chineseMode(_ on: Bool) { bytes += on ? [0x1C, 0x26] : [0x1C, 0x2E] }

    /// Text in the current mode: GB18030 in Chinese mode (ASCII stays one byte), printable ASCII otherwise.
    /// Characters the printer cannot take become '?', never broken bytes; control characters other than
    /// line feed are dropped.
    public mutating func text(_ s: String, chinese: Bool) {
        // Scalar by scalar (a combining mark has a GB18030 form of its own), appended in place: a ticket is
        // built in microseconds.
        bytes.reserveCapacity(bytes.count + s.utf8.count)
        for u in s.unicodeScalars {
            if u.value < 0x80 {
                if u == "\n" { bytes.append(0x0A) } else if u.value >= 0x20 && u.value < 0x7F { bytes.append(UInt8(u.value)) }
                continue
            }
            guard chinese else { bytes.append(0x3F); continue }
            // One- to four-byte GB18030 sequences are all valid in Chinese mode; nothing else is.
            if !GBText.append(u, to: &bytes) { bytes.append(0x3F) }
        }
    }

    /// ESC d n — print and feed n lines.
    public mutating func feed(lines: Int) { bytes += [0x1B, 0x64, UInt8(max(0, min(255, lines)))] }

    /// GS ( k — a QR code: model 2, module size, error level, store the data, print it.
    public mutating func qr(_ data: String, moduleSize: Int = 6, level: QRErrorLevel = .m) {
        let payload = Array(data.utf8)
        let store = payload.count + 3
        bytes += [0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]
        bytes += [0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, UInt8(max(1, min(16, moduleSize)))]
        bytes += [0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, level.rawValue]
        bytes += [0x1D, 0x28, 0x6B, UInt8(store & 0xFF), UInt8(store >> 8), 0x31, 0x50, 0x30] + payload
        bytes += [0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30]
    }

    /// GS k 73 — CODE128 (code set B), with height, module width and the human-readable line below.
    public mutating func code128(_ data: String, height: UInt8 = 64, width: UInt8 = 3) {
        let body = Array("{B".utf8) + Array(data.utf8.filter { $0 >= 0x20 && $0 < 0x7F })
        bytes += [0x1D, 0x68, height, 0x1D, 0x77, width, 0x1D, 0x66, 0x00, 0x1D, 0x48, 0x02]
        bytes += [0x1D, 0x6B, 0x49, UInt8(min(255, body.count))] + body.prefix(255)
    }

    /// Feed past the cutter, then GS V — a full or partial cut.
    public mutating func cut(partial: Bool = false, feed lines: Int = 6) {
        feed(lines: lines)
        bytes += [0x1D, 0x56, partial ? 1 : 0]
    }

    /// DLE EOT n — real-time status request (n = 1 printer, 2 offline cause, 4 paper roll sensor).
    public static func statusRequest(_ n: UInt8) -> [UInt8] { [0x10, 0x04, n] }

    /// GS a n — automatic status back (ASB) for the given events; 0 turns it off.
    public static func automaticStatusBack(_ mask: UInt8) -> [UInt8] { [0x1D, 0x61, mask] }
}
