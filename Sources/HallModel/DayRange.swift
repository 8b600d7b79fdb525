import Foundation

/// A range of business days as reports, exports and dashboards take it (`from`, `to`, yyyy-MM-dd): one check for
/// the hall and the district, so nonsense is a 400 naming the parameter, never a 500 or a scan of centuries.
public enum DayRange {
    public enum Invalid: Error, CustomStringConvertible {
        /// Which bound of the range is wrong.
        public enum Bound: Sendable { case from, to }
        case badDate(Bound, String)
        /// A year outside `DayRange.years`: a typo, never a hall's data.
        case outOfYears(Bound, String)
        case reversed(from: String, to: String)
        /// Longer than `DayRange.maxRangeDays`.
        case tooLong(from: String, to: String, days: Int)

        /// The problem in the words of the caller's interface: its names for the two bounds
        /// ("--from"/"--to" on the command line, "from"/"to" as query parameters).
        public func message(from fromName: String, to toName: String) -> String {
            func name(_ b: Bound) -> String { b == .from ? fromName : toName }
            return switch self {
            case .badDate(let b, let d): "\(name(b)) is not a date (want yyyy-MM-dd): \(d)"
            case .outOfYears(let b, let d): "\(name(b)) \(d) is outside the years \(DayRange.years.lowerBound)–\(DayRange.years.upperBound)"
            case .reversed(let f, let t): "\(fromName) \(f) is after \(toName) \(t)"
            case .tooLong(let f, let t, let days):
                "\(fromName) \(f) to \(toName) \(t) spans \(days) days; at most \(DayRange.maxRangeDays) (three years) at a time"
            }
        }

        /// The same in Chinese, naming the parameter as the caller wrote it.
        public func messageZh(from fromName: String = "from", to toName: String = "to") -> String {
            func name(_ b: Bound) -> String { b == .from ? "开始日期 \(fromName)" : "结束日期 \(toName)" }
            return switch self {
            case .badDate(let b, let d): "\(name(b)) 不是有效日期（应为 yyyy-MM-dd，如 2026-12-01）：\(d)"
            case .outOfYears(let b, let d): "\(name(b))（\(d)）超出可查询的年份 \(DayRange.years.lowerBound)–\(DayRange.years.upperBound)"
            case .reversed(let f, let t): "开始日期 \(fromName)（\(f)）晚于结束日期 \(toName)（\(t)）"
            case .tooLong(let f, let t, let days): "\(fromName)（\(f)）至 \(toName)（\(t)）共 \(days) 天，一次最多查询 \(DayRange.maxRangeDays) 天（三年），请缩小范围"
            }
        }

        public var messageZh: String { messageZh() }

        /// The query parameter at fault ("from" or "to"; both for a range that is reversed or too long).
        public var parameter: String {
            switch self {
            case .badDate(let b, _), .outOfYears(let b, _): b == .from ? "from" : "to"
            case .reversed, .tooLong: "from,to"
            }
        }

        public var description: String { message(from: "from", to: "to") }
    }

    /// The years a report may ask about.
    public static let years = 2000...2100
    /// The longest range one report covers: three years and a leap day.
    public static let maxRangeDays = 3 * 365 + 1

    /// Checks a business-day range given as yyyy-MM-dd: real dates, years 2000–2100, from ≤ to, at most three years.
    public static func check(from: String, to: String, calendar: BusinessCalendar) throws(Invalid) {
        for (bound, day) in [(Invalid.Bound.from, from), (.to, to)] {
            guard calendar.start(of: day) != nil else { throw .badDate(bound, day) }
            guard let year = Int(day.prefix(4)), Self.years.contains(year) else { throw .outOfYears(bound, day) }
        }
        guard from <= to else { throw .reversed(from: from, to: to) }
        if let a = calendar.start(of: from), let b = calendar.start(of: to) {
            let days = Int((b.timeIntervalSince(a) / 86_400).rounded()) + 1
            if days > Self.maxRangeDays { throw .tooLong(from: from, to: to, days: days) }
        }
    }

}
