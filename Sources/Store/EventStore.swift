import Foundation
import GRDB
import Synchronization
import HallModel
import LogFormat

/// How hard SQLite works to make a commit survive power loss.
public enum SyncMode: String, Sendable, CaseIterable {
    /// fsync on every commit: an acknowledged event survives power loss. The default.
    case full
    /// fsync at checkpoints only: survives a process crash, may lose the last commits on power loss.
    case normal
}

public enum StoreError: Error, CustomStringConvertible {
    /// A stored event this version cannot read: it is never skipped, since every later state depends on it.
    case corruptEvent(seq: Int64, kind: String, reason: String)
    /// Another process (pid, if known) has the database open for writing: there is one writer.
    case heldByWriter(path: String, pid: Int32?)
    /// A read-only open of a database whose schema this version would first migrate.
    case needsMigration(path: String, pending: [String])

    public var description: String {
        switch self {
        case .heldByWriter(let path, let pid):
            "\(path) is open for writing by another process\(pid.map { " (pid \($0))" } ?? ""), most likely counterd: "
                + "stop it first (systemctl stop counterd)"
        case .needsMigration(let path, let pending):
            "\(path) was written by an older counterd (schema steps \(pending.joined(separator: ", ")) not applied): "
                + "start counterd once to bring it up to date"
        case .corruptEvent(let seq, let kind, let reason):
            "event seq \(seq) (kind \(kind)) in the log cannot be decoded: \(reason). The log is never skipped over: "
                + "restore the database from a backup, or run the counterd version that wrote it"
        }
    }
}

/// The window performance database: the append-only event log and its projections, in one SQLite file.
///
/// One process writes: the store opened with `init(path:sync:)` holds the file's writer lock (counterd's
/// Hall) and migrates it; tools open it with `readOnly(path:)` and cannot change it.
public struct EventStore: Sendable {
    /// The GRDB pool; WAL mode, so readers never block the single writer. Only the store's own
    /// intention-named writes use it.
    let writer: DatabasePool
    /// Reads for reports, tools and tests.
    public var reader: any DatabaseReader { writer }
    public let path: String
    /// Opened by `readOnly(path:)`.
    /// Whether a `LogAppender` is out (`claimAppender`), shared by every copy of this store.
    private let appenderClaimed = AppenderClaim()
    public let isReadOnly: Bool
    private let lock: WriterLock?

    /// Opens the database for writing: takes its writer lock (refused while another process holds it),
    /// then applies the migrations this version has.
    public init(path: String, sync: SyncMode = .full) throws {
        lock = try WriterLock(database: path)
        var config = Configuration()
        config.busyMode = .timeout(10)
        writer = try DatabasePool(path: path, configuration: config)
        self.path = path
        isReadOnly = false
        // DatabasePool sets synchronous = NORMAL on its writer when it enables WAL, after
        // prepareDatabase runs; so the setting is made here, on the one writer connection, afterwards.
        let pragma = sync == .full ? "FULL" : "NORMAL"
        // SQLite's automatic checkpoint runs inside the commit that crosses its threshold: a key press then
        // waits for the WAL to be copied and the database fsynced. The Hall checkpoints when it goes idle
        // (`checkpoint()`); the automatic one stays only as a backstop for a hall that never does.
        try writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(pragma); PRAGMA wal_autocheckpoint = 10000") }
        try Migrations.migrator.migrate(writer)
    }

    /// A PASSIVE WAL checkpoint on the writer: copies committed pages into the database so the WAL does not
    /// grow. The Hall calls it when no command is waiting (never inside a commit).
    public func checkpoint() async {
        _ = try? await writer.writeWithoutTransaction { db in try db.checkpoint(.passive) }
    }

    private init(readOnlyAt path: String) throws {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        writer = try DatabasePool(path: path, configuration: config)
        self.path = path
        isReadOnly = true
        lock = nil
        let applied = try writer.read { db in
            try db.tableExists("grdb_migrations") ? try Migrations.migrator.appliedIdentifiers(db) : []
        }
        let missing = Migrations.migrator.migrations.filter { !applied.contains($0) }
        if !missing.isEmpty { throw StoreError.needsMigration(path: path, pending: missing) }
    }

    /// Opens the database for reading only, as counterctl does: no migration, no write, whether or not
    /// counterd is running.
    public static func readOnly(path: String) throws -> EventStore {
        try EventStore(readOnlyAt: path)
    }

    /// A consistent copy of the whole database in a new file at `path` (SQLite's online backup): readers and
    /// the writer go on meanwhile.
    public func backup(to path: String) throws {
        try writer.backup(to: try DatabaseQueue(path: path))
    }

    /// Whether a process holds the writer lock of the database at `path` now (its pid, if it does).
    public static func writerHolding(_ path: String) -> Int32?? {
        WriterLock.holder(of: path)
    }

