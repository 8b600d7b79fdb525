/// 承诺办结时间 over the hall's working calendar. "Due" is the close of business of the due day: a matter
/// completed on its due day is on time (按期), one completed the next working day is one working day late.
public enum MatterClock {
    /// Longest span a clock stop or a natural-day limit is walked over (ten years): absurd data ends, never hangs.
    public static let longestWalk = 3_660

    /// The due day of a matter accepted on `acceptedDay` with `limit`: the acceptance day does not count (3 working
    /// days from a Friday is the next Wednesday), and every day a clock stop covered — working days for a
    /// working-day limit, calendar days for a natural-day one — moves it on. An open stop counts up to `today`.
    public static func dueDay(acceptedDay: String, limit: MatterLimit, calendar: WorkingCalendar, stops: [ClockStop] = [],
                              today: String) -> String {
        let covered = stoppedDays(stops, unit: limit.unit, calendar: calendar, today: today)
        return adding(limit.amount + covered, limit.unit, to: acceptedDay, calendar: calendar)
    }

    /// `n` days of `unit` after `day`.
    public static func adding(_ n: Int, _ unit: MatterLimit.Unit, to day: String, calendar: WorkingCalendar) -> String {
        switch unit {
        case .workingDays:
            return calendar.adding(workingDays: n, to: day)
        case .naturalDays:
            var d = day
            for _ in 0..<max(0, min(n, longestWalk)) { d = WorkingCalendar.next(d) }
            return d
        }
    }

    /// The days of `unit` the stops cover, each day once however many stops cover it.
    public static func stoppedDays(_ stops: [ClockStop], unit: MatterLimit.Unit, calendar: WorkingCalendar, today: String) -> Int {
        var days = Set<String>()
        for stop in stops where WorkingCalendar.isDay(stop.startDay) {
            let end = stop.endDay ?? today
            guard WorkingCalendar.isDay(end), end >= stop.startDay else { continue }
            var d = stop.startDay
            var walked = 0
            while d <= end && walked <= longestWalk {
                if unit == .naturalDays || calendar.isWorkingDay(d) { days.insert(d) }
                d = WorkingCalendar.next(d)
                walked += 1
                if d == "9999-12-31" { break }
            }
        }
        return days.count
    }

    /// Working days a matter took from acceptance (exclusive) to completion (inclusive), less the working days its
    /// clock stood still: what 平均办结工作日 and 承诺提速率 count.
    public static func workingDaysTaken(acceptedDay: String, completedDay: String, calendar: WorkingCalendar, stops: [ClockStop]) -> Int {
        let gross = calendar.workingDays(from: acceptedDay, to: completedDay)
        let stopped = stoppedDays(stops.map { s in
            // Only the part of a stop inside the matter's own span counts.
            var s = s
            if s.startDay <= acceptedDay { s.startDay = WorkingCalendar.next(acceptedDay) }
            if let end = s.endDay, end > completedDay { s.endDay = completedDay }
            return s
        }, unit: .workingDays, calendar: calendar, today: completedDay)
        return max(0, gross - stopped)
    }
}
