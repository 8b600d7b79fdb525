/// Splits a range of business days into whole calendar months (read from the monthly rollup) and the
/// leftover days at either end (read day by day), so a year's report reads about 12 rows per key.
public enum StatsPeriods {
    public struct Split: Equatable, Sendable {
        /// First and last month ("2026-01"), inclusive, if any whole month is covered.
        public var months: (String, String)?
        /// Inclusive day ranges not covered by whole months.
        public var days: [(String, String)]

        public static func == (a: Split, b: Split) -> Bool {
            a.months?.0 == b.months?.0 && a.months?.1 == b.months?.1
                && a.days.map { "\($0.0)…\($0.1)" } == b.days.map { "\($0.0)…\($0.1)" }
        }
    }

    struct YMD {
        var y: Int, m: Int, d: Int
        init?(_ s: String) {
            let p = s.split(separator: "-").compactMap { Int($0) }
            guard p.count == 3 else { return nil }
            (y, m, d) = (p[0], p[1], p[2])
        }
        init(_ y: Int, _ m: Int, _ d: Int) { (self.y, self.m, self.d) = (y, m, d) }
        var text: String { BusinessCalendar.format(year: y, month: m, day: d) }
        var month: String { String(text.prefix(7)) }
        static func daysIn(_ y: Int, _ m: Int) -> Int {
            switch m {
            case 2: (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
            case 4, 6, 9, 11: 30
            default: 31
            }
        }
        var isLastOfMonth: Bool { d == Self.daysIn(y, m) }
        var lastOfMonth: YMD { YMD(y, m, Self.daysIn(y, m)) }
        var firstOfMonth: YMD { YMD(y, m, 1) }
        var nextMonth: YMD { m == 12 ? YMD(y + 1, 1, 1) : YMD(y, m + 1, 1) }
        var previousMonth: YMD { m == 1 ? YMD(y - 1, 12, 1) : YMD(y, m - 1, 1) }
    }

    /// `from` and `to` are yyyy-MM-dd with from ≤ to.
    public static func split(from: String, to: String) -> Split {
        guard let f = YMD(from), let t = YMD(to) else { return Split(months: nil, days: [(from, to)]) }
        if f.month == t.month {
            if f.d == 1 && t.isLastOfMonth { return Split(months: (f.month, f.month), days: []) }
            return Split(months: nil, days: [(from, to)])
        }
        var days: [(String, String)] = []
        var firstMonth = f
        if f.d != 1 {
            days.append((from, f.lastOfMonth.text))
            firstMonth = f.nextMonth
        }
        var lastMonth = t
        if !t.isLastOfMonth {
            days.append((t.firstOfMonth.text, to))
            lastMonth = t.previousMonth
        }
        let months = firstMonth.month <= lastMonth.month ? (firstMonth.month, lastMonth.month) : nil
        return Split(months: months, days: days)
    }
}
