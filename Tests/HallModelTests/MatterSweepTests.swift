import HallModel
import Testing

/// The sweep's one-pass rule and the per-matter light agree for every due day around a holiday season, and a
/// stopped clock is never yellow or red.
@Suite struct MatterSweepTests {
    @Test func theSweepAgreesWithEachMattersSignal() {
        let calendar = MatterClockTests.calendar
        var days: [String] = []
        var d = "2026-09-10"
        while d <= "2026-10-31" { days.append(d); d = WorkingCalendar.next(d) }
        for yellowDays in [0, 1, 3] {
            for today in days {
                let open = days.map { MatterSweep.Open(projectNo: $0, dueDay: $0) }
                let (yellow, red) = MatterSweep.signals(open, today: today, calendar: calendar, yellowWorkingDays: yellowDays)
                for (i, m) in open.enumerated() {
                    let expected = MatterSignal.of(dueDay: m.dueDay, today: today, calendar: calendar, yellowWorkingDays: yellowDays)
                    let got: MatterSignal = red.contains(i) ? .red : yellow.contains(i) ? .yellow : .normal
                    #expect(got == expected, "today \(today), due \(m.dueDay), yellow within \(yellowDays): \(got) ≠ \(expected)")
                }
            }
        }
        let stopped = [MatterSweep.Open(projectNo: "s", dueDay: "2026-09-01", stopped: true)]
        #expect(MatterSweep.signals(stopped, today: "2026-10-01", calendar: calendar) == ([], []))
    }
}
