import Foundation
import Glibc

/// The inverse of the encoder, for tests only: tokenises ESC/GS/FS/DLE commands, fails on any command it
/// does not know, and decodes text in the character mode in force (GB18030 through glibc's iconv, not
/// through our own tables). What it reads from a whole ticket is what a printer would do with it.
struct EscPosDecoder {
    struct Line: Equatable {
        var text: String
        var align: Int
        var bold: Bool
        /// GS ! width and height multipliers (1…8).
        var width: Int
        var height: Int
    }

    enum Command: Equatable {
        case initialize, align(Int), bold(Bool), size(Int, Int), chinese(Bool), codePage(Int), feed(Int)
        case qrModel(Int), qrSize(Int), qrLevel(Int), qrStore(String), qrPrint
        case barcode(String), cut(partial: Bool), status(Int)
    }

    struct DecodeError: Error, CustomStringConvertible {
        var description: String
    }

    var commands: [Command] = []
    var lines: [Line] = []
    var qrPayloads: [String] = []

    init(_ bytes: [UInt8]) throws {
        var i = 0
        var chinese = false
        var align = 0, bold = false, width = 1, height = 1
        var text: [UInt8] = []
        var lineAlign = 0, lineBold = false, lineW = 1, lineH = 1
        func need(_ n: Int) throws {
            if i + n > bytes.count { throw DecodeError(description: "truncated command at \(i)") }
        }
        func flushLine() throws {
            let s = try Self.decode(text, chinese: chinese)
            lines.append(Line(text: s, align: lineAlign, bold: lineBold, width: lineW, height: lineH))
            text = []
        }
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 0x1B:
                try need(2)
                switch bytes[i + 1] {
                case 0x40: commands.append(.initialize); align = 0; bold = false; width = 1; height = 1; chinese = false; i += 2
                case 0x61: try need(3); align = Int(bytes[i + 2]); commands.append(.align(align)); i += 3
                case 0x45: try need(3); bold = bytes[i + 2] & 1 == 1; commands.append(.bold(bold)); i += 3
                case 0x74: try need(3); commands.append(.codePage(Int(bytes[i + 2]))); i += 3
                case 0x64: try need(3); commands.append(.feed(Int(bytes[i + 2]))); i += 3
                default: throw DecodeError(description: String(format: "unknown ESC %02x at %d", bytes[i + 1], i))
                }
            case 0x1C:
                try need(2)
                switch bytes[i + 1] {
                case 0x26: chinese = true; commands.append(.chinese(true)); i += 2
                case 0x2E: chinese = false; commands.append(.chinese(false)); i += 2
                default: throw DecodeError(description: String(format: "unknown FS %02x at %d", bytes[i + 1], i))
                }
            case 0x1D:
                try need(2)
                switch bytes[i + 1] {
                case 0x21:
                    try need(3)
                    width = Int(bytes[i + 2] >> 4) + 1
                    height = Int(bytes[i + 2] & 0x0F) + 1
                    commands.append(.size(width, height))
                    i += 3
                case 0x56:
                    try need(3)
                    let m = bytes[i + 2]
                    if m == 65 || m == 66 {
                        try need(4)
                        commands.append(.cut(partial: m == 66))
                        i += 4
                    } else if m <= 1 || m == 0x30 || m == 0x31 {
                        commands.append(.cut(partial: m & 1 == 1))
                        i += 3
                    } else {
                        throw DecodeError(description: "bad GS V mode \(m)")
                    }
                case 0x28:
                    try need(5)
                    guard bytes[i + 2] == 0x6B else { throw DecodeError(description: "unknown GS ( \(bytes[i + 2])") }
                    let len = Int(bytes[i + 3]) | Int(bytes[i + 4]) << 8
                    try need(5 + len)
                    let body = Array(bytes[(i + 5)..<(i + 5 + len)])
                    guard body.count >= 2, body[0] == 0x31 else { throw DecodeError(description: "GS ( k not a QR code") }
                    switch body[1] {
                    case 0x41: commands.append(.qrModel(Int(body[2]) - 0x30))
                    case 0x43: commands.append(.qrSize(Int(body[2])))
                    case 0x45: commands.append(.qrLevel(Int(body[2]) - 0x30))
                    case 0x50:
                        guard body[2] == 0x30 else { throw DecodeError(description: "QR store m") }
                        let payload = String(decoding: body[3...], as: UTF8.self)
                        commands.append(.qrStore(payload))
                        qrPayloads.append(payload)
                    case 0x51: commands.append(.qrPrint)
                    default: throw DecodeError(description: "unknown QR function \(body[1])")
                    }
                    i += 5 + len
                case 0x6B:
                    try need(4)
                    guard bytes[i + 2] == 73 else { throw DecodeError(description: "barcode type \(bytes[i + 2])") }
                    let n = Int(bytes[i + 3])
                    try need(4 + n)
                    commands.append(.barcode(String(decoding: bytes[(i + 4)..<(i + 4 + n)], as: UTF8.self)))
                    i += 4 + n
                case 0x68, 0x77, 0x48, 0x66:
                    try need(3)
                    i += 3
                default: throw DecodeError(description: String(format: "unknown GS %02x at %d", bytes[i + 1], i))
                }
            case 0x10:
                try need(3)
                guard bytes[i + 1] == 0x04 else { throw DecodeError(description: "unknown DLE command") }
                commands.append(.status(Int(bytes[i + 2])))
                i += 3
            case 0x0A:
                try flushLine()
                i += 1
            default:
                if b < 0x20 { throw DecodeError(description: String(format: "stray control %02x at %d", b, i)) }
                if text.isEmpty {
                    lineAlign = align
                    lineBold = bold
                    lineW = width
                    lineH = height
                }
                text.append(b)
                i += 1
            }
        }
        if !text.isEmpty { try flushLine() }
    }

    /// GB18030 in Chinese mode, ASCII otherwise (a byte ≥ 0x80 outside Chinese mode is an error here:
    /// the encoder must never send one).
    static func decode(_ bytes: [UInt8], chinese: Bool) throws -> String {
        guard chinese else {
            guard bytes.allSatisfy({ $0 < 0x80 }) else { throw DecodeError(description: "8-bit text outside Chinese mode") }
            return String(decoding: bytes, as: UTF8.self)
        }
        let cd = iconv_open("UTF-8", "GB18030")
        guard cd != iconv_t(bitPattern: -1) else { throw DecodeError(description: "iconv has no GB18030") }
        defer { iconv_close(cd) }
        var input = bytes.map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: bytes.count * 4 + 4)
        var inLeft = input.count, outLeft = output.count
        let result = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                var inPtr: UnsafeMutablePointer<CChar>? = inBuf.baseAddress
                var outPtr: UnsafeMutablePointer<CChar>? = outBuf.baseAddress
                return iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
            }
        }
        if result == -1 || inLeft != 0 { throw DecodeError(description: "invalid GB18030 bytes \(bytes)") }
        let count = output.count - outLeft
        return String(decoding: output[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
