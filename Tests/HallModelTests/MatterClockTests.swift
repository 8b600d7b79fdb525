import Foundation
import HallModel
import Testing

/// 承诺办结时间 over a working calendar: the hall's own holiday data (here a Spring Festival, a National Day and a New
/// Year with their 调休 Saturdays and Sundays), a matter over the year end, clock stops across a holiday.
@Suite struct MatterClockTests {
    /// Spring Festival 2026-02-15 … 02-23 with working Saturday 02-14 and 02-28; National Day 10-01 … 10-07 with
    /// working Sunday 09-20 and Saturday 10-10; New Year 2027-01-01 … 01-03.
    static let calendar = WorkingCalendar(
        holidays: Set((15...23).map { "2026-02-\($0)" } + (1...7).map { "2026-10-0\($0)" } + ["2027-01-01", "2027-01-02", "2027-01-03"]),
        workdays: ["2026-02-14", "2026-02-28", "2026-09-20", "2026-10-10"])

    @Test func threeWorkingDaysFromAFridayIsTheNextWednesday() {
        // 2026-11-20 is a Friday: accepted at 16:00, due Wednesday 11-25 at the close of business.
        #expect(MatterClock.dueDay(acceptedDay: "2026-11-20", limit: MatterLimit(3), calendar: Self.calendar, today: "2026-11-20") == "2026-11-25")
    }

    @Test func theSpringFestivalAndItsWorkingSaturdayCount() {
        // Thursday 02-12: Friday 02-13 (1), the 调休 Saturday 02-14 (2), nine days off, Tuesday 02-24 (3).
        #expect(MatterClock.dueDay(acceptedDay: "2026-02-12", limit: MatterLimit(3), calendar: Self.calendar, today: "2026-02-12") == "2026-02-24")
        // Ten working days from 02-24 run over the working Saturday 02-28: 25, 26, 27, 28, 03-02 … 03-06, 03-09.
        #expect(MatterClock.dueDay(acceptedDay: "2026-02-24", limit: MatterLimit(10), calendar: Self.calendar, today: "2026-02-24") == "2026-03-09")
    }

    @Test func aMatterOverTheYearEnd() {
        // Wednesday 2026-12-30 + 5 working days: 12-31 (1), New Year off, 2027-01-04 … 01-07 (2–5).
        #expect(MatterClock.dueDay(acceptedDay: "2026-12-30", limit: MatterLimit(5), calendar: Self.calendar, today: "2026-12-30") == "2027-01-07")
        // 自然日 count every day, holidays too.
        #expect(MatterClock.dueDay(acceptedDay: "2026-12-30", limit: MatterLimit(5, .naturalDays), calendar: Self.calendar, today: "2026-12-30") == "2027-01-04")
    }

    @Test func aClockStopAcrossNationalDayMovesTheDeadlineByTheWorkingDaysItCovered() {
        // Monday 09-28 + 5: 09-29, 09-30, (holiday), 10-08, 10-09, the 调休 Saturday 10-10.
        let limit = MatterLimit(5)
        #expect(MatterClock.dueDay(acceptedDay: "2026-09-28", limit: limit, calendar: Self.calendar, today: "2026-09-28") == "2026-10-10")
        // 专家评审 from 09-30 to 10-08 covers two working days (09-30 and 10-08): due two working days later, Tuesday 10-13.
        let stop = ClockStop(kind: .other, reason: "专家评审", startDay: "2026-09-30", endDay: "2026-10-08")
        #expect(MatterClock.stoppedDays([stop], unit: .workingDays, calendar: Self.calendar, today: "2026-10-20") == 2)
        #expect(MatterClock.dueDay(acceptedDay: "2026-09-28", limit: limit, calendar: Self.calendar, stops: [stop], today: "2026-10-20") == "2026-10-13")
        // Counted in calendar days the same stop covers nine.
        #expect(MatterClock.stoppedDays([stop], unit: .naturalDays, calendar: Self.calendar, today: "2026-10-20") == 9)
        // Two stops over the same days count those days once; an open stop counts up to today.
        let again = ClockStop(kind: .extension_, reason: "延长审批", startDay: "2026-10-08", endDay: "2026-10-09")
        #expect(MatterClock.stoppedDays([stop, again], unit: .workingDays, calendar: Self.calendar, today: "2026-10-20") == 3)
        let open = ClockStop(kind: .extension_, reason: "延长审批", startDay: "2026-10-12")
        #expect(MatterClock.stoppedDays([open], unit: .workingDays, calendar: Self.calendar, today: "2026-10-14") == 3)
    }

    @Test func absurdDaysEndAndChangeNothing() {
        let stop = ClockStop(kind: .other, reason: "x", startDay: "2026-10-08", endDay: "2026-10-01")
        #expect(MatterClock.stoppedDays([stop, ClockStop(kind: .other, reason: "x", startDay: "not a day")], unit: .workingDays,
                                        calendar: Self.calendar, today: "2026-10-20") == 0)
        #expect(MatterClock.dueDay(acceptedDay: "someday", limit: MatterLimit(3), calendar: Self.calendar, today: "2026-10-20") == "someday")
        // A stop of twenty years is walked for ten at most: it ends.
        let long = ClockStop(kind: .other, reason: "x", startDay: "2000-01-01", endDay: "2020-01-01")
        #expect(MatterClock.stoppedDays([long], unit: .naturalDays, calendar: Self.calendar, today: "2026-10-20") == MatterClock.longestWalk + 1)
    }

    @Test func efficiencyAndSignal() {
        let c = Self.calendar
        #expect(MatterEfficiency.of(outcome: .immediate, acceptedDay: "2026-11-20", completedDay: "2026-11-20", dueDay: "2026-11-20") == .immediate)
        #expect(MatterEfficiency.of(outcome: .promised, acceptedDay: "2026-11-20", completedDay: "2026-11-24", dueDay: "2026-11-25") == .early)
        #expect(MatterEfficiency.of(outcome: .promised, acceptedDay: "2026-11-20", completedDay: "2026-11-25", dueDay: "2026-11-25") == .onTime)
        #expect(MatterEfficiency.of(outcome: .promised, acceptedDay: "2026-11-20", completedDay: "2026-11-26", dueDay: "2026-11-25") == .late)
        // Due Wednesday 11-25: normal on Friday 11-20 and Monday 11-23, yellow on Tuesday and Wednesday, red on Thursday.
        let lights = ["2026-11-20", "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"].map {
            MatterSignal.of(dueDay: "2026-11-25", today: $0, calendar: c)
        }
        #expect(lights == [.normal, .normal, .yellow, .yellow, .red])
        // Over a weekend: due Monday 11-30, the Friday before is one working day ahead, so yellow.
        #expect(MatterSignal.of(dueDay: "2026-11-30", today: "2026-11-27", calendar: c) == .yellow)
        #expect(MatterSignal.of(dueDay: "2026-11-30", today: "2026-11-26", calendar: c) == .normal)
    }

    @Test func gbtCodes() {
        #expect(Outcome.allCases.map(\.gbtTypeCode) == [1, 2, 9, 9, 9])
        #expect(Matter.Form.allCases.map(\.gbtCode) == [1, 2, 3, 4, 9])
        #expect(ClockStop.Kind.allCases.map(\.gbtCode) == [1, 2])
    }
}
