import Foundation

/// The period a range is compared with (环比): the calendar month before when the range is one month from
/// its 1st (to its end, or part of it: the same days of the month before), else the same number of days
/// just before. Days are "yyyy-MM-dd".
public enum PreviousPeriod {
    public static func of(from: String, to: String) -> (from: String, to: String)? {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let f = DateFormatter()
        f.calendar = cal
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = cal.timeZone
        f.dateFormat = "yyyy-MM-dd"
        guard let a = f.date(from: from), let b = f.date(from: to), a <= b else { return nil }
        let ca = cal.dateComponents([.year, .month, .day], from: a), cb = cal.dateComponents([.year, .month, .day], from: b)
        if ca.day == 1, ca.year == cb.year, ca.month == cb.month,
           let start = cal.date(byAdding: .month, value: -1, to: a),
           let monthDays = cal.range(of: .day, in: .month, for: start)?.count,
           let end = cal.date(byAdding: .day, value: min(cb.day!, monthDays) - 1, to: start) {
            return (f.string(from: start), f.string(from: end))
        }
        let days = cal.dateComponents([.day], from: a, to: b).day! + 1
        guard let end = cal.date(byAdding: .day, value: -1, to: a), let start = cal.date(byAdding: .day, value: -days, to: a) else { return nil }
        return (f.string(from: start), f.string(from: end))
    }
}
