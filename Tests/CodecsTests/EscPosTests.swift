import Codecs
import Foundation
import Testing

/// ESC/POS against python-escpos (PyPI, in the test virtualenv; its Dummy printer gives the bytes) for
/// what both can express, and against hand-checked vectors for GB18030 text, QR and cut.
@Suite struct EscPosTests {
    static let python = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".venv/bin/python")

    /// Hex of each python-escpos snippet's output, in order.
    static func reference(_ snippets: [String]) throws -> [String] {
        try #require(FileManager.default.isExecutableFile(atPath: python.path), "no test virtualenv: run `make test`")
        let script = "from escpos.printer import Dummy\n" + snippets.map { "p = Dummy()\n\($0)\nprint(p.output.hex())" }.joined(separator: "\n")
        let p = Process()
        p.executableURL = python
        p.arguments = ["-c", script]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        // python-escpos also prints notes ("Using hardware barcode renderer"): keep the hex lines.
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init).filter { $0.allSatisfy(\.isHexDigit) }
    }

    static func hex(_ f: (inout EscPos) -> Void) -> String {
        var p = EscPos()
        f(&p)
        return p.bytes.map { String(format: "%02x", $0) }.joined()
    }

    @Test func commandsMatchPythonEscpos() throws {
        let ref = try Self.reference([
            "p.hw('INIT')",
            "p.set(align='center')",
            "p.set(bold=True)",
            "p.set(custom_size=True, width=4, height=4)",
            "p.set(custom_size=True, width=2, height=3)",
            "p.qr('https://hall.example/r/7f3a9c', size=6, ec=1, native=True)",
            "p.qr('x', size=4, ec=1, native=True)",
            "p.cut()",
            "p.cut(mode='PART')",
            "p.barcode('{BA012', 'CODE128', function_type='B', align_ct=False)",
        ])
        let ours = [
            Self.hex { $0.initialize() },
            Self.hex { $0.align(.center) },
            Self.hex { $0.bold(true) },
            Self.hex { $0.size(width: 4, height: 4) },
            Self.hex { $0.size(width: 2, height: 3) },
            Self.hex { $0.qr("https://hall.example/r/7f3a9c", moduleSize: 6, level: .m) },
            Self.hex { $0.qr("x", moduleSize: 4, level: .m) },
            Self.hex { $0.cut() },
            Self.hex { $0.cut(partial: true) },
            Self.hex { $0.code128("A012") },
        ]
        #expect(ref.count == ours.count, "python-escpos gave \(ref.count) lines")
        for (i, (r, o)) in zip(ref, ours).enumerated() {
            // python-escpos's set() also writes its text-size and bold defaults; compare ours as a suffix.
            #expect(r == o || r.hasSuffix(o), "command \(i): python-escpos \(r), ours \(o)")
        }
    }

    @Test func handCheckedVectors() {
        // GB18030 in Chinese mode: 请 C7 EB, 号 BA C5; 𠀀 is a four-byte GB18030 sequence 95 32 82 36.
        var p = EscPos()
        p.chineseMode(true)
        p.text("请A号𠀀\n", chinese: true)
        p.chineseMode(false)
        #expect(p.bytes == [0x1C, 0x26, 0xC7, 0xEB, 0x41, 0xBA, 0xC5, 0x95, 0x32, 0x82, 0x36, 0x0A, 0x1C, 0x2E])
        // Outside Chinese mode, and for what no charset has, '?' — never broken bytes; controls dropped.
        var q = EscPos()
        q.text("号\u{1B}@😀", chinese: false)
        #expect(q.bytes == [0x3F, 0x40, 0x3F])
        // QR store length: 3 + payload, little-endian, after the model (9 bytes), size and level (8 each).
        var r = EscPos()
        r.qr(String(repeating: "a", count: 300))
        #expect(Array(r.bytes[25..<33]) == [0x1D, 0x28, 0x6B, 0x2F, 0x01, 0x31, 0x50, 0x30])
        #expect(EscPos.statusRequest(4) == [0x10, 0x04, 0x04])
    }

    @Test func statusBytes() {
        // Everything fine: the fixed bits only.
        let ok = PrinterStatus.decode(printer: 0x12, offlineCause: 0x12, paper: 0x12)
        #expect(ok?.canPrint == true && ok?.problems.isEmpty == true)
        let nearEnd = PrinterStatus.decode(printer: 0x12, offlineCause: 0x12, paper: 0x1E)
        #expect(nearEnd?.paperNearEnd == true && nearEnd?.canPrint == true && nearEnd?.problems.map(\.en) == ["paper near end"])
        let out = PrinterStatus.decode(printer: 0x1A, offlineCause: 0x32, paper: 0x72)
        #expect(out?.paperOut == true && out?.offline == true && out?.canPrint == false)
        let cover = PrinterStatus.decode(printer: 0x1A, offlineCause: 0x16, paper: 0x12)
        #expect(cover?.coverOpen == true && cover?.problems.first?.zh == "打印机盖未关")
        let cutter = PrinterStatus.decode(printer: 0x1A, offlineCause: 0x52, paper: 0x12)
        #expect(cutter?.cutterError == true && cutter?.canPrint == false)
        // Not status answers (a stray byte of another reply): refused.
        #expect(PrinterStatus.decode(printer: 0x00, offlineCause: 0x12, paper: 0x12) == nil)
        #expect(PrinterStatus.decode(printer: 0x12, offlineCause: 0xFF, paper: 0x12) == nil)
    }

    @Test func ticketLayoutFor58And80mm() {
        let t = TicketLayout(hall: "示范区政务服务中心", number: "A012", category: "户籍办理", windowHint: "请到 1、2 号窗口办理",
                             issuedAt: "2026-11-23 09:14", waitingAhead: 3,
                             checklist: ["居民身份证原件及复印件（正反面复印在同一页A4纸上）", "户口簿"],
                             qrURL: "https://hall.example/r/7f3a9c", columns: 32)
        let bytes = t.bytes
        #expect(Array(bytes.prefix(4)) == [0x1B, 0x40, 0x1C, 0x26], "ESC @ first, then Chinese mode stated")
        #expect(bytes.suffix(3) == [0x1D, 0x56, 0x01], "ends with a partial cut")
        // The number at 3× on 58 mm, 4× on 80 mm.
        #expect(bytes.contains(subsequence: [0x1D, 0x21, 0x22, 0x1B, 0x45, 0x01] + Array("A012".utf8)))
        var wide = t
        wide.columns = 48
        #expect(wide.bytes.contains(subsequence: [0x1D, 0x21, 0x33]))
        // The checklist wraps within 32 columns, a CJK character counting two, never split.
        let lines = TicketLayout.wrap("1. 居民身份证原件及复印件（正反面复印在同一页A4纸上）", columns: 32, indent: 3)
        #expect(lines.allSatisfy { $0.reduce(0) { $0 + TicketLayout.width($1) } <= 32 })
        #expect(lines.count == 2 && lines[1].hasPrefix("   "))
        // A printer without Chinese mode gets ESC t 0 and '?' for Chinese: never broken bytes.
        var latin = t
        latin.chineseMode = false
        #expect(Array(latin.bytes.prefix(5)) == [0x1B, 0x40, 0x1B, 0x74, 0x00])
        #expect(!latin.bytes.contains(0xC7))
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence s: [UInt8]) -> Bool {
        guard s.count <= count else { return false }
        return (0...(count - s.count)).contains { Array(self[$0..<($0 + s.count)]) == s }
    }
}

