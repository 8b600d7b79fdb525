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

    public enum InvalidRange: Error, CustomStringConvertible {
        case badDate(String)
        case reversed(from: String, to: String)

        /// The problem in the words of the caller's interface: its names for the two bounds
        /// ("--from"/"--to" on the command line, "from"/"to" as query parameters).
        public func message(from fromName: String, to toName: String) -> String {
            switch self {
            case .badDate(let d): "not a date (want yyyy-MM-dd): \(d)"
            case .reversed(let f, let t): "\(fromName) \(f) is after \(toName) \(t)"
            }
        }

        public var messageZh: String {
            switch self {
            case .badDate(let d): "日期无效（应为 yyyy-MM-dd）：\(d)"
            case .reversed(let f, let t): "开始日期 from（\(f)）晚于结束日期 to（\(t)）"
            }
        }

        public var description: String { message(from: "from", to: "to") }
    }

    /// Checks a business-day range given as yyyy-MM-dd.
    public func validate(from: String, to: String) throws(InvalidRange) {
        let calendar = BusinessCalendar(identifier: setup.rules.timeZone)
        guard calendar.start(of: from) != nil else { throw .badDate(from) }
        guard calendar.start(of: to) != nil else { throw .badDate(to) }
        guard from <= to else { throw .reversed(from: from, to: to) }
    }

    /// Report rows; windows and clerks also count their 差评 cases opened in the range and how many of
    /// those are overdue on `today` (default: the hall's current business day).
    public func rows(_ scope: StatsScope, from: String, to: String, today: String? = nil) throws -> [ReportRow] {
        try validate(from: from, to: to)
        let totals = try store.totals(scope: scope, from: from, to: to)
        var rows = ReportBuilder.rows(scope: scope, totals: totals, names: names(scope), weights: setup.rules.scoreWeights)
        guard scope != .category else { return rows }
        let day = today ?? BusinessCalendar(identifier: setup.rules.timeZone).day(of: Date())
        var counts: [String: (Int, Int)] = [:]
        for c in try store.cases(fromDay: from, toDay: to) {
            guard let key = scope == .window ? c.windowNo.map(String.init) : c.clerk else { continue }
            let overdue = c.model.overdue(today: day) ? 1 : 0
            counts[key, default: (0, 0)].0 += 1
            counts[key, default: (0, 0)].1 += overdue
        }
        for i in rows.indices {
            let (n, late) = counts[rows[i].key] ?? (0, 0)
            rows[i].cases = n
            rows[i].overdueCases = late
        }
        return rows
    }

    /// Counts per 评价指标 code for each key, most frequent first within a key, with each code's share of the
    /// key's ratings at its level.
    public func reasonRows(_ scope: StatsScope, from: String, to: String, indicators: RatingIndicators) throws -> [ReasonRow] {
        try validate(from: from, to: to)
        let totals = try store.totals(scope: scope, from: from, to: to)
        let names = names(scope)
        return try store.reasonCounts(scope: scope.rawValue, fromDay: from, toDay: to).map { c in
            let rated = totals[c.key].map { $0.ratings[max(0, min(4, c.level - 1))] } ?? 0
            return ReasonRow(key: c.key, name: names[c.key] ?? c.key, code: c.code, level: c.level,
                             levelName: RatingLevel(rawValue: c.level)?.chineseName ?? "", text: indicators.indicator(c.code)?.text ?? c.code,
                             count: c.count, rate: rated > 0 ? Double(c.count) / Double(rated) : nil)
        }
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
