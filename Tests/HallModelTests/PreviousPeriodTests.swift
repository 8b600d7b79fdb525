import Testing
@testable import HallModel

@Suite struct PreviousPeriodTests {
    @Test func monthsCompareWithTheMonthBeforeAndOtherRangesWithTheDaysBefore() {
        #expect(PreviousPeriod.of(from: "2026-11-01", to: "2026-11-30")! == ("2026-10-01", "2026-10-30"))
        #expect(PreviousPeriod.of(from: "2026-03-01", to: "2026-03-31")! == ("2026-02-01", "2026-02-28"))
        #expect(PreviousPeriod.of(from: "2026-12-01", to: "2026-12-15")! == ("2026-11-01", "2026-11-15"))
        #expect(PreviousPeriod.of(from: "2026-01-01", to: "2026-01-31")! == ("2025-12-01", "2025-12-31"))
        #expect(PreviousPeriod.of(from: "2026-11-23", to: "2026-11-23")! == ("2026-11-22", "2026-11-22"))
        #expect(PreviousPeriod.of(from: "2026-11-16", to: "2026-11-22")! == ("2026-11-09", "2026-11-15"))
        #expect(PreviousPeriod.of(from: "2026-11-23", to: "2026-11-01") == nil)
        #expect(PreviousPeriod.of(from: "x", to: "2026-11-01") == nil)
    }
}
