/// One line of a manager's report: a window, clerk or category over a date range.
public struct ReportRow: Codable, Sendable, Equatable {
    public var scope: StatsScope
    public var key: String
    public var name: String
    public var issued: Int
    public var served: Int
    public var noShows: Int
    public var transferredOut: Int
    public var meanWaitSeconds: Double?
    public var p90WaitSeconds: Double?
    public var meanServiceSeconds: Double?
    public var p90ServiceSeconds: Double?
    /// Index 0 = 非常不满意 (1) … index 4 = 非常满意 (5).
    public var ratings: [Int]
    public var rated: Int
    public var notRated: Int
    public var ignoredPresses: Int
    /// rated ÷ served
    public var participationRate: Double?
    /// (非常满意 + 满意) ÷ rated
    public var satisfactionRate: Double?
    /// Mean of the per-level scores of the ratings given.
    public var score: Double?
    /// Finished per outcome, keyed by `Outcome.rawValue`.
    public var outcomes: [String: Int]
    /// 即办率: 即办件 ÷ finished
    public var immediateRate: Double?
    /// 1 = best; ties share a rank.
    public var rank: Int
    /// 差评 cases opened in the range (windows and clerks), and those of them overdue today.
    public var cases: Int? = nil
    public var overdueCases: Int? = nil
}

/// Turns summed `DayStats` into report rows. Pure, so reports are testable without a database.
public enum ReportBuilder {
    /// - Parameters:
    ///   - totals: summed statistics per key over the range.
    ///   - names: display names per key (windows: "3号窗口", clerks, categories).
    ///   - weights: score per level, index 0 = 非常不满意.
    /// Mean of the per-level scores of the ratings given (index 0 = 非常不满意); nil when none.
    public static func score(ratings: [Int], weights: [Double]) -> Double? {
        let rated = ratings.reduce(0, +)
        guard rated > 0 else { return nil }
        var sum = 0.0
        for i in 0..<min(5, ratings.count) { sum += Double(ratings[i]) * (i < weights.count ? weights[i] : 0) }
        return sum / Double(rated)
    }

    /// (非常满意 + 满意) ÷ rated; nil when none.
    public static func satisfactionRate(ratings: [Int]) -> Double? {
        let rated = ratings.reduce(0, +)
        return rated > 0 ? Double(ratings[3] + ratings[4]) / Double(rated) : nil
    }

    public static func rows(scope: StatsScope, totals: [String: DayStats], names: [String: String],
                            weights: [Double]) -> [ReportRow] {
        var rows = totals.map { key, s -> ReportRow in
            let rated = s.rated
            func ratio(_ a: Int, _ b: Int) -> Double? { b > 0 ? Double(a) / Double(b) : nil }
            let score = Self.score(ratings: s.ratings, weights: weights)
            var outcomes: [String: Int] = [:]
            for o in Outcome.allCases { outcomes[o.rawValue] = s.outcomes[o.index] }
            return ReportRow(
                scope: scope, key: key, name: names[key] ?? key,
                issued: s.issued, served: s.served, noShows: s.noShows, transferredOut: s.transferredOut,
                meanWaitSeconds: s.served > 0 ? s.waitSum / Double(s.served) : nil,
                p90WaitSeconds: s.waitHistogram.quantile(0.9, maximum: s.waitMax),
                meanServiceSeconds: s.served > 0 ? s.serviceSum / Double(s.served) : nil,
                p90ServiceSeconds: s.serviceHistogram.quantile(0.9, maximum: s.serviceMax),
                ratings: s.ratings, rated: rated, notRated: s.notRated, ignoredPresses: s.ignoredPresses,
                participationRate: ratio(rated, s.served),
                satisfactionRate: Self.satisfactionRate(ratings: s.ratings),
                score: score, outcomes: outcomes,
                immediateRate: ratio(s.outcomes[Outcome.immediate.index], s.served),
                rank: 0)
        }
        rank(&rows)
        return rows
    }

    /// Sorts and ranks rows: score, then satisfaction rate, then tickets served; unrated rows last; ties
    /// share a rank. Also used to rank rows gathered from many halls.
    public static func rank(_ rows: inout [ReportRow]) {
        func sortKey(_ r: ReportRow) -> (Double, Double, Int) {
            (r.score ?? -1, r.satisfactionRate ?? -1, r.served)
        }
        rows.sort { a, b in
            let ka = sortKey(a), kb = sortKey(b)
            if ka != kb { return ka > kb }
            return a.key.localizedStandardCompareFree(b.key)
        }
        var rank = 0
        var previous: (Double, Double, Int)?
        for i in rows.indices {
            let k = sortKey(rows[i])
            if previous.map({ $0 != k }) ?? true { rank = i + 1 }
            rows[i].rank = rank
            previous = k
        }
    }
}

extension String {
    /// Numeric-aware ordering without Foundation ("2" before "10"), so windows list in counter order.
    func localizedStandardCompareFree(_ other: String) -> Bool {
        if let a = Int(self), let b = Int(other) { return a < b }
        return self < other
    }
}

/// How often one 评价指标 was chosen for one window, clerk or category, and its share of that key's ratings
/// at the indicator's level (13 of 40 不满意 named 213: 0.325).
public struct ReasonRow: Codable, Sendable, Equatable {
    public var key: String
    public var name: String
    public var code: String
    public var level: Int
    public var levelName: String
    public var text: String
    public var count: Int
    /// count ÷ the key's ratings at this level; nil when the level has no rating in the range.
    public var rate: Double?

    public init(key: String, name: String, code: String, level: Int, levelName: String, text: String, count: Int, rate: Double?) {
        self.key = key
        self.name = name
        self.code = code
        self.level = level
        self.levelName = levelName
        self.text = text
        self.count = count
        self.rate = rate
    }
}
