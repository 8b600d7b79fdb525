import Foundation
import HallModel
import Logging
import Metrics
import PostgresNIO
import LogFormat
import Synchronization

/// Every hall's log in PostgreSQL. A batch is stored in one transaction under a lock on the hall's head
/// row: rows the district holds already are skipped, a batch that would leave a gap is refused with the
/// seq it expects, and the hash chain is recomputed over every row (a mismatch refuses the batch). So each
/// (hall, seq) is stored exactly once, contiguous, with the hall's own hash — with any number of
/// district replicas on the same database.
public struct DistrictStore: Sendable {
    public let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "counterd-district.db")) {
        self.client = client
        self.logger = logger
    }

    /// Versioned migrations, each once, under an advisory lock so replicas starting together do not race.
    static let migrations: [(String, [String])] = [
        ("v1-events", [
            """
            CREATE TABLE events (
                hall_id text NOT NULL,
                seq bigint NOT NULL,
                at_ms bigint NOT NULL,
                day text NOT NULL,
                kind text NOT NULL,
                payload text NOT NULL,
                hash text NOT NULL,
                received_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (hall_id, seq)
            )
            """,
            "CREATE INDEX events_day ON events (day, hall_id)",
            """
            CREATE TABLE hall_heads (
                hall_id text PRIMARY KEY,
                last_seq bigint NOT NULL DEFAULT 0,
                chain text NOT NULL DEFAULT '',
                last_event_at_ms bigint,
                last_received_at timestamptz
            )
            """,
            """
            CREATE TABLE refusals (
                id bigserial PRIMARY KEY,
                hall_id text,
                at timestamptz NOT NULL DEFAULT now(),
                reason text NOT NULL,
                detail text NOT NULL
            )
            """,
        ]),
        // Events partitioned by month (partitions are made as months arrive), the projections the
        // district's reports read, each hall's report setup, and the hall's own last seq for its lag.
        ("v2-partitions-projections", [
            "ALTER TABLE events RENAME TO events_v1",
            """
            CREATE TABLE events (
                hall_id text NOT NULL,
                seq bigint NOT NULL,
                at_ms bigint NOT NULL,
                day text NOT NULL,
                kind text NOT NULL,
                payload text NOT NULL,
                hash text NOT NULL,
                received_at timestamptz NOT NULL DEFAULT now(),
                CONSTRAINT events_month_pkey PRIMARY KEY (hall_id, seq, day)
            ) PARTITION BY RANGE (day)
            """,
            """
            DO $$ DECLARE m text; BEGIN
                FOR m IN SELECT DISTINCT substr(day, 1, 7) FROM events_v1 LOOP
                    EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)', 'events_' || replace(m, '-', '_'),
                                   m || '-01', to_char((m || '-01')::date + interval '1 month', 'YYYY-MM-DD'));
                END LOOP;
            END $$
            """,
            "INSERT INTO events SELECT * FROM events_v1",
            "DROP TABLE events_v1",
            "ALTER TABLE hall_heads ADD COLUMN hall_last_seq bigint",
            """
            CREATE TABLE stats (
                hall_id text NOT NULL, scope text NOT NULL, period text NOT NULL, key text NOT NULL,
                issued bigint NOT NULL, served bigint NOT NULL, no_shows bigint NOT NULL, transferred_out bigint NOT NULL,
                immediate bigint NOT NULL, promised bigint NOT NULL, joint bigint NOT NULL, reported bigint NOT NULL, replied bigint NOT NULL,
                r1 bigint NOT NULL, r2 bigint NOT NULL, r3 bigint NOT NULL, r4 bigint NOT NULL, r5 bigint NOT NULL,
                not_rated bigint NOT NULL, ignored_presses bigint NOT NULL,
                wait_sum double precision NOT NULL, wait_max double precision NOT NULL, wait_hist bigint[] NOT NULL,
                service_sum double precision NOT NULL, service_max double precision NOT NULL, service_hist bigint[] NOT NULL,
                PRIMARY KEY (hall_id, scope, period, key)
            )
            """,
            // Month rows ("2026-01") and day rows ("2026-01-05") side by side; reports read by length.
            "CREATE INDEX stats_period ON stats (scope, length(period), period)",
            """
            CREATE TABLE reason_stats (
                hall_id text NOT NULL, scope text NOT NULL, day text NOT NULL, key text NOT NULL, code text NOT NULL,
                level int NOT NULL, count bigint NOT NULL,
                PRIMARY KEY (hall_id, scope, day, key, code)
            )
            """,
            """
            CREATE TABLE cases (
                hall_id text NOT NULL, id text NOT NULL, number text NOT NULL, day text NOT NULL,
                window_no int, clerk text, category text, level int NOT NULL, opened_at_ms bigint NOT NULL, due_day text NOT NULL,
                state text NOT NULL, contacted_at_ms bigint, rectified_at_ms bigint, closed_at_ms bigint,
                PRIMARY KEY (hall_id, id)
            )
            """,
            "CREATE INDEX cases_day ON cases (day)",
            "CREATE TABLE hall_setups (hall_id text PRIMARY KEY, setup text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())",
        ]),
    ]

    public func migrate() async throws {
        try await client.withTransaction(logger: logger) { c in
            try await c.query("SELECT pg_advisory_xact_lock(4242017)", logger: logger)
            try await c.query("CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                              logger: logger)
            var applied = Set<String>()
            for try await v in try await c.query("SELECT version FROM schema_migrations", logger: logger).decode(String.self) { applied.insert(v) }
            for (version, statements) in Self.migrations where !applied.contains(version) {
                for sql in statements { try await c.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
                try await c.query("INSERT INTO schema_migrations (version) VALUES (\(version))", logger: logger)
                logger.notice("database migrated", metadata: ["version": "\(version)"])
            }
        }
    }

    public enum Outcome: Sendable, Equatable {
        /// The highest contiguous seq held for the hall.
        case acked(Int64)
        /// The batch starts after a gap: the seq the district expects next.
        case gap(expected: Int64)
        /// The row at `seq` does not carry the chain's hash (or its payload is not an event).
        case chainBroken(seq: Int64, acked: Int64)
    }

    /// Months whose partition this process has made or seen (a cache: making one again is harmless).
    private let partitions = PartitionCache()

    /// Makes the month partitions the days need, each under an advisory lock in its own short transaction
    /// (before the batch's, so no batch ever waits for another's DDL while holding a hall's head row).
    func ensurePartitions(days: Set<String>) async throws {
        let months = Set(days.map { String($0.prefix(7)) }).filter { $0.count == 7 && partitions.lacks($0) }
        for month in months.sorted() {
            guard let (from, to) = Self.monthBounds(month) else { continue }
            let table = "events_" + month.replacingOccurrences(of: "-", with: "_")
            // Year 9999's December has no next month that sorts after it as text: up to MAXVALUE.
            let upper = to.map { "'\($0)'" } ?? "MAXVALUE"
            try await client.withTransaction(logger: logger) { c in
                try await c.query("SELECT pg_advisory_xact_lock(4242018)", logger: logger)
                try await c.query(PostgresQuery(unsafeSQL: "CREATE TABLE IF NOT EXISTS \(table) PARTITION OF events FOR VALUES FROM ('\(from)') TO (\(upper))"),
                                  logger: logger)
            }
            partitions.add(month)
        }
    }

    /// "2026-12" → ("2026-12-01", "2027-01-01"); the upper bound nil for 9999-12 (no yyyy after it); nil
    /// unless yyyy-MM. Every day `WorkingCalendar.isDay` accepts has its month here, so no stored day lacks a partition.
    static func monthBounds(_ month: String) -> (String, String?)? {
        let p = month.split(separator: "-")
        guard month.count == 7, p.count == 2, let y = Int(p[0]), let m = Int(p[1]), (1...12).contains(m), (0...9999).contains(y) else { return nil }
        let next = m == 12 ? (y + 1, 1) : (y, m + 1)
        return (String(format: "%04d-%02d-01", y, m), next.0 > 9999 ? nil : String(format: "%04d-%02d-01", next.0, next.1))
    }

    /// Stores a batch of one hall's rows (any order; duplicates of held rows are skipped) and, in the same
    /// transaction, what they change in the projections. `hallLast` is the hall's own highest seq (for its
    /// lag), `setup` its report inputs.
    public func ingest(hall: String, events: [RawEvent], hallLast: Int64? = nil, setup: ReportSetup? = nil) async throws -> Outcome {
        // One row per seq (the first given): a batch repeating a seq with another payload must not pair
        // one row's bytes with the other's envelope.
        var seen = Set<Int64>()
        let sorted = events.filter { seen.insert($0.seq).inserted }.sorted { $0.seq < $1.seq }
        // Decoded before the transaction: nothing slow happens while the head row is locked.
        let decoder = EventCoding.decoder()
        var parsed: [Int64: Parsed] = [:]
        for e in sorted { parsed[e.seq] = Self.parse(e.payload, decoder: decoder) }
        let days = Set(parsed.values.map(\.day))
        try await ensurePartitions(days: days)
        let setupJSON = setup.flatMap { try? WireCoding.plainEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) }
        return try await client.withTransaction(logger: logger) { c in
            try await c.query("INSERT INTO hall_heads (hall_id) VALUES (\(hall)) ON CONFLICT (hall_id) DO NOTHING", logger: logger)
            var last: Int64 = 0
            var chainHex = ""
            for try await (s, h) in try await c.query("SELECT last_seq, chain FROM hall_heads WHERE hall_id = \(hall) FOR UPDATE",
                                                      logger: logger).decode((Int64, String).self) {
                last = s
                chainHex = h
            }
            if let setupJSON {
                try await c.query("""
                    INSERT INTO hall_setups (hall_id, setup) VALUES (\(hall), \(setupJSON))
                    ON CONFLICT (hall_id) DO UPDATE SET setup = excluded.setup, updated_at = now() WHERE hall_setups.setup <> excluded.setup
                    """, logger: logger)
            }
            let fresh = sorted.filter { $0.seq > last }
            guard let first = fresh.first else {
                try await c.query("UPDATE hall_heads SET hall_last_seq = \(hallLast), last_received_at = now() WHERE hall_id = \(hall)", logger: logger)
                return .acked(last)
            }
            guard first.seq == last + 1 else { return .gap(expected: last + 1) }
            var chain = last == 0 ? HashChain.genesis : Self.bytes(chainHex)
            var seqs: [Int64] = [], ats: [Int64] = [], dayColumn: [String] = [], kinds: [String] = [], payloads: [String] = [], hashes: [String] = []
            var projection = DistrictProjection()
            var expected = last + 1
            for e in fresh {
                guard e.seq == expected else { break }  // a hole inside the batch: keep what is contiguous
                chain = HashChain.link(chain, e.seq, e.payload)
                let link = HashChain.hex(chain)
                guard let p = parsed[e.seq], e.hash == nil || e.hash == link else {
                    return .chainBroken(seq: e.seq, acked: last)
                }
                if let record = p.record { projection.add(record) } else if p.projected { Self.unprojected.increment() }
                seqs.append(e.seq)
                ats.append(p.atMs)
                dayColumn.append(p.day)
                kinds.append(p.kind)
                payloads.append(e.payload)
                hashes.append(link)
                expected += 1
            }
            try await c.query("""
                INSERT INTO events (hall_id, seq, at_ms, day, kind, payload, hash)
                SELECT \(hall), * FROM UNNEST(\(seqs)::bigint[], \(ats)::bigint[], \(dayColumn)::text[], \(kinds)::text[], \(payloads)::text[], \(hashes)::text[])
                """, logger: logger)
            try await Self.write(projection, hall: hall, on: c, logger: logger)
            let newLast = seqs.last ?? last
            let lastAt = ats.last ?? 0
            let chainText = HashChain.hex(chain)
            let reported = max(hallLast ?? newLast, newLast)
            try await c.query("""
                UPDATE hall_heads SET last_seq = \(newLast), chain = \(chainText), last_event_at_ms = \(lastAt), last_received_at = now(),
                    hall_last_seq = \(reported)
                WHERE hall_id = \(hall)
                """, logger: logger)
            return .acked(newLast)
        }
    }

    static let unprojected = Counter(label: "counterd_district_events_unprojected_total")

    /// An event's envelope (what the events table needs) and, when the projections need it, the event.
    struct Parsed {
        var kind: String
        var day: String
        var atMs: Int64
        var record: EventRecord?
        /// Whether the projections need this kind (then a nil record is an event this version cannot read).
        var projected: Bool
    }

    static func parse(_ payload: String, decoder: JSONDecoder) -> Parsed? {
        // The envelope by a scan; the whole event decoded only when the projections need it (a third of
        // a hall's events do not: calls, sign-ins, devices, alerts).
        if let envelope = EnvelopeScanner.scan(payload), WorkingCalendar.isDay(envelope.day) {
            let record = DistrictProjection.projects(envelope.kind) ? try? decoder.decode(EventRecord.self, from: Data(payload.utf8)) : nil
            return Parsed(kind: envelope.kind, day: envelope.day, atMs: envelope.atMs, record: record,
                          projected: DistrictProjection.projects(envelope.kind))
        }
        if let r = try? decoder.decode(EventRecord.self, from: Data(payload.utf8)) {
            return Parsed(kind: r.kind.rawValue, day: r.day, atMs: EventCoding.ms(r.at), record: r, projected: true)
        }
        return nil
    }

    /// Adds a batch's projection: statistics and reasons by one upsert each, cases step by step.
    static func write(_ p: DistrictProjection, hall: String, on c: PostgresConnection, logger: Logger) async throws {
        if !p.stats.isEmpty {
            var scope: [String] = [], period: [String] = [], key: [String] = []
            var ints = [[Int64]](repeating: [], count: 16)
            var waitSum: [Double] = [], waitMax: [Double] = [], waitHist: [String] = [], serviceSum: [Double] = [], serviceMax: [Double] = [], serviceHist: [String] = []
            for (k, d) in p.stats {
                scope.append(k.scope.rawValue)
                period.append(k.day)
                key.append(k.key)
                let values = [d.issued, d.served, d.noShows, d.transferredOut] + d.outcomes + d.ratings + [d.notRated, d.ignoredPresses]
                for (i, v) in values.enumerated() { ints[i].append(Int64(v)) }
                waitSum.append(d.waitSum)
                waitMax.append(d.waitMax)
                waitHist.append(d.waitHistogram.counts.map(String.init).joined(separator: ","))
                serviceSum.append(d.serviceSum)
                serviceMax.append(d.serviceMax)
                serviceHist.append(d.serviceHistogram.counts.map(String.init).joined(separator: ","))
            }
            var binds = PostgresBindings()
            binds.append(hall)
            binds.append(scope)
            binds.append(period)
            binds.append(key)
            for column in ints { binds.append(column) }
            for column in [waitSum, waitMax] { binds.append(column) }
            binds.append(waitHist)
            for column in [serviceSum, serviceMax] { binds.append(column) }
            binds.append(serviceHist)
            try await c.query(PostgresQuery(unsafeSQL: Self.statsUpsert, binds: binds), logger: logger)
        }
        if !p.reasons.isEmpty {
            let tallies = Array(p.reasons)
            let scope = tallies.map { $0.key.scope.rawValue }, day = tallies.map(\.key.day), key = tallies.map(\.key.key)
            let code = tallies.map(\.key.code), level = tallies.map { Int64($0.key.level) }, count = tallies.map { Int64($0.value) }
            try await c.query("""
                INSERT INTO reason_stats (hall_id, scope, day, key, code, level, count)
                SELECT \(hall), * FROM UNNEST(\(scope)::text[], \(day)::text[], \(key)::text[], \(code)::text[], \(level)::int[], \(count)::bigint[])
                ON CONFLICT (hall_id, scope, day, key, code) DO UPDATE SET count = reason_stats.count + excluded.count
                """, logger: logger)
        }
        for step in p.cases {
            switch step {
            case let .opened(id, number, day, window, clerk, category, level, at, due):
                try await c.query("""
                    INSERT INTO cases (hall_id, id, number, day, window_no, clerk, category, level, opened_at_ms, due_day, state)
                    VALUES (\(hall), \(id), \(number), \(day), \(window), \(clerk), \(category), \(level), \(at), \(due), 'open')
                    ON CONFLICT (hall_id, id) DO NOTHING
                    """, logger: logger)
            case let .contacted(id, at):
                try await c.query("UPDATE cases SET state = 'contacted', contacted_at_ms = \(at) WHERE hall_id = \(hall) AND id = \(id)", logger: logger)
            case let .rectified(id, at):
                try await c.query("UPDATE cases SET state = 'rectified', rectified_at_ms = \(at) WHERE hall_id = \(hall) AND id = \(id)", logger: logger)
            case let .closed(id, at):
                try await c.query("UPDATE cases SET state = 'closed', closed_at_ms = \(at) WHERE hall_id = \(hall) AND id = \(id)", logger: logger)
            }
        }
    }

    static let statsColumns = """
        issued, served, no_shows, transferred_out, immediate, promised, joint, reported, replied,
        r1, r2, r3, r4, r5, not_rated, ignored_presses
        """

    /// Counters add, maxima take the larger, histograms add bucket by bucket: the same algebra as `DayStats.merge`.
    static let statsUpsert: String = {
        let counters = statsColumns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let casts = (5...20).map { "$\($0)::bigint[]" }.joined(separator: ", ")
        func merge(_ c: String) -> String {
            "\(c) = ARRAY(SELECT coalesce(a, 0) + coalesce(b, 0) FROM unnest(stats.\(c), excluded.\(c)) WITH ORDINALITY AS t(a, b, i) ORDER BY i)"
        }
        return """
            INSERT INTO stats (hall_id, scope, period, key, \(statsColumns), wait_sum, wait_max, wait_hist, service_sum, service_max, service_hist)
            SELECT $1, u.scope, u.period, u.key, \((0..<16).map { "u.c\($0)" }.joined(separator: ", ")),
                   u.ws, u.wm, string_to_array(u.wh, ',')::bigint[], u.ss, u.sm, string_to_array(u.sh, ',')::bigint[]
            FROM UNNEST($2::text[], $3::text[], $4::text[], \(casts), $21::float8[], $22::float8[], $23::text[], $24::float8[], $25::float8[], $26::text[])
                AS u(scope, period, key, \((0..<16).map { "c\($0)" }.joined(separator: ", ")), ws, wm, wh, ss, sm, sh)
            ON CONFLICT (hall_id, scope, period, key) DO UPDATE SET
                \(counters.map { "\($0) = stats.\($0) + excluded.\($0)" }.joined(separator: ", ")),
                wait_sum = stats.wait_sum + excluded.wait_sum, wait_max = greatest(stats.wait_max, excluded.wait_max),
                service_sum = stats.service_sum + excluded.service_sum, service_max = greatest(stats.service_max, excluded.service_max),
                \(merge("wait_hist")), \(merge("service_hist"))
            """
    }()

    /// Keeps a refused request for the district's administrator (outside any batch's transaction).
    public func refuse(hall: String?, reason: String, detail: String) async {
        do {
            try await client.query("INSERT INTO refusals (hall_id, reason, detail) VALUES (\(hall), \(reason), \(detail))", logger: logger)
        } catch {
            logger.error("cannot record a refusal: \(error)")
        }
    }

    /// Each hall's head: the highest contiguous seq held, the last event's time, the last delivery.
    public struct Head: Codable, Sendable, Equatable {
        public var hallId: String
        public var lastSeq: Int64
        public var lastEventAtMs: Int64?
        public var lastReceivedAt: Date?
        public var hallLastSeq: Int64?
    }

    public func heads() async throws -> [Head] {
        var out: [Head] = []
        let rows = try await client.query("SELECT hall_id, last_seq, last_event_at_ms, last_received_at, hall_last_seq FROM hall_heads ORDER BY hall_id",
                                          logger: logger)
        for try await (id, seq, at, received, hallLast) in rows.decode((String, Int64, Int64?, Date?, Int64?).self) {
            out.append(Head(hallId: id, lastSeq: seq, lastEventAtMs: at, lastReceivedAt: received, hallLastSeq: hallLast))
        }
        return out
    }

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex, let j = hex.index(i, offsetBy: 2, limitedBy: hex.endIndex), let b = UInt8(hex[i..<j], radix: 16) {
            out.append(b)
            i = j
        }
        return out.count == 32 ? out : HashChain.genesis
    }
}

/// The months whose partitions exist, as far as this process knows.
final class PartitionCache: Sendable {
    private let months = Mutex(Set<String>())
    func lacks(_ month: String) -> Bool { months.withLock { !$0.contains(month) } }
    func add(_ month: String) { _ = months.withLock { $0.insert(month) } }
}
