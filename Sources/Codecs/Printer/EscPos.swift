/// ESC/POS commands for receipt printers, built up as bytes. Pure: no I/O, no state but the bytes.
/// Byte forms follow the Epson ESC/POS reference (and match python-escpos where both express a command).
public struct EscPos: Sendable, Equatable {
    public var bytes: [UInt8] = []

    public init() {}

    /// A ticket's size, so building one never regrows the buffer.
    public init(capacity: Int) { bytes.reserveCapacity(capacity) }

    // Two- and three-byte commands appended in place (an array literal per command would be an allocation).
    @inline(__always) mutating func put(_ a: UInt8, _ b: UInt8) { bytes.append(a); bytes.append(b) }
    @inline(__always) mutating func put(_ a: UInt8, _ b: UInt8, _ c: UInt8) { bytes.append(a); bytes.append(b); bytes.append(c) }

    public enum Alignment: UInt8, Sendable { case left = 0, center = 1, right = 2 }
    public enum QRErrorLevel: UInt8, Sendable { case l = 0x30, m = 0x31, q = 0x32, h = 0x33 }

    /// ESC @ — reset to power-on settings; every ticket starts with it.
    public mutating func initialize() { put(0x1B, 0x40) }

    /// ESC a n
    public mutating func align(_ a: Alignment) { put(0x1B, 0x61, a.rawValue) }

    /// ESC E n
    public mutating func bold(_ on: Bool) { put(0x1B, 0x45, on ? 1 : 0) }

    /// GS ! n — character size, 1–8 times in each direction.
    public mutating func size(width: Int, height: Int) {
        let w = UInt8(max(1, min(8, width)) - 1), h = UInt8(max(1, min(8, height)) - 1)
        put(0x1D, 0x21, w << 4 | h)
    }

    /// ESC t n — the single-byte code page (0 = PC437).
    public mutating func codePage(_ n: UInt8) { put(0x1B, 0x74, n) }

    /// FS & — enter Chinese (double-byte, GB18030) character mode; FS . — leave it. Printers differ on
    /// their power-up default, so the encoder always says which mode it wants.
    public mutating func chineseMode(_ on: Bool) { put(0x1C, on ? 0x26 : 0x2E) }

    /// Text in the current mode: GB18030 in Chinese mode (ASCII stays one byte), printable ASCII otherwise.
    /// Characters the printer cannot take become '?', never broken bytes; control characters other than
    /// line feed are dropped.
    public mutating func text(_ s: String, chinese: Bool) {
        var s = s
        bytes.reserveCapacity(bytes.count + s.utf8.count + 1)
        // Straight from the UTF-8 (a String is always valid UTF-8), scalar by scalar: a combining mark has a
        // GB18030 form of its own, so nothing is lost, and a ticket is built in a few microseconds.
        let table = GBText.twoByte
        s.withUTF8 { u in
            var i = 0
            let n = u.count
            while i < n {
                let b0 = u[i]
                if b0 < 0x80 {
                    if b0 == 0x0A || (b0 >= 0x20 && b0 < 0x7F) { bytes.append(b0) }
                    i += 1
                    continue
                }
                let len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : 2
                var v = UInt32(b0) & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07)
                for k in 1..<len where i + k < n { v = v << 6 | UInt32(u[i + k] & 0x3F) }
                i += len
                guard chinese else { bytes.append(0x3F); continue }
                if v < 0x1_0000, case let code = table[Int(v)], code != 0 {
                    bytes.append(UInt8(code >> 8))
                    bytes.append(UInt8(code & 0xFF))
                    continue
                }
                // One- to four-byte GB18030 sequences are all valid in Chinese mode; nothing else is.
                if !GBText.append(Unicode.Scalar(v) ?? "?", to: &bytes) { bytes.append(0x3F) }
            }
        }
    }

    /// `text` and a line feed, without building the longer string.
    public mutating func line(_ s: String, chinese: Bool) {
        text(s, chinese: chinese)
        bytes.append(0x0A)
    }

    /// A full-width rule of `columns` dashes and a line feed.
    public mutating func rule(_ columns: Int) {
        bytes.append(contentsOf: repeatElement(0x2D, count: max(0, columns)))
        bytes.append(0x0A)
    }

    /// ESC d n — print and feed n lines.
    public mutating func feed(lines: Int) { bytes += [0x1B, 0x64, UInt8(max(0, min(255, lines)))] }

    /// GS ( k — a QR code: model 2, module size, error level, store the data, print it.
    public mutating func qr(_ data: String, moduleSize: Int = 6, level: QRErrorLevel = .m) {
        let store = data.utf8.count + 3
        // Appended piece by piece, in place.
        bytes.append(contentsOf: [0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00] as [UInt8])
        bytes.append(contentsOf: [0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, UInt8(max(1, min(16, moduleSize)))] as [UInt8])
        bytes.append(contentsOf: [0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, level.rawValue] as [UInt8])
        bytes.append(contentsOf: [0x1D, 0x28, 0x6B, UInt8(store & 0xFF), UInt8(store >> 8), 0x31, 0x50, 0x30] as [UInt8])
        bytes.append(contentsOf: data.utf8)
        bytes.append(contentsOf: [0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30] as [UInt8])
    }

    /// A non-negative number's decimal digits.
    public mutating func number(_ n: Int) {
        var v = max(0, n), digits: [UInt8] = []
        repeat { digits.append(UInt8(0x30 + v % 10)); v /= 10 } while v > 0
        bytes.append(contentsOf: digits.reversed())
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