/// Automatic status back packets (GS a), fed byte by byte and whole, mixed with DLE EOT answers and noise.
@Suite struct AutomaticStatusTests {
    @Test func packetsDecodeWholeAndByteByByte() {
        var out = PrinterStatus()
        out.paperOut = true
        out.offline = true
        var near = PrinterStatus()
        near.paperNearEnd = true
        var cover = PrinterStatus()
        cover.coverOpen = true
        cover.offline = true
        let stream = AutomaticStatusParser.encode(out) + [0x12, 0x16] + AutomaticStatusParser.encode(near) + [0xFF, 0x00]
            + AutomaticStatusParser.encode(cover)
        var whole = AutomaticStatusParser()
        let a = whole.feed(stream)
        var bytewise = AutomaticStatusParser()
        let b = stream.flatMap { bytewise.feed([$0]) }
        #expect(a == b && a.count == 3)
        #expect(a[0].paperOut && a[0].offline && !a[0].canPrint)
        #expect(a[1].paperNearEnd && !a[1].paperOut && a[1].canPrint)
        #expect(a[2].coverOpen && !a[2].canPrint)
        // Epson's reference packet for "paper end, offline": 18 00 0F 00.
        #expect(AutomaticStatusParser.decode([0x18, 0x00, 0x0F, 0x00])?.paperOut == true)
        #expect(AutomaticStatusParser.decode([0x18, 0x00]) == nil && AutomaticStatusParser.decode([0x12, 0, 0, 0]) == nil)
        // A DLE EOT answer is never the start of a packet, nor an ASB byte a DLE EOT answer.
        #expect(!AutomaticStatusParser.isFirstByte(0x12) && !PrinterStatus.isStatusByte(0x10) && !PrinterStatus.isStatusByte(0x18))
        // A truncated packet followed by a new one: only the complete one counts.
        var p = AutomaticStatusParser()
        #expect(p.feed([0x10, 0x00] + AutomaticStatusParser.encode(near)) == [near])
    }
}