    /// A named 32-byte random secret, made on first use and kept in the database.
    public func secret(_ name: String) throws -> [UInt8] {
        try writer.write { db in
            if let existing = try Data.fetchOne(db, sql: "SELECT value FROM secrets WHERE name = ?", arguments: [name]) {
                return Array(existing)
            }
            var rng = SystemRandomNumberGenerator()
            let value = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
            try db.execute(sql: "INSERT INTO secrets (name, value) VALUES (?, ?)", arguments: [name, Data(value)])
            return value
        }
    }

    // MARK: Writing

    /// The one way onto the log: the Hall claims it when it opens (a demo's seeding or a benchmark's loading before
    /// it). While one appender lives, another claim is refused, so nothing else in the process can append.
    public func claimAppender() throws(LogAppender.Claimed) -> LogAppender {
        let ok = appenderClaimed.flag.withLock { claimed in
            guard !claimed else { return false }
            claimed = true
            return true
        }
        guard ok else { throw LogAppender.Claimed() }
        return LogAppender(store: self)
    }

    func releaseAppender() { appenderClaimed.flag.withLock { $0 = false } }

    static func append(_ events: [EventRecord], in db: Database) throws -> [StoredEvent] {
        var (seq, previous) = try HashChain.last(db)
        let insert = try db.cachedStatement(sql: """
            INSERT INTO events (seq, at_ms, day, kind, ticket, window_no, clerk, category, payload, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let encoder = EventCoding.encoder()
        var stored: [StoredEvent] = []
        stored.reserveCapacity(events.count)
        for e in events {
            seq += 1
            let payload = String(decoding: try encoder.encode(e), as: UTF8.self)
            previous = HashChain.link(previous, seq, payload)
            try insert.execute(arguments: [seq, EventCoding.ms(e.at), e.day, e.kind.rawValue, e.event.ticket, e.event.window,
                                           e.event.clerk, e.event.category, payload, Data(previous)])
            stored.append(StoredEvent(seq: seq, record: e))
        }
        try Projector(db: db).apply(events)
        try Outbox.enqueue(stored, in: db)
        return stored
    }

    /// Recomputes `tickets` and `day_stats` from the log, in one transaction.
    public func rebuildProjections() throws {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM tickets; DELETE FROM day_stats; DELETE FROM month_stats; DELETE FROM cases; DELETE FROM reason_stats;")
            var after: Int64 = 0
            while true {
                let batch = try Self.events(after: after, limit: 20_000, in: db)
                guard let last = batch.last else { break }
                try Projector(db: db).apply(batch.map(\.record))
                after = last.seq
            }
        }
    }

    // MARK: Reading

    /// The synchronous level of the writer connection: 2 = FULL, 1 = NORMAL.
    public func synchronousLevel() throws -> Int {
        try writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    public func lastSeq() throws -> Int64 {
        try writer.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM events") ?? 0 }
    }

    /// Events with seq > `after`, oldest first.
    public func events(after: Int64, limit: Int = 10_000) throws -> [StoredEvent] {
        try writer.read { db in try Self.events(after: after, limit: limit, in: db) }
    }

    static func events(after: Int64, limit: Int, in db: Database) throws -> [StoredEvent] {
        try events(where: "seq > ? ORDER BY seq LIMIT ?", [after, limit], in: db)
    }

    /// The events of some kinds on one business day, oldest first (the `kind, seq` index): the day's alerts for
    /// the dashboard's 监察预警, which must list what was raised at 10:00 still at 15:00.
    public func events(day: String, kinds: [EventKind]) throws -> [StoredEvent] {
        guard !kinds.isEmpty else { return [] }
        let marks = Array(repeating: "?", count: kinds.count).joined(separator: ", ")
        return try writer.read { db in
            try Self.events(where: "kind IN (\(marks)) AND day = ? ORDER BY seq", StatementArguments(kinds.map(\.rawValue) + [day]), in: db)
        }
    }

    /// Every event about one ticket, oldest first (the `ticket` index column).
    public func events(ticket: String) throws -> [StoredEvent] {
        try writer.read { db in try Self.events(where: "ticket = ? ORDER BY seq", [ticket], in: db) }
    }

    static func events(where clause: String, _ arguments: StatementArguments, in db: Database) throws -> [StoredEvent] {
        let decoder = EventCoding.decoder()
        let rows = try Row.fetchAll(db, sql: "SELECT seq, kind, payload FROM events WHERE \(clause)", arguments: arguments)
        return try rows.map { row in
            let seq: Int64 = row["seq"]
            let payload: String = row["payload"]
            do {
                return StoredEvent(seq: seq, record: try decoder.decode(EventRecord.self, from: Data(payload.utf8)))
            } catch {
                throw StoreError.corruptEvent(seq: seq, kind: row["kind"], reason: Self.describe(error))
            }
        }
    }

    /// A decoding error as one line: which field, and what is wrong with it.
    static func describe(_ error: any Error) -> String {
        func path(_ c: DecodingError.Context) -> String {
            c.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case DecodingError.keyNotFound(let key, _): return "field \"\(key.stringValue)\" is missing"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            return "field \"\(path(c))\" has the wrong type (\(c.debugDescription))"
        case DecodingError.dataCorrupted(let c): return c.codingPath.isEmpty ? c.debugDescription : "field \"\(path(c))\": \(c.debugDescription)"
        default: return "\(error)"
        }
    }

    /// The events from the most recent day_started on: enough to rebuild the live hall state.
    public func eventsSinceLastDayStart() throws -> [StoredEvent] {
        let start = try writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM events WHERE kind = ?",
                               arguments: [EventKind.dayStarted.rawValue])
        }
        guard let start else { return try events(after: 0, limit: Int.max) }
        return try events(after: start - 1, limit: Int.max)
    }

    /// Statistics summed per key over [from, to] (business days, inclusive). Whole months come from the
    /// monthly rollup, the days at either end from day_stats.
    public func totals(scope: StatsScope, from: String, to: String) throws -> [String: DayStats] {
        let split = StatsPeriods.split(from: from, to: to)
        return try writer.read { db in
            var totals: [String: DayStats] = [:]
            if let (first, last) = split.months {
                try StatsTable.month.sum(db, scope: scope.rawValue, from: first, to: last, into: &totals)
            }
            for (a, b) in split.days {
                try StatsTable.day.sum(db, scope: scope.rawValue, from: a, to: b, into: &totals)
            }
            return totals
        }
    }

    /// The same totals read from day_stats alone: the reference the rollup is tested against.
    public func dailyTotals(scope: StatsScope, from: String, to: String) throws -> [String: DayStats] {
        try writer.read { db in
            var totals: [String: DayStats] = [:]
            try StatsTable.day.sum(db, scope: scope.rawValue, from: from, to: to, into: &totals)
            return totals
        }
    }

    /// The hall's totals per business day (summed over the scope's keys; use `.window` for every service).
    public func perDay(scope: StatsScope, from: String, to: String) throws -> [String: DayStats] {
        try writer.read { db in try StatsTable.day.sumByDay(db, scope: scope.rawValue, from: from, to: to) }
    }

    public func ticket(_ id: String) throws -> TicketRecord? {
        try writer.read { db in try TicketRecord.fetchOne(db, key: id) }
    }

    public func badRatingCase(_ id: String) throws -> CaseRecord? {
        try writer.read { db in try CaseRecord.fetchOne(db, key: id) }
    }

    /// Cases opened on the days from `from` to `to`, newest first.
    public func cases(fromDay from: String, toDay to: String) throws -> [CaseRecord] {
        try writer.read { db in
            try CaseRecord.filter(Column("day") >= from && Column("day") <= to).order(Column("opened_at_ms").desc).fetchAll(db)
        }
    }

    /// Cases not closed, whatever day they were opened: what a manager still has to do.
    public func unclosedCases() throws -> [CaseRecord] {
        try writer.read { db in try CaseRecord.filter(Column("state") != "closed").order(Column("due_day"), Column("opened_at_ms")).fetchAll(db) }
    }

    public func tickets(day: String) throws -> [TicketRecord] {
        try writer.read { db in
            try TicketRecord.filter(Column("day") == day).order(Column("id")).fetchAll(db)
        }
    }

    /// Every projection row, in a stable order: to compare an incremental result with a rebuild.
    public func projectionSnapshot() throws -> ProjectionSnapshot {
        try writer.read { db in
            ProjectionSnapshot(
                tickets: try TicketRecord.order(Column("id")).fetchAll(db),
                cases: try CaseRecord.order(Column("id")).fetchAll(db),
                dayStats: try DayStatsRecord.order(Column("scope"), Column("day"), Column("key")).fetchAll(db),
                monthStats: try DayStatsRecord.fetchAll(db, sql: "SELECT * FROM month_stats ORDER BY scope, day, key"))
        }
    }

    /// `PRAGMA integrity_check` plus the log's own invariant (sequence 1…N with no gap).
    public func check() throws -> [String] {
        try writer.read { db in
            var problems = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS n, MIN(seq) AS lo, MAX(seq) AS hi FROM events")!
            let n: Int64 = row["n"], lo: Int64? = row["lo"], hi: Int64? = row["hi"]
            if n > 0 && (lo != 1 || hi != n) {
                problems.append("event log has gaps: \(n) events, seq \(lo ?? 0)…\(hi ?? 0)")
            }
            return problems
        }
    }
}

/// The projection tables as values.
public struct ProjectionSnapshot: Equatable, Sendable {
    public var tickets: [TicketRecord]
    public var cases: [CaseRecord] = []
    public var dayStats: [DayStatsRecord]
    public var monthStats: [DayStatsRecord]
}

final class AppenderClaim: Sendable {
    let flag = Mutex(false)
}
