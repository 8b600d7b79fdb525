import Foundation

/// Maps instants to the hall's business day ("2026-11-23") in its configured time zone.
public struct BusinessCalendar: Sendable {
    public let timeZone: TimeZone
    private let calendar: Calendar

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    public init(identifier: String) {
        self.init(timeZone: TimeZone(identifier: identifier) ?? TimeZone(identifier: "Asia/Shanghai")!)
    }

    /// The business day of an instant, as yyyy-MM-dd.
    public func day(of date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return BusinessCalendar.format(year: c.year!, month: c.month!, day: c.day!)
    }

    /// The instant at which the day after `date`'s business day begins.
    public func nextMidnight(after date: Date) -> Date {
        let start = calendar.startOfDay(for: date)
        return calendar.date(byAdding: .day, value: 1, to: start)!
    }

    /// The instant a business day starts; nil for text that is not yyyy-MM-dd.
    public func start(of day: String) -> Date? {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, day.count == 10 else { return nil }
        let comps = DateComponents(year: parts[0], month: parts[1], day: parts[2])
        guard let date = calendar.date(from: comps), self.day(of: date) == day else { return nil }
        return date
    }

    /// Hour of day 0–23 of an instant, local to the hall.
    public func hour(of date: Date) -> Int { calendar.component(.hour, from: date) }

    static func format(year: Int, month: Int, day: Int) -> String {
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}
