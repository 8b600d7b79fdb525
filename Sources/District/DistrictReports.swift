import Foundation
import HallModel
import Logging
import PostgresNIO

/// The district's reports, read from its projections and made by the halls' own `ReportDefinition`:
/// one hall's report here equals that hall's report at the hall.
public struct DistrictReports: Sendable {
    let client: PostgresClient
    let config: DistrictConfig
    let logger: Logger

    public init(store: DistrictStore, config: DistrictConfig) {
        self.client = store.client
        self.config = config
        self.logger = store.logger
    }

    /// A report row of one hall's window, clerk or category — or of a whole hall — with where it belongs.
    public struct Row: Codable, Sendable, Equatable {
        public var hallId: String
        public var hallName: String
        public var level: String
        public var parent: String?
        public var report: ReportRow
        /// Halls only: 差评 cases opened in the range not yet closed, and those contacted (回访).
        public var casesOpen: Int?
        public var casesContacted: Int?
        /// contacted ÷ cases; nil without cases.
        public var followUpRate: Double?

        enum CodingKeys: String, CodingKey {
            case hallId = "hall_id", hallName = "hall_name", level, parent, report, casesOpen = "cases_open"
            case casesContacted = "cases_contacted", followUpRate = "follow_up_rate"
        }
    }

    /// One 差评 case as the district keeps it.
    public struct Case: Codable, Sendable, Equatable {
        public var hallId: String
        public var hallName: String
        public var id: String
        public var number: String
        public var day: String
        public var window: Int?
        public var windowName: String?
        public var clerk: String?
        public var clerkName: String?
        public var category: String?
        public var level: Int
        public var dueDay: String
        public var state: String
        public var overdue: Bool
        public var contacted: Bool

        enum CodingKeys: String, CodingKey {
            case hallId = "hall_id", hallName = "hall_name", id, number, day, window, windowName = "window_name", clerk, clerkName = "clerk_name"
            case category, level, dueDay = "due_day", state, overdue, contacted
        }

        var model: BadRatingCase {
            BadRatingCase(id: id, state: CaseState(rawValue: state) ?? .open, window: window, clerk: clerk,
                          level: RatingLevel(rawValue: level) ?? .veryDissatisfied, openedDay: day, dueDay: dueDay)
        }
    }

    // MARK: Reads

    /// Each hall's report inputs as it last sent them; a hall that never shipped gets its config name.
    public func setups() async throws -> [String: ReportSetup] {
        var out: [String: ReportSetup] = [:]
        let decoder = WireCoding.plainDecoder()
        for try await (id, json) in try await client.query("SELECT hall_id, setup FROM hall_setups", logger: logger).decode((String, String).self) {
            out[id] = try? decoder.decode(ReportSetup.self, from: Data(json.utf8))
        }
        for h in config.halls where out[h.id] == nil {
            out[h.id] = ReportSetup(hallName: h.name, timeZone: "Asia/Shanghai", scoreWeights: [20, 40, 60, 80, 100], names: [:])
        }
        return out
    }

