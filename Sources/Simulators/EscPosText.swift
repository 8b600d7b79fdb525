import Codecs
import Foundation

/// What an ESC/POS receipt says, as plain text: the commands counterd's layouts send are understood
/// (alignment, bold, size, GB18030 after FS &, QR codes and barcodes shown as their payloads, the cut),
/// other control bytes skipped. For the demo's printed tickets (demo-data/printed/) and for reading
/// printer bytes in tests.
public enum EscPosText {
    public static func render(_ bytes: [UInt8], columns: Int = 48) -> String {
        var lines: [String] = []
        var line: [UInt8] = []
        var center = false, big = false
        func flush() {
            var text = String(data: Data(line), encoding: GBText.encoding) ?? String(decoding: line, as: UTF8.self)
            if big { text = "【\(text)】" }
            let width = text.reduce(0) { $0 + ($1.isASCII ? 1 : 2) }
            if center, width < columns { text = String(repeating: " ", count: (columns - width) / 2) + text }
            lines.append(text)
            line = []
        }
        var i = 0
        func at(_ k: Int) -> UInt8 { i + k < bytes.count ? bytes[i + k] : 0 }
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 0x0A:
                flush(); i += 1
            case 0x1B:
                switch at(1) {
                case 0x40: center = false; big = false; i += 2
                case 0x61: center = at(2) == 1; i += 3
                case 0x45, 0x74, 0x64: i += 3
                default: i += 2
                }
            case 0x1C:
                i += 2
            case 0x10:
                i += 3
            case 0x1D:
                switch at(1) {
                case 0x21: big = at(2) != 0; i += 3
                case 0x28 where at(2) == 0x6B:
                    let len = Int(at(3)) | Int(at(4)) << 8
                    if at(6) == 0x50, i + 8 <= bytes.count {
                        let payload = bytes[(i + 8)..<min(bytes.count, i + 5 + len)]
                        lines.append("[二维码 QR: \(String(decoding: payload, as: UTF8.self))]")
                    }
                    i += 5 + len
                case 0x6B:
                    let n = Int(at(3))
                    let payload = bytes[min(bytes.count, i + 4)..<min(bytes.count, i + 4 + n)]
                    lines.append("[条码: \(String(decoding: payload.drop { $0 == 0x7B || $0 == 0x42 }, as: UTF8.self))]")
                    i += 4 + n
                case 0x56:
                    if !line.isEmpty { flush() }
                    lines.append("---- ✂ ----")
                    i += at(2) >= 65 ? 4 : 3
                default: i += 3
                }
            default:
                line.append(b); i += 1
            }
        }
        if !line.isEmpty { flush() }
        return lines.joined(separator: "\n") + "\n"
    }
}
