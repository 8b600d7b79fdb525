import Foundation
import Testing
@testable import HallModel

@Suite struct ReportMathTests {
    @Test func histogramQuantilesAreExactOnBucketEdges() {
        var h = DurationHistogram()
        for v in [60.0, 120, 120, 180, 240, 300, 360, 600, 900, 1200] { h.add(v) }
        #expect(h.total == 10)
        // Nearest rank: p90 of 10 values is the 9th = 900 s, an edge of the 30 s buckets.
        #expect(h.quantile(0.9, maximum: 1200) == 900)
        #expect(h.quantile(0.5, maximum: 1200) == 240)
        #expect(h.quantile(1.0, maximum: 1200) == 1200)
        // Off-edge values report the bucket's upper edge, never above the largest seen.
        var g = DurationHistogram()
        g.add(61)
        #expect(g.quantile(0.9, maximum: 61) == 61)
        g.add(62)
        #expect(g.quantile(0.5, maximum: 62) == 62)
        #expect(DurationHistogram().quantile(0.9, maximum: 0) == nil)
        var big = DurationHistogram()
        big.add(40_000)
        #expect(big.quantile(0.9, maximum: 40_000) == 40_000)
    }

    @Test func histogramBytesRoundTrip() {
        var h = DurationHistogram()
        for v in stride(from: 0.0, to: 30_000, by: 7.3) { h.add(v) }
        #expect(DurationHistogram(bytes: h.bytes) == h)
        #expect(DurationHistogram(bytes: [1, 2, 3]) == DurationHistogram())
        #expect(DurationHistogram.bucket(of: 0) == 0 && DurationHistogram.bucket(of: 5) == 1 && DurationHistogram.bucket(of: 5.01) == 2)
        #expect(DurationHistogram.bucket(of: -3) == 0)
    }

    @Test func reportFormulas() {
        var s = DayStats()
        s.served = 8
        s.outcomes[Outcome.immediate.index] = 6
        s.outcomes[Outcome.promised.index] = 2
        s.ratings = [1, 0, 1, 2, 2]  // 1×非常不满意, 1×基本满意, 2×满意, 2×非常满意
        s.notRated = 2
        s.waitSum = 800
        let rows = ReportBuilder.rows(scope: .window, totals: ["3": s], names: ["3": "3号窗口"], weights: [0, 25, 50, 75, 100])
        let r = rows[0]
        #expect(r.name == "3号窗口" && r.rated == 6)
        #expect(r.participationRate == 6.0 / 8.0)
        #expect(r.satisfactionRate == 4.0 / 6.0)
        #expect(r.score == (0 + 50 + 150 + 200) / 6.0)
        #expect(r.immediateRate == 0.75)
        #expect(r.meanWaitSeconds == 100)
    }

    @Test func rankingByScoreThenSatisfactionThenServedWithTies() {
        func stats(_ ratings: [Int], served: Int) -> DayStats {
            var s = DayStats()
            s.ratings = ratings
            s.served = served
            return s
        }
        let totals = ["1": stats([0, 0, 0, 1, 1], served: 2),   // score 87.5
                      "2": stats([0, 0, 0, 0, 2], served: 2),   // 100
                      "3": stats([0, 0, 0, 2, 2], served: 4),   // 87.5, more served than 1
                      "4": stats([0, 0, 0, 1, 1], served: 2),   // tie with 1
                      "5": stats([0, 0, 0, 0, 0], served: 3)]   // unrated
        let rows = ReportBuilder.rows(scope: .window, totals: totals, names: [:], weights: [0, 25, 50, 75, 100])
        #expect(rows.map(\.key) == ["2", "3", "1", "4", "5"])
        #expect(rows.map(\.rank) == [1, 2, 3, 3, 5])
    }

    @Test func statsProjectionCountsEachEventOnce() {
        let e = EventRecord(at: Fixture.morning, day: "2026-11-23", .ticketFinished(TicketFinished(
            window: 2, clerk: "c1", ticket: "2026-11-23/A001", number: "A001", category: "hukou", outcome: .joint,
            waitSeconds: 65, serviceSeconds: 130, recalls: 0, deadline: Fixture.morning)))
        let changes = StatsProjection.changes(for: e)
        #expect(Set(changes.map(\.0)) == [StatsKey(scope: .window, key: "2", day: "2026-11-23"),
                                         StatsKey(scope: .clerk, key: "c1", day: "2026-11-23"),
                                         StatsKey(scope: .category, key: "hukou", day: "2026-11-23")])
        var s = DayStats()
        changes[0].1(&s)
        #expect(s.served == 1 && s.outcomes[Outcome.joint.index] == 1 && s.waitSum == 65 && s.serviceMax == 130)
    }
}
