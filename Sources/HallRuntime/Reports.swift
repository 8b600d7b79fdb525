import Foundation
import HallModel
import Store

/// Reports for managers, read from the projections with names from the config.
public struct Reports: Sendable {
    public let store: EventStore
    public let setup: HallSetup

    public init(store: EventStore, setup: HallSetup) {
        self.store = store
        self.setup = setup
    }

    public typealias InvalidRange = DayRange.Invalid

    /// Checks a business-day range given as yyyy-MM-dd: real dates, years 2000–2100, from ≤ to, at most three years.
    public func validate(from: String, to: String) throws(InvalidRange) {
        try DayRange.check(from: from, to: to, calendar: BusinessCalendar(identifier: setup.rules.timeZone))
    }

    /// Report rows; windows and clerks also count their 差评 cases opened in the range and how many of
    /// those are overdue on `today` (default: the hall's current business day).
    public func rows(_ scope: StatsScope, from: String, to: String, today: String? = nil) throws -> [ReportRow] {
        try validate(from: from, to: to)
        let totals = try store.totals(scope: scope, from: from, to: to)
        let day = today ?? BusinessCalendar(identifier: setup.rules.timeZone).day(of: Date())
        let cases = scope == .category ? [] : try store.cases(fromDay: from, toDay: to).map(\.model)
        return ReportDefinition.rows(scope, totals: totals, cases: cases, setup: setup.reportSetup(), today: day)
    }

    /// The scope's 合计 row: every key's figures summed and made by the same report definition as the
    /// rows (so its P90s and rates are the whole range's, not sums of the rows'); windows and clerks count
    /// every 差评 case with a window or clerk.
    public func total(_ scope: StatsScope, from: String, to: String, today: String? = nil) throws -> ReportRow {
        try validate(from: from, to: to)
        var sum = DayStats()
        for s in try store.totals(scope: scope, from: from, to: to).values { sum.merge(s) }
        var report = setup.reportSetup()
        report.names = [scope.rawValue: ["合计": "合计"]]
        let day = today ?? BusinessCalendar(identifier: setup.rules.timeZone).day(of: Date())
        var row = ReportDefinition.rows(scope, totals: ["合计": sum], cases: [], setup: report, today: day)[0]
        if scope != .category {
            let cases = try store.cases(fromDay: from, toDay: to).map(\.model).filter { scope == .window ? $0.window != nil : $0.clerk != nil }
            row.cases = cases.count
            row.overdueCases = cases.filter { $0.overdue(today: day) }.count
        }
        return row
    }

    /// Counts per 评价指标 code for each key, most frequent first within a key, with each code's share of the
    /// key's ratings at its level.
    public func reasonRows(_ scope: StatsScope, from: String, to: String, indicators: RatingIndicators) throws -> [ReasonRow] {
        try validate(from: from, to: to)
        let totals = try store.totals(scope: scope, from: from, to: to)
        let report = setup.reportSetup(indicators: indicators)
        return ReportDefinition.reasonRows(counts: try store.reasonCounts(scope: scope.rawValue, fromDay: from, toDay: to),
                                           totals: totals, names: report.names(scope), texts: report.indicatorTexts)
    }

    public func names(_ scope: StatsScope) -> [String: String] {
        var names: [String: String] = [:]
        switch scope {
        case .window: for w in setup.windows { names[String(w.number)] = w.name }
        case .clerk: for c in setup.clerks { names[c.id] = c.name }
        case .category: for c in setup.categories { names[c.code] = c.name }
        }
        return names
    }
}
