import Foundation

/// Working days for deadlines (国办 2019 好差评: a bad rating is followed up within 15 working days):
/// Monday to Friday, minus the configured public holidays, plus the configured 调休 working weekends.
/// Pure date arithmetic on yyyy-MM-dd days in the proleptic Gregorian calendar.
public struct WorkingCalendar: Sendable, Equatable, Codable {
    public var holidays: Set<String>
    /// Weekend days that are working days (调休).
    public var workdays: Set<String>

    public init(holidays: Set<String> = [], workdays: Set<String> = []) {
        self.holidays = holidays
        self.workdays = workdays
    }

    public func isWorkingDay(_ day: String) -> Bool {
        if workdays.contains(day) { return true }
        if holidays.contains(day) { return false }
        guard let wd = Self.weekday(day) else { return false }
        return wd != 6 && wd != 0
    }

    /// The day `n` working days after `day` (the day itself does not count: a case opened on a Monday with
    /// n = 1 is due on Tuesday, or the next working day after it).
    /// A day that is not yyyy-MM-dd comes back unchanged (never a loop that cannot end).
    public func adding(workingDays n: Int, to day: String) -> String {
        guard Self.isDay(day) else { return day }
        var d = day
        var left = n
        while left > 0 && d != "9999-12-31" {
            d = Self.next(d)
            if isWorkingDay(d) { left -= 1 }
        }
        return d
    }

    /// Working days from `from` (exclusive) to `to` (inclusive); negative when `to` is before `from`.
    /// 0 when either is not yyyy-MM-dd.
    public func workingDays(from: String, to: String) -> Int {
        guard Self.isDay(from), Self.isDay(to), to != from else { return 0 }
        if to < from { return -workingDays(from: to, to: from) }
        var d = from, count = 0
        while d < to && d != "9999-12-31" {
            d = Self.next(d)
            if isWorkingDay(d) { count += 1 }
        }
        return count
    }

    /// 0 = Sunday … 6 = Saturday (Sakamoto's method); nil for text that is not yyyy-MM-dd.
    static func weekday(_ day: String) -> Int? {
        guard let (y0, m, d) = parse(day) else { return nil }
        let t = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4]
        let y = m < 3 ? y0 - 1 : y0
        return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7
    }

    /// yyyy-MM-dd, digits only, a real date. By bytes: the district checks the day of every event it stores.
    static func parse(_ day: String) -> (Int, Int, Int)? {
        let b = Array(day.utf8)
        guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D else { return nil }
        func number(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                v = v * 10 + Int(b[i] - 0x30)
            }
            return v
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10), (1...12).contains(m), (1...daysIn(y, m)).contains(d) else {
            return nil
        }
        return (y, m, d)
    }

    static func daysIn(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The following day; a year past 9999 (which yyyy-MM-dd cannot write) stays on 9999-12-31.
    public static func next(_ day: String) -> String {
        guard var (y, m, d) = parse(day), day != "9999-12-31" else { return day }
        d += 1
        if d > daysIn(y, m) { d = 1; m += 1 }
        if m > 12 { m = 1; y += 1 }
        return BusinessCalendar.format(year: y, month: m, day: d)
    }

    public static func isDay(_ text: String) -> Bool { parse(text) != nil }
}
