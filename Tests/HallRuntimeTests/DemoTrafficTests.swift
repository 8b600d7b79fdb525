@testable import Demo
import Foundation
import HallModel
@testable import HallRuntime
import Store
import TestSupport
import Testing

/// The demo looks like a hall: its traffic, run for an hour of demo time on a clock the test moves, keeps
/// the queue bounded while the windows serve; its seeded month fills the week and month reports.
@Suite struct DemoTrafficTests {
    static let setup: HallSetup = {
        let codes = ["hukou", "social", "business", "tax", "consult"]
        var s = HallSetup(
            name: "示范区政务服务中心",
            categories: codes.enumerated().map { ServiceCategory(code: $1, name: $1, prefix: String(UnicodeScalar(65 + $0)!)) },
            windows: [
                ServiceWindow(number: 1, name: "1", categories: ["hukou", "consult"]),
                ServiceWindow(number: 2, name: "2", categories: ["hukou", "social"]),
                ServiceWindow(number: 3, name: "3", categories: ["social", "consult"]),
                ServiceWindow(number: 4, name: "4", categories: ["business", "tax"]),
                ServiceWindow(number: 5, name: "5", categories: ["tax", "business"]),
                ServiceWindow(number: 6, name: "6", categories: codes),
            ],
            clerks: (1...6).map { Clerk(id: "c\($0)", name: "职员\($0)") })
        s.rules.priorityReasons = ["老年人", "残疾人"]
        return s
    }()

    @Test func anHourOfDemoTrafficKeepsTheQueueBounded() async throws {
        let dir = try DemoDir()
        defer { dir.remove() }
        let store = try EventStore(path: dir.path("demo.sqlite"), sync: .normal)
        // 2026-12-01 09:00 in Beijing.
        let clock = ManualClock(Date(timeIntervalSince1970: 1_796_086_800))
        let hall = try Hall(setup: Self.setup, store: store, clock: clock)
        let peak = PeakWaiting()
        // The demo's own speed (10×): one step is half a real second, five hall-seconds of demo time.
        let speed = 10.0
        let traffic = DemoTraffic(hall: hall, speed: speed, tick: {
            clock.advance(by: DemoTraffic.step)
            await hall.drain()
            peak.note((await hall.state).waiting.count)
        }, seed: 17)
        // An hour of demo time: 3 600 / (0.5 × 10) = 720 steps.
        await traffic.run(steps: 720)
        await hall.drain()
        let issued = try store.events(after: 0).filter { $0.record.kind == EventKind.ticketIssued }.count
        let served = try store.events(after: 0).filter { $0.record.kind == EventKind.ticketFinished }.count
        let waiting = (await hall.state).waiting.count
        print("demo hour: \(issued) tickets, \(served) served, at most \(peak.max) waiting, \(waiting) at the end")
        // Six windows at about four and a half minutes a ticket serve ~80 an hour; the demo sends ~65 at the peak.
        #expect(issued > 40, "too few arrivals to show anything: \(issued)")
        #expect(served > issued / 2, "the windows served \(served) of \(issued)")
        #expect(peak.max <= 25, "the queue grew to \(peak.max)")
    }

    @Test func theSeededMonthFillsTheReports() async throws {
        let dir = try DemoDir()
        defer { dir.remove() }
        let store = try EventStore(path: dir.path("demo.sqlite"), sync: .normal)
        let now = Date(timeIntervalSince1970: 1_796_086_800)
        let written = try await DemoHistory.seed(store: store, setup: Self.setup, days: 14, now: now)
        #expect(written > 1_000)
        let totals = try store.totals(scope: StatsScope.window, from: "2026-11-17", to: "2026-11-30")
        #expect(totals.count == 6, "every window served")
        let served = totals.values.reduce(0) { $0 + $1.served }
        #expect(served > 500, "\(served) served in two weeks")
        // Weekends are closed: 2026-11-28 and 29.
        #expect(try store.tickets(day: "2026-11-28").isEmpty && store.tickets(day: "2026-11-27").count > 50)
        // The estimates were recorded, so the accuracy report has its month.
        #expect(try !store.waitAccuracy(from: "2026-11-17", to: "2026-11-30").isEmpty)
        #expect(try store.check().isEmpty, "the seeded log verifies")
        // A hall opened on it starts today cleanly.
        let hall = try Hall(setup: Self.setup, store: store, clock: ManualClock(now))
        try await hall.execute(.issueTicket(category: "hukou", priority: false))
        #expect((await hall.state).waiting.map(\.number) == ["A001"])
    }
}

final class PeakWaiting: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func note(_ n: Int) { lock.lock(); value = Swift.max(value, n); lock.unlock() }
    var max: Int { lock.lock(); defer { lock.unlock() }; return value }
}

/// A fresh directory for one test's SQLite files.
struct DemoDir {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("demo-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func remove() { try? FileManager.default.removeItem(at: url) }
}
