import Codecs
import Foundation
import Testing

/// Whole tickets read back by the test decoder: what a printer would print, line by line.
@Suite struct TicketDecodeTests {
    static let checklist = ["居民身份证原件及复印件（正反面复印在同一页A4纸上）", "户口簿", "近期免冠照片一张𠀀"]

    static func ticket(columns: Int, qr: String? = "http://10.0.0.5:8080/r/2026-11-23-A012.9f3c", barcode: String? = nil, reprint: Bool = false) -> TicketLayout {
        TicketLayout(hall: "示范区政务服务中心", number: "A012", category: "户籍办理", windowHint: "请到 1、2、6 号窗口办理",
                     issuedAt: "2026-11-23 09:14", waitingAhead: 3, checklist: checklist, qrURL: qr, barcode: barcode,
                     columns: columns, reprint: reprint)
    }

    @Test(arguments: [32, 48]) func wholeTicketReadsBack(columns: Int) throws {
        let t = Self.ticket(columns: columns, barcode: "A012")
        let d = try EscPosDecoder(t.bytes)
        #expect(d.commands.first == .initialize, "ESC @ first")
        #expect(d.commands[1] == .chinese(true), "the character mode stated before any text")
        #expect(d.commands.last == .cut(partial: true), "the cut last")
        let texts = d.lines.map(\.text)
        #expect(texts.first == "示范区政务服务中心")
        let number = try #require(d.lines.first { $0.text == "A012" })
        #expect(number.align == 1 && number.bold && number.width == (columns >= 48 ? 4 : 3) && number.height == number.width)
        #expect(texts.contains("户籍办理") && texts.contains("请到 1、2、6 号窗口办理"))
        #expect(texts.contains("您前面还有 3 人等候") && texts.contains("取号时间 2026-11-23 09:14"))
        #expect(texts.contains("请备齐以下材料（一次性告知）："))
        // The checklist: every item present in order, every line within the paper's width (CJK = 2).
        let listLines = d.lines.filter { $0.align == 0 && !$0.text.hasPrefix("-") && !$0.text.hasPrefix("请备齐") }
        #expect(listLines.allSatisfy { $0.text.reduce(0) { $0 + ($1.isASCII ? 1 : 2) } <= columns })
        let joined = listLines.map { $0.text.trimmingCharacters(in: .whitespaces) }.joined()
        #expect(joined == "1. \(Self.checklist[0])2. \(Self.checklist[1])3. \(Self.checklist[2])", "\(joined)")
        #expect(d.qrPayloads == ["http://10.0.0.5:8080/r/2026-11-23-A012.9f3c"])
        #expect(d.commands.contains(.qrModel(2)) && d.commands.contains(.qrLevel(1)) && d.commands.contains(.qrPrint))
        #expect(d.commands.contains(.barcode("{BA012")))
        // Nothing after the cut: the body is everything before it, the cut alone after it.
        #expect(try EscPosDecoder(t.body).commands.contains(where: { if case .cut = $0 { true } else { false } }) == false)
        #expect(t.body + t.cut == t.bytes)
    }

    @Test func reprintSaysSoAndNoQRWhenNotConfigured() throws {
        let d = try EscPosDecoder(Self.ticket(columns: 48, qr: nil, reprint: true).bytes)
        #expect(d.lines.map(\.text).contains("（补打）"))
        #expect(d.qrPayloads.isEmpty)
    }

    @Test func unknownCommandsAndBrokenTextAreRejected() {
        // The decoder itself must fail on what a printer would misread.
        #expect(throws: EscPosDecoder.DecodeError.self) { try EscPosDecoder([0x1B, 0x40, 0x1B, 0x7F, 0x00]) }
        #expect(throws: EscPosDecoder.DecodeError.self) { try EscPosDecoder([0x1C, 0x26, 0xC7]) }
        #expect(throws: EscPosDecoder.DecodeError.self) { try EscPosDecoder([0xC7, 0xEB, 0x0A]) }
    }

    @Test func textOutsideGB18030NeverBreaksTheStream() throws {
        // Lone surrogates cannot be in a Swift String; unpaired combining marks, private-use and emoji
        // are all GB18030-encodable (4-byte) or '?' — either way the decoder reads valid text back.
        var p = EscPos()
        p.initialize()
        p.chineseMode(true)
        p.text("号\u{301}\u{E000}😀\u{1B}\u{7}\n", chinese: true)
        let d = try EscPosDecoder(p.bytes)
        #expect(d.lines.count == 1 && d.lines[0].text.unicodeScalars.first == "号")
    }
}
