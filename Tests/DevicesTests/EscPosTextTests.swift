import Codecs
import Foundation
import Simulators
import TestSupport
import Testing

/// The demo's printed tickets as text: a ticket's ESC/POS bytes read back, and receipts taken from the
/// simulated printer one cut at a time.
@Suite struct EscPosTextTests {
    static let ticket = TicketLayout(hall: "示范区政务服务中心", number: "A012", category: "户籍办理", windowHint: "请留意叫号，到 1、2 号窗口办理",
                                     issuedAt: "2026-12-02 09:15", waitingAhead: 3, checklist: ["居民身份证原件"],
                                     qrURL: "http://192.168.1.20:8080/r/abc", columns: 48)

    @Test func aTicketReadsBackAsText() {
        var t = Self.ticket
        t.estimatedWaitMinutes = 12
        t.priorityReason = "老年人"
        let text = EscPosText.render(t.bytes)
        for needle in ["示范区政务服务中心", "户籍办理", "绿色通道：老年人", "【A012】", "您前面还有 3 人等候", "预计等候约 12 分钟",
                       "1. 居民身份证原件", "[二维码 QR: http://192.168.1.20:8080/r/abc]", "---- ✂ ----"] {
            #expect(text.contains(needle), "missing \(needle) in\n\(text)")
        }
    }

    @Test func receiptsAreTakenWholeAtTheirCut() async throws {
        let printer = try SimulatedPrinter()
        let fd = open(printer.path, O_RDWR | O_NOCTTY)
        try #require(fd >= 0)
        defer { close(fd) }
        var raw = termios()
        tcgetattr(fd, &raw)
        cfmakeraw(&raw)
        tcsetattr(fd, TCSANOW, &raw)
        let whole = Self.ticket.bytes
        // Two receipts and part of a third arrive; only the two whole ones are taken, the rest waits.
        let bytes = whole + whole + Array(whole.prefix(40))
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        #expect(await eventually { printer.printed.count == bytes.count })
        let taken = printer.takeReceipts()
        #expect(taken.count == 2 && taken.allSatisfy { $0 == whole })
        #expect(printer.printed == Array(whole.prefix(40)))
    }
}
