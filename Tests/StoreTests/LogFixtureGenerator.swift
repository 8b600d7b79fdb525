import Foundation
import GRDB
import HallModel
import HallService
import Store
import Testing

/// Writes `Tests/Fixtures/log/`: a scripted three-day log through the Hall actor holding every event
/// kind, and what today's code makes of it. Run once with COUNTERD_WRITE_LOG_FIXTURE=1, before the
/// typed-event change; `LogFixtureTests` then holds every later version of the code to it.
@Suite struct LogFixtureGenerator {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["COUNTERD_WRITE_LOG_FIXTURE"] == "1"))
    func writeFixture() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try EventStore(path: dir.path("log.sqlite"))
        let clock = ManualClock(StoreFixture.nine)
        let hall = try Hall(setup: StoreFixture.setup, store: store, clock: clock)
        func at(_ t: String) { clock.set(StoreFixture.at(t)) }
        func run(_ c: HallCommand, _ source: String = "script") async throws { try await hall.execute(c, source: source) }

        // Day 1, 2026-11-23.
        at("08:55")
        try await run(.deviceStatus(device: "keypad-1", role: "evaluator", window: 1, connected: true, detail: "opened /dev/ttyUSB0"), "devices")
        try await run(.deviceStatus(device: "printer", role: "printer", window: nil, connected: true, detail: "tcp 127.0.0.1:9100"), "devices")
        at("09:00")
        try await run(.signIn(window: 1, clerk: "c1"))
        try await run(.signIn(window: 2, clerk: "c2"))
        try await run(.signIn(window: 3, clerk: "c3"))
        try await run(.issueTicket(category: "hukou", priority: false))            // A001
        at("09:01"); try await run(.issueTicket(category: "social", priority: true))   // B001 green channel
        at("09:02"); try await run(.issueTicket(category: "hukou", priority: false))   // A002
        at("09:03"); try await run(.reserveTicket(category: "tax", priority: false))   // C001 reserved
        at("09:03:02"); try await run(.confirmTicket(ticket: "2026-11-23/C001"), "kiosk")
        at("09:04"); try await run(.reserveTicket(category: "hukou", priority: false)) // A003 reserved
        at("09:04:03"); try await run(.voidTicket(ticket: "2026-11-23/A003", reason: "paper_out"), "kiosk")
        at("09:05"); try await run(.issueTicket(category: "hukou", priority: false))   // A004, left waiting
        at("09:06"); try await run(.callNext(window: 1))                               // B001
        at("09:07"); try await run(.recall(window: 1))
        at("09:10"); try await run(.finish(window: 1, outcome: .immediate))
        at("09:10:10"); try await run(.rate(window: 1, level: .verySatisfied), "keypad:1")
        at("09:10:12"); try await run(.rate(window: 1, level: .satisfied), "keypad:1")   // duplicate
        at("09:11"); try await run(.callNext(window: 2))                               // A001
        at("09:12"); try await run(.park(window: 2))
        at("09:13"); try await run(.callNext(window: 2))                               // A002
        at("09:14"); try await run(.transfer(window: 2, toCategory: "social", toWindow: 1))
        at("09:15"); try await run(.callBack(window: 2))                               // A001 again
        at("09:20"); try await run(.finish(window: 2, outcome: .promised))
        at("09:20:05"); try await run(.rate(window: 2, level: .dissatisfied), "keypad:2")  // + case_opened
        at("09:21"); try await run(.callNext(window: 3))                               // C001
        // Recalled until the recall limit turns it into a no-show.
        for minute in 22..<40 where await hall.state.window(3).serving != nil {
            at("09:\(minute)"); try await run(.recall(window: 3))
        }
        at("09:40"); try await run(.callNext(window: 1))                               // A002 (sent to window 1)
        at("09:45"); try await run(.finish(window: 1, outcome: .joint))
        at("09:46"); try await run(.tick, "clock")                                     // rating_not_given timeout
        at("09:50")
        let served = try #require(try store.ticket("2026-11-23/A002"))
        try await run(.rateTicket(ticket: served.id, level: .veryDissatisfied, served: ServedTicket(
            ticket: served.id, number: served.number, window: served.windowNo!, clerk: served.clerk!,
            category: served.category, servedDay: served.day,
            finishedAt: Date(timeIntervalSince1970: Double(served.finishedAtMs!) / 1000), rated: false)), "ticket-link")
        at("09:51"); try await run(.rate(window: 3, level: .satisfied), "keypad:3")    // nothing awaited
        at("09:52"); try await run(.pause(window: 3))
        at("09:55"); try await run(.resume(window: 3))
        at("10:00"); try await run(.issueTicket(category: "tax", priority: false))     // C002
        try await run(.callNext(window: 3))
        at("10:02"); try await run(.noShow(window: 3))
        at("10:05")
        let alert = SupervisionAlert(kind: .longWait, key: "long_wait:2026-11-23/A004", ticket: "2026-11-23/A004",
                                     number: "A004", message: "A004 已等候 60 分钟")
        try await run(.alert(alert, raised: true), "alerts")
        let down = SupervisionAlert(kind: .deviceDown, key: "device_down:keypad-1", window: 1, device: "keypad-1",
                                    message: "keypad-1 断开")
        try await run(.deviceStatus(device: "keypad-1", role: "evaluator", window: 1, connected: false, detail: "unplugged"), "devices")
        try await run(.alert(down, raised: true), "alerts")
        at("10:06"); try await run(.alert(alert, raised: false), "alerts")
        // The 差评 case through every step.
        for (t, action) in [("10:30", CaseAction.contact(at: StoreFixture.at("10:25"), method: "phone", citizenSaid: "等太久")),
                            ("11:00", .rectify(note: "增开窗口")), ("11:30", .close(note: "已回访")),] {
            at(t)
            let current = try store.badRatingCase("2026-11-23/A001")?.model
            try await run(.caseAction(case: "2026-11-23/A001", action: action, manager: "王主任", current: current), "manager:王主任")
        }
        at("16:00"); try await run(.signOut(window: 3))
        at("16:01"); try await run(.signIn(window: 2, clerk: "c3"))                    // replaces c2

        // Day 2, 2026-11-24: A004 expires, windows carry over.
        clock.set(StoreFixture.at("09:00").addingTimeInterval(86_400))
        try await run(.tick, "clock")
        try await run(.issueTicket(category: "hukou", priority: false))
        clock.advance(by: 60); try await run(.callNext(window: 1))
        clock.advance(by: 240); try await run(.finish(window: 1, outcome: .reported))
        clock.advance(by: 5); try await run(.rate(window: 1, level: .basicallySatisfied), "keypad:1")

        // Day 3, 2026-12-01: another month for the rollup.
        clock.set(StoreFixture.at("09:00").addingTimeInterval(8 * 86_400))
        try await run(.issueTicket(category: "social", priority: false))
        clock.advance(by: 30); try await run(.callNext(window: 2))
        clock.advance(by: 200); try await run(.finish(window: 2, outcome: .replied))
        clock.advance(by: 3); try await run(.rate(window: 2, level: .veryDissatisfied), "keypad:2")
        await hall.drain()

        let kinds = Set(try store.events(after: 0, limit: Int.max).map(\.event.kind))
        #expect(kinds == Set(EventKind.allCases), "missing: \(Set(EventKind.allCases).subtracting(kinds))")

        let folder = LogFixture.folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try LogFixture.dumpEvents(store).write(to: folder.appendingPathComponent("every-kind.jsonl"))
        try LogFixture.expected(store).write(to: folder.appendingPathComponent("every-kind.expected.json"))
    }
}
