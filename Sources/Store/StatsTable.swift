import Foundation
import GRDB
import HallModel

/// Reading and writing the additive statistics tables (day_stats, and its monthly rollup month_stats,
/// whose `day` column holds the month "2026-01").
enum StatsTable: String {
    case day = "day_stats"
    case month = "month_stats"

    static let valueColumns = """
        issued, served, no_shows, transferred_out, immediate, promised, joint, reported, replied,
        r1, r2, r3, r4, r5, not_rated, ignored_presses, wait_sum, wait_max, wait_hist, service_sum, service_max, service_hist
        """

    /// Adds the value columns of `row`, starting at column `offset`, to `t`, reading histograms straight from the blobs.
    static func accumulate(_ t: inout DayStats, row: Row, offset o: Int) throws {
        t.issued += row[o] as Int
        t.served += row[o + 1] as Int
        t.noShows += row[o + 2] as Int
        t.transferredOut += row[o + 3] as Int
        for i in 0..<5 { t.outcomes[i] += row[o + 4 + i] as Int }
        for i in 0..<5 { t.ratings[i] += row[o + 9 + i] as Int }
        t.notRated += row[o + 14] as Int
        t.ignoredPresses += row[o + 15] as Int
        t.waitSum += row[o + 16] as Double
        t.waitMax = max(t.waitMax, row[o + 17] as Double)
        t.serviceSum += row[o + 19] as Double
        t.serviceMax = max(t.serviceMax, row[o + 20] as Double)
        try row.withUnsafeData(atIndex: o + 18) { d in d?.withUnsafeBytes { t.waitHistogram.merge(littleEndian: $0) } }
        try row.withUnsafeData(atIndex: o + 21) { d in d?.withUnsafeBytes { t.serviceHistogram.merge(littleEndian: $0) } }
    }

    func save(_ db: Database, scope: String, period: String, key: String, _ s: DayStats) throws {
        let r = DayStatsRecord(key: StatsKey(scope: StatsScope(rawValue: scope) ?? .window, key: key, day: period), stats: s)
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO \(rawValue) (scope, day, key, \(Self.valueColumns))
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                scope, period, key, r.issued, r.served, r.noShows, r.transferredOut, r.immediate, r.promised, r.joint,
                r.reported, r.replied, r.r1, r.r2, r.r3, r.r4, r.r5, r.notRated, r.ignoredPresses,
                r.waitSum, r.waitMax, r.waitHist, r.serviceSum, r.serviceMax, r.serviceHist,
            ])
    }

    /// Adds `delta` to a row in place. Counters and sums are added by SQL (an upsert). The histogram blobs
    /// are merged only when the delta has durations in them (finished tickets): then the stored ones are
    /// read first and the merged blobs written by the same upsert. Other events never touch them.
    func add(_ db: Database, scope: String, period: String, key: String, _ d: DayStats) throws {
        var wait = d.waitHistogram, service = d.serviceHistogram
        let mergesHistograms = wait.total > 0 || service.total > 0
        if mergesHistograms,
           let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT wait_hist, service_hist FROM \(rawValue) WHERE scope = ? AND day = ? AND key = ?"),
                                      arguments: [scope, period, key]) {
            try row.withUnsafeData(atIndex: 0) { $0?.withUnsafeBytes { wait.merge(littleEndian: $0) } }
            try row.withUnsafeData(atIndex: 1) { $0?.withUnsafeBytes { service.merge(littleEndian: $0) } }
        }
        let histograms = mergesHistograms ? ", wait_hist = excluded.wait_hist, service_hist = excluded.service_hist" : ""
        try db.cachedStatement(sql: """
            INSERT INTO \(rawValue) (scope, day, key, \(Self.valueColumns))
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (scope, day, key) DO UPDATE SET
                issued = issued + excluded.issued, served = served + excluded.served, no_shows = no_shows + excluded.no_shows,
                transferred_out = transferred_out + excluded.transferred_out,
                immediate = immediate + excluded.immediate, promised = promised + excluded.promised, joint = joint + excluded.joint,
                reported = reported + excluded.reported, replied = replied + excluded.replied,
                r1 = r1 + excluded.r1, r2 = r2 + excluded.r2, r3 = r3 + excluded.r3, r4 = r4 + excluded.r4, r5 = r5 + excluded.r5,
                not_rated = not_rated + excluded.not_rated, ignored_presses = ignored_presses + excluded.ignored_presses,
                wait_sum = wait_sum + excluded.wait_sum, wait_max = max(wait_max, excluded.wait_max),
                service_sum = service_sum + excluded.service_sum, service_max = max(service_max, excluded.service_max)\(histograms)
            """).execute(arguments: [
                scope, period, key, d.issued, d.served, d.noShows, d.transferredOut,
                d.outcomes[0], d.outcomes[1], d.outcomes[2], d.outcomes[3], d.outcomes[4],
                d.ratings[0], d.ratings[1], d.ratings[2], d.ratings[3], d.ratings[4], d.notRated, d.ignoredPresses,
                d.waitSum, d.waitMax, Data(wait.bytes), d.serviceSum, d.serviceMax, Data(service.bytes),
            ])
    }

    /// Sums every row of `scope` with `day` in [from, to] into `totals`, keyed by `key`.
    /// Sums over every key of a scope, one total per day.
    func sumByDay(_ db: Database, scope: String, from: String, to: String) throws -> [String: DayStats] {
        var totals: [String: DayStats] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT day, \(Self.valueColumns) FROM \(rawValue) WHERE scope = ? AND day >= ? AND day <= ?",
                                       arguments: [scope, from, to])
        while let row = try rows.next() {
            let day: String = row[0]
            try Self.accumulate(&totals[day, default: DayStats()], row: row, offset: 1)
        }
        return totals
    }

    func sum(_ db: Database, scope: String, from: String, to: String, into totals: inout [String: DayStats]) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT key, \(Self.valueColumns) FROM \(rawValue) WHERE scope = ? AND day >= ? AND day <= ?",
                                       arguments: [scope, from, to])
        while let row = try rows.next() {
            let key: String = row[0]
            try Self.accumulate(&totals[key, default: DayStats()], row: row, offset: 1)
        }
    }
}
