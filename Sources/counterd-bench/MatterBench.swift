import Foundation
import HallModel

/// The matter ledger's pure core at a district's scale: the deadline function over ten years of calendars, the
/// 电子监察 sweep over 100 000 open matters, and a year of a 100-window hall's matters counted into the 效能 figures
/// straight from the matters (no projection yet).
enum MatterBench {
    static func run(openMatters: Int, windows: Int) {
        var rng = SplitMix(seed: 30)
        // Ten years, each with a 9-day Spring Festival, a 7-day National Day, New Year and two 调休 weekend days.
        var holidays = Set<String>(), workdays = Set<String>()
        for year in 2026...2035 {
            for day in 10...18 { holidays.insert(String(format: "%04d-02-%02d", year, day)) }
            for day in 1...7 { holidays.insert(String(format: "%04d-10-%02d", year, day)) }
            holidays.insert(String(format: "%04d-01-01", year))
            workdays.insert(String(format: "%04d-02-07", year))
            workdays.insert(String(format: "%04d-10-10", year))
        }
        let calendar = WorkingCalendar(holidays: holidays, workdays: workdays)
        var days: [String] = []
        var d = "2026-01-01"
        while d <= "2035-12-31" { days.append(d); d = WorkingCalendar.next(d) }

        // 1. The deadline function.
        let limits = (0..<openMatters).map { _ in MatterLimit(Int(rng.next() % 20) + 1) }
        let accepted = (0..<openMatters).map { _ in days[Int(rng.next() % UInt64(days.count - 60))] }
        var start = ContinuousClock.now
        var due: [String] = []
        due.reserveCapacity(openMatters)
        for i in 0..<openMatters { due.append(MatterClock.dueDay(acceptedDay: accepted[i], limit: limits[i], calendar: calendar, today: accepted[i])) }
        let deadlines = ContinuousClock.now - start
        print("\n(matters) the deadline function, \(openMatters) matters accepted over ten years of calendars, 1–20 working days:")
        print(String(format: "    %.2f µs per matter (%.1f ms in all)", seconds(deadlines) * 1e6 / Double(openMatters), seconds(deadlines) * 1000))

        // 2. The sweep: open matters accepted over the 40 days before today, as in a hall's ledger (1 in 50 with its clock stopped).
        let today = "2031-06-16"
        guard let todayIndex = days.firstIndex(of: today) else { return }
        let open = (0..<openMatters).map { i in
            let acceptedDay = days[todayIndex - 1 - Int(rng.next() % 40)]
            return MatterSweep.Open(projectNo: "M\(i)", dueDay: MatterClock.dueDay(acceptedDay: acceptedDay, limit: limits[i], calendar: calendar, today: today),
                                    stopped: rng.next() % 50 == 0)
        }
        var best = Duration.seconds(3600)
        var counts = (0, 0)
        for _ in 0..<5 {
            start = ContinuousClock.now
            let (yellow, red) = MatterSweep.signals(open, today: today, calendar: calendar)
            best = min(best, ContinuousClock.now - start)
            counts = (yellow.count, red.count)
        }
        print(String(format: "(matters) the 电子监察 sweep over %d open matters: %.2f ms (best of 5; target ≤ 50 ms); %d yellow, %d red",
                     openMatters, seconds(best) * 1000, counts.0, counts.1))

        // 3. A year of a hall's matters, counted from the matters themselves.
        let staff = ["c1", "c2", "c3"]
        var matters: [Matter] = []
        let year = days.filter { $0.hasPrefix("2030-") && calendar.isWorkingDay($0) }
        let at = Date(timeIntervalSince1970: 1_900_000_000)
        for day in year {
            for w in 1...windows {
                for k in 0..<12 {
                    let immediate = rng.next() % 100 < 85
                    var m = Matter(projectNo: "\(day)-\(w)-\(k)", itemCode: "I\(k)", itemName: "事项", outcome: immediate ? .immediate : .promised,
                                   acceptedAt: at, acceptedDay: day, acceptedBy: staff[k % 3], window: w,
                                   limit: MatterLimit(immediate ? 0 : Int(rng.next() % 18) + 3), legalLimit: MatterLimit(20))
                    let took = immediate ? 0 : Int(rng.next() % UInt64(m.limit.amount + 2))
                    m.completion = .init(at: at, day: calendar.adding(workingDays: took, to: day), by: m.acceptedBy, result: .approved, reason: nil)
                    matters.append(m)
                }
            }
        }
        start = ContinuousClock.now
        let figures = MatterFigures(matters, from: "2030-01-01", to: "2030-12-31", today: "2031-01-15", calendar: calendar)
        let counted = ContinuousClock.now - start
        print(String(format: "(matters) a year of a %d-window hall, %d matters, 效能 figures from the matters themselves: %.0f ms (target ≤ 50 ms from a projection, not built yet)",
                     windows, matters.count, seconds(counted) * 1000))
        print(String(format: "    受理 %d, 即办率 %.1f %%, 按时办结率 %.1f %%, 超期 %d, 平均办结 %.2f 工作日, 承诺提速率 %.1f %%",
                     figures.accepted, (figures.immediateRate ?? 0) * 100, (figures.onTimeRate ?? 0) * 100, figures.overdue,
                     figures.meanWorkingDays ?? 0, (figures.speedUpRate ?? 0) * 100))
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}
