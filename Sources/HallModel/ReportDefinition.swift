/// What a report needs from a hall's setup besides the figures: names, score weights, its time zone and
/// opening hours. A hall builds it from its config; the district receives it with each batch of the
/// hall's log, so both stores run the same report definition with the same inputs.
public struct ReportSetup: Codable, Sendable, Equatable {
    public var hallName: String
    public var timeZone: String
    /// Score per level, index 0 = 非常不满意.
    public var scoreWeights: [Double]
    /// Display names per scope ("window", "clerk", "category") and key.
    public var names: [String: [String: String]]
    /// 评价指标 code → text, for the reasons report.
    public var indicatorTexts: [String: String]
    /// Opening hours on working days, minutes after local midnight (nil: no hours configured).
    public var opensAt: Int?
    public var closesAt: Int?
    public var holidays: [String]
    public var workdays: [String]

    public init(hallName: String, timeZone: String, scoreWeights: [Double], names: [String: [String: String]],
                indicatorTexts: [String: String] = [:], opensAt: Int? = nil, closesAt: Int? = nil,
                holidays: [String] = [], workdays: [String] = []) {
        self.hallName = hallName
        self.timeZone = timeZone
        self.scoreWeights = scoreWeights
        self.names = names
        self.indicatorTexts = indicatorTexts
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.holidays = holidays
        self.workdays = workdays
    }

    enum CodingKeys: String, CodingKey {
        case hallName = "hall_name", timeZone = "time_zone", scoreWeights = "score_weights", names
        case indicatorTexts = "indicator_texts", opensAt = "opens_at", closesAt = "closes_at", holidays, workdays
    }

    public func names(_ scope: StatsScope) -> [String: String] { names[scope.rawValue] ?? [:] }

    public var calendar: WorkingCalendar { WorkingCalendar(holidays: Set(holidays), workdays: Set(workdays)) }
}

extension HallSetup {
    /// The report inputs of this setup.
    public func reportSetup(indicators: RatingIndicators = .empty, opensAt: Int? = nil, closesAt: Int? = nil) -> ReportSetup {
        var names: [String: [String: String]] = ["window": [:], "clerk": [:], "category": [:]]
        for w in windows { names["window"]![String(w.number)] = w.name }
        for c in clerks { names["clerk"]![c.id] = c.name }
        for c in categories { names["category"]![c.code] = c.name }
        var texts: [String: String] = [:]
        for i in indicators.indicators { texts[i.code] = i.text }
        return ReportSetup(hallName: name, timeZone: rules.timeZone, scoreWeights: rules.scoreWeights, names: names,
                           indicatorTexts: texts, opensAt: opensAt, closesAt: closesAt,
                           holidays: rules.workingCalendar.holidays.sorted(), workdays: rules.workingCalendar.workdays.sorted())
    }
}

/// One count of a 评价指标 for a key: what both stores sum per range.
public struct ReasonCount: Sendable, Equatable {
    public var key: String
    public var code: String
    public var level: Int
    public var count: Int

    public init(key: String, code: String, level: Int, count: Int) {
        self.key = key
        self.code = code
        self.level = level
        self.count = count
    }
}

/// How one event changes the reason counts: the pure half of the reason projection, shared by the hall's
/// SQLite store and the district's PostgreSQL store.
public enum ReasonProjection {
    public struct Tally: Hashable, Sendable {
        public var scope: StatsScope
        public var day: String
        public var key: String
        public var code: String
        public var level: Int
    }

    /// One tally per reason and scope (window, clerk, category), on the day of the service rated.
    public static func tallies(for r: EventRecord) -> [Tally] {
        let codes: [String], window: Int, clerk: String, category: String, day: String, level: RatingLevel
        switch r.event {
        case .ticketRated(let e):
            (codes, window, clerk, category, day, level) = (e.reasons ?? [], e.window, e.clerk, e.category, e.servedDay, e.level)
        case .ratingReasonsAdded(let e):
            (codes, window, clerk, category, day, level) = (e.reasons, e.window, e.clerk, e.category, e.servedDay, e.level)
        default:
            return []
        }
        var out: [Tally] = []
        for code in codes {
            for (scope, key) in [(StatsScope.window, String(window)), (.clerk, clerk), (.category, category)] {
                out.append(Tally(scope: scope, day: day, key: key, code: code, level: level.rawValue))
            }
        }
        return out
    }
}

/// The one report definition: summed figures and cases in, report rows out. The hall's reports and the
/// district's reports both end here, so a hall's figures read the same in both places.
public enum ReportDefinition {
    /// Report rows of one scope; windows and clerks also count their 差评 cases opened in the range and
    /// how many of those are overdue on `today`.
    public static func rows(_ scope: StatsScope, totals: [String: DayStats], cases: [BadRatingCase], setup: ReportSetup,
                            today: String) -> [ReportRow] {
        var rows = ReportBuilder.rows(scope: scope, totals: totals, names: setup.names(scope), weights: setup.scoreWeights)
        guard scope != .category else { return rows }
        var counts: [String: (Int, Int)] = [:]
        for c in cases {
            guard let key = scope == .window ? c.window.map(String.init) : c.clerk else { continue }
            counts[key, default: (0, 0)].0 += 1
            counts[key, default: (0, 0)].1 += c.overdue(today: today) ? 1 : 0
        }
        for i in rows.indices {
            let (n, late) = counts[rows[i].key] ?? (0, 0)
            rows[i].cases = n
            rows[i].overdueCases = late
        }
        return rows
    }

    /// Reason rows with each code's share of the key's ratings at its level.
    public static func reasonRows(counts: [ReasonCount], totals: [String: DayStats], names: [String: String],
                                  texts: [String: String]) -> [ReasonRow] {
        counts.map { c in
            let rated = totals[c.key].map { $0.ratings[max(0, min(4, c.level - 1))] } ?? 0
            return ReasonRow(key: c.key, name: names[c.key] ?? c.key, code: c.code, level: c.level,
                             levelName: RatingLevel(rawValue: c.level)?.chineseName ?? "", text: texts[c.code] ?? c.code,
                             count: c.count, rate: rated > 0 ? Double(c.count) / Double(rated) : nil)
        }
    }
}
