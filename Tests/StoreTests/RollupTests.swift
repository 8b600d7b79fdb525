import Foundation
import HallModel
import Store
import Testing

/// The monthly rollup must give exactly what summing the days gives, for any range.
@Suite struct RollupTests {
    @Test func monthRollupEqualsDailySumsForManyRanges() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try EventStore(path: dir.path("rollup.sqlite"), sync: .normal)
        let calendar = BusinessCalendar(identifier: "Asia/Shanghai")
        var rng = SystemRandomNumberGenerator()
        // 100 days from 2026-01-20, three windows, a few finished and rated tickets a day.
        let start = StoreFixture.nine.addingTimeInterval(-306 * 86_400)
        for d in 0..<100 {
            let at = start.addingTimeInterval(Double(d) * 86_400)
            let day = calendar.day(of: at)
            var events: [EventRecord] = []
            for i in 0..<Int.random(in: 1...4, using: &rng) {
                let (window, clerk, ticket) = (i % 3 + 1, "c\(i % 2)", "\(day)/A\(i)")
                events.append(EventRecord(at: at, day: day, .ticketFinished(TicketFinished(
                    window: window, clerk: clerk, ticket: ticket, number: "A\(i)", category: "hukou", outcome: .immediate,
                    waitSeconds: Double.random(in: 0...2000, using: &rng).rounded(),
                    serviceSeconds: Double.random(in: 30...900, using: &rng).rounded(), recalls: 0, deadline: at))))
                events.append(EventRecord(at: at, day: day, .ticketRated(TicketRated(
                    window: window, ticket: ticket, number: "A\(i)", clerk: clerk, category: "hukou", servedDay: day,
                    level: RatingLevel(rawValue: Int.random(in: 1...5, using: &rng))!))))
            }
            _ = try store.claimAppender().appendNow(events)
        }
        let first = calendar.day(of: start)
        let last = calendar.day(of: start.addingTimeInterval(99 * 86_400))
        let ranges = [(first, last), ("2026-02-01", "2026-02-28"), ("2026-01-25", "2026-03-05"), ("2026-03-01", "2026-04-30"),
                      ("2026-02-10", "2026-02-10"), ("2025-01-01", "2027-12-31")]
        for (f, t) in ranges {
            for scope in StatsScope.allCases {
                #expect(try store.totals(scope: scope, from: f, to: t) == store.dailyTotals(scope: scope, from: f, to: t), "\(scope) \(f)…\(t)")
            }
        }
        #expect(try store.totals(scope: .window, from: "2026-02-01", to: "2026-02-28")["1"]?.served ?? 0 > 0)
        let incremental = try store.projectionSnapshot()
        #expect(!incremental.monthStats.isEmpty)
        try store.rebuildProjections()
        #expect(try store.projectionSnapshot() == incremental)
    }
}