    /// Summed statistics per hall and key over business days [from, to]: whole months from the month rows,
    /// the rest day by day (the split the hall's own store makes).
    public func totals(_ scope: StatsScope, from: String, to: String, hall: String? = nil) async throws -> [String: [String: DayStats]] {
        let split = StatsPeriods.split(from: from, to: to)
        var binds = PostgresBindings()
        binds.append(scope.rawValue)
        var ranges: [String] = []
        if let (a, b) = split.months {
            binds.append(a)
            binds.append(b)
            ranges.append("(length(period) = 7 AND period BETWEEN $\(binds.count - 1) AND $\(binds.count))")
        }
        for (a, b) in split.days {
            binds.append(a)
            binds.append(b)
            ranges.append("(length(period) = 10 AND period BETWEEN $\(binds.count - 1) AND $\(binds.count))")
        }
        var sql = """
            SELECT hall_id, key, \(DistrictStore.statsColumns), wait_sum, wait_max, wait_hist, service_sum, service_max, service_hist
            FROM stats WHERE scope = $1 AND (\(ranges.isEmpty ? "false" : ranges.joined(separator: " OR ")))
            """
        if let hall {
            binds.append(hall)
            sql += " AND hall_id = $\(binds.count)"
        }
        var out: [String: [String: DayStats]] = [:]
        for try await row in try await client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
            let r = row.makeRandomAccess()
            let id = try r[0].decode(String.self)
            let key = try r[1].decode(String.self)
            var t = out[id]?[key] ?? DayStats()
            func int(_ i: Int) throws -> Int { Int(try r[i].decode(Int64.self)) }
            t.issued += try int(2)
            t.served += try int(3)
            t.noShows += try int(4)
            t.transferredOut += try int(5)
            for i in 0..<5 { t.outcomes[i] += try int(6 + i) }
            for i in 0..<5 { t.ratings[i] += try int(11 + i) }
            t.notRated += try int(16)
            t.ignoredPresses += try int(17)
            t.waitSum += try r[18].decode(Double.self)
            t.waitMax = max(t.waitMax, try r[19].decode(Double.self))
            t.waitHistogram.merge(DurationHistogram(counts: try r[20].decode([Int64].self).map { UInt32(clamping: $0) }))
            t.serviceSum += try r[21].decode(Double.self)
            t.serviceMax = max(t.serviceMax, try r[22].decode(Double.self))
            t.serviceHistogram.merge(DurationHistogram(counts: try r[23].decode([Int64].self).map { UInt32(clamping: $0) }))
            out[id, default: [:]][key] = t
        }
        return out
    }

    /// 差评 cases opened on business days [from, to], per hall.
    public func cases(from: String, to: String, hall: String? = nil, setups: [String: ReportSetup]) async throws -> [Case] {
        let rows = try await client.query("""
            SELECT hall_id, id, number, day, window_no, clerk, category, level, due_day, state, contacted_at_ms
            FROM cases WHERE day >= \(from) AND day <= \(to) AND (\(hall)::text IS NULL OR hall_id = \(hall)) ORDER BY day DESC, opened_at_ms DESC
            """, logger: logger)
        var out: [Case] = []
        for try await (h, id, number, day, window, clerk, category, level, due, state, contacted)
            in rows.decode((String, String, String, String, Int?, String?, String?, Int, String, String, Int64?).self) {
            let setup = setups[h]
            let today = BusinessCalendar(identifier: setup?.timeZone ?? "Asia/Shanghai").day(of: Date())
            var c = Case(hallId: h, hallName: config.hall(h)?.name ?? setup?.hallName ?? h, id: id, number: number, day: day, window: window,
                         windowName: window.flatMap { setup?.names(.window)[String($0)] }, clerk: clerk,
                         clerkName: clerk.flatMap { setup?.names(.clerk)[$0] }, category: category, level: level, dueDay: due, state: state,
                         overdue: false, contacted: contacted != nil)
            c.overdue = c.model.overdue(today: today)
            out.append(c)
        }
        return out
    }

    /// Reason counts per hall for one scope.
    public func reasonCounts(_ scope: StatsScope, from: String, to: String, hall: String) async throws -> [ReasonCount] {
        var out: [ReasonCount] = []
        let rows = try await client.query("""
            SELECT key, code, level, SUM(count)::bigint AS n FROM reason_stats
            WHERE hall_id = \(hall) AND scope = \(scope.rawValue) AND day >= \(from) AND day <= \(to)
            GROUP BY key, code, level ORDER BY key, n DESC, code
            """, logger: logger)
        for try await (key, code, level, n) in rows.decode((String, String, Int, Int64).self) {
            out.append(ReasonCount(key: key, code: code, level: level, count: Int(n)))
        }
        return out
    }

    // MARK: Reports

    func today(_ setup: ReportSetup?) -> String { BusinessCalendar(identifier: setup?.timeZone ?? "Asia/Shanghai").day(of: Date()) }

    /// One hall's rows of a scope: the same rows as the hall's own report.
    public func hallReport(_ scope: StatsScope, hall: String, from: String, to: String, today: String? = nil) async throws -> [ReportRow] {
        let setups = try await setups()
        guard let setup = setups[hall] else { return [] }
        let totals = try await totals(scope, from: from, to: to, hall: hall)[hall] ?? [:]
        let cases = scope == .category ? [] : try await cases(from: from, to: to, hall: hall, setups: setups).map(\.model)
        return ReportDefinition.rows(scope, totals: totals, cases: cases, setup: setup, today: today ?? self.today(setup))
    }

    /// Reason rows of one hall, as the hall's own reasons report.
    public func hallReasons(_ scope: StatsScope, hall: String, from: String, to: String) async throws -> [ReasonRow] {
        let setup = try await setups()[hall]
        let totals = try await totals(scope, from: from, to: to, hall: hall)[hall] ?? [:]
        return ReportDefinition.reasonRows(counts: try await reasonCounts(scope, from: from, to: to, hall: hall), totals: totals,
                                           names: setup?.names(scope) ?? [:], texts: setup?.indicatorTexts ?? [:])
    }

    /// Windows, clerks or categories of every hall (or of `level`'s halls), ranked together. Each row is
    /// made with its own hall's setup; keys become "hall/key".
    public func acrossHalls(_ scope: StatsScope, from: String, to: String, level: String? = nil) async throws -> [Row] {
        let setups = try await setups()
        let totals = try await totals(scope, from: from, to: to)
        let cases = scope == .category ? [] : try await cases(from: from, to: to, setups: setups)
        var rows: [Row] = []
        for h in config.halls where level == nil || h.level == level {
            guard let setup = setups[h.id] else { continue }
            let own = ReportDefinition.rows(scope, totals: totals[h.id] ?? [:], cases: cases.filter { $0.hallId == h.id }.map(\.model),
                                            setup: setup, today: today(setup))
            for var r in own {
                r.key = "\(h.id)/\(r.key)"
                rows.append(Row(hallId: h.id, hallName: h.name, level: h.level, parent: h.parent, report: r))
            }
        }
        var reports = rows.map(\.report)
        ReportBuilder.rank(&reports)
        let byKey = Dictionary(uniqueKeysWithValues: rows.map { ($0.report.key, $0) })
        return reports.compactMap { r in byKey[r.key].map { var row = $0; row.report = r; return row } }
    }

    /// Halls ranked within their level (区, 街道, 社区): each hall's totals are its categories' sums.
    public func halls(from: String, to: String) async throws -> [Row] {
        let setups = try await setups()
        let totals = try await totals(.category, from: from, to: to)
        let cases = try await cases(from: from, to: to, setups: setups)
        var out: [Row] = []
        for level in ["district", "street", "community"] {
            var reports: [ReportRow] = []
            for h in config.halls where h.level == level {
                var sum = DayStats()
                for s in (totals[h.id] ?? [:]).values { sum.merge(s) }
                let setup = setups[h.id] ?? ReportSetup(hallName: h.name, timeZone: "Asia/Shanghai", scoreWeights: [20, 40, 60, 80, 100], names: [:])
                var named = setup
                named.names = ["category": [h.id: h.name]]
                let own = cases.filter { $0.hallId == h.id }
                var row = ReportDefinition.rows(.category, totals: [h.id: sum], cases: [], setup: named, today: today(setup))[0]
                row.cases = own.count
                row.overdueCases = own.filter(\.overdue).count
                reports.append(row)
            }
            ReportBuilder.rank(&reports)
            for r in reports {
                guard let h = config.hall(r.key) else { continue }
                let own = cases.filter { $0.hallId == h.id }
                let contacted = own.filter(\.contacted).count
                out.append(Row(hallId: h.id, hallName: h.name, level: h.level, parent: h.parent, report: r,
                               casesOpen: own.filter { $0.state != "closed" }.count, casesContacted: contacted,
                               followUpRate: own.isEmpty ? nil : Double(contacted) / Double(own.count)))
            }
        }
        return out
    }
}

extension DistrictConfig {
    public func hall(_ id: String) -> Hall? { halls.first { $0.id == id } }
}
