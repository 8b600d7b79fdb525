import Testing
@testable import HallModel

@Suite struct StatsPeriodsTests {
    func split(_ f: String, _ t: String) -> String {
        let s = StatsPeriods.split(from: f, to: t)
        let months = s.months.map { "M \($0.0)…\($0.1)" } ?? "M -"
        return ([months] + s.days.map { "D \($0.0)…\($0.1)" }).joined(separator: " | ")
    }

    @Test func wholeMonthsAndLeftoverDays() {
        #expect(split("2026-01-01", "2026-12-31") == "M 2026-01…2026-12")
        #expect(split("2026-01-05", "2026-01-20") == "M - | D 2026-01-05…2026-01-20")
        #expect(split("2026-02-01", "2026-02-28") == "M 2026-02…2026-02")
        #expect(split("2028-02-01", "2028-02-28") == "M - | D 2028-02-01…2028-02-28")  // leap year: 29 days
        #expect(split("2026-01-15", "2026-03-10") == "M 2026-02…2026-02 | D 2026-01-15…2026-01-31 | D 2026-03-01…2026-03-10")
        #expect(split("2026-01-15", "2026-02-10") == "M - | D 2026-01-15…2026-01-31 | D 2026-02-01…2026-02-10")
        #expect(split("2025-12-31", "2026-01-31") == "M 2026-01…2026-01 | D 2025-12-31…2025-12-31")
        #expect(split("2026-04-01", "2026-04-30") == "M 2026-04…2026-04")
        #expect(split("2026-11-23", "2026-11-23") == "M - | D 2026-11-23…2026-11-23")
    }
}
