import Clocks
import Foundation
import HallModel
import HallRuntime
import Store
import TestSupport
import Testing

/// The Hall's housekeeping runs on an injected clock: a rating's wait ends when the wall time passes its
/// deadline and the timer next fires, with no real waiting.
@Suite struct HallClockTests {
    @Test func ratingTimeoutsFireOnTheInjectedTimer() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hallclock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let setup = HallSetup(name: "钟", categories: [ServiceCategory(code: "a", name: "甲", prefix: "A")],
                              windows: [ServiceWindow(number: 1, name: "1号窗口", categories: ["a"])], clerks: [Clerk(id: "c1", name: "张敏")])
        let wall = ManualClock(Date(timeIntervalSince1970: 1_795_399_200))
        let hall = try Hall(setup: setup, store: try EventStore(path: dir.appendingPathComponent("h.sqlite").path), clock: wall)
        try await hall.execute(.signIn(window: 1, clerk: "c1"))
        try await hall.execute(.issueTicket(category: "a", priority: false))
        try await hall.execute(.callNext(window: 1))
        try await hall.execute(.finish(window: 1, outcome: .immediate))
        let timer = TestClock()
        let running = Task { await hall.runClock(timer: timer) }
        defer { running.cancel() }
        func notGiven() throws -> Int { try hall.store.events(after: 0).filter { $0.event.kind == .ratingNotGiven }.count }
        #expect(await eventually(5) { (try? await timer.checkSuspension()) == nil }, "the clock loop sleeps on the timer")
        wall.advance(by: 31)
        #expect(try notGiven() == 0, "nothing before the timer fires")
        await timer.advance(by: .seconds(1))
        #expect(await eventually(5) { (try? notGiven()) == 1 })
        #expect(await hall.state.window(1).awaiting == nil)
    }
}
