import Foundation
import HallModel
import Logging
import PostgresNIO
import Store

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

    /// Stores a batch of one hall's rows (any order; duplicates of held rows are skipped).
    public func ingest(hall: String, events: [RawEvent]) async throws -> Outcome {
        let sorted = events.sorted { $0.seq < $1.seq }
        return try await client.withTransaction(logger: logger) { c in
            try await c.query("INSERT INTO hall_heads (hall_id) VALUES (\(hall)) ON CONFLICT (hall_id) DO NOTHING", logger: logger)
            var last: Int64 = 0
            var chainHex = ""
            for try await (s, h) in try await c.query("SELECT last_seq, chain FROM hall_heads WHERE hall_id = \(hall) FOR UPDATE",
                                                      logger: logger).decode((Int64, String).self) {
                last = s
                chainHex = h
            }
            let fresh = sorted.filter { $0.seq > last }
            guard let first = fresh.first else { return .acked(last) }
            guard first.seq == last + 1 else { return .gap(expected: last + 1) }
            var chain = last == 0 ? HashChain.genesis : Self.bytes(chainHex)
            var seqs: [Int64] = [], ats: [Int64] = [], days: [String] = [], kinds: [String] = [], payloads: [String] = [], hashes: [String] = []
            var expected = last + 1
            for e in fresh {
                guard e.seq == expected else { break }  // a hole inside the batch: keep what is contiguous
                chain = HashChain.link(chain, e.seq, e.payload)
                let envelope = (try? JSONSerialization.jsonObject(with: Data(e.payload.utf8))) as? [String: Any]
                guard let kind = envelope?["kind"] as? String, let day = envelope?["day"] as? String, let at = (envelope?["at"] as? NSNumber)?.int64Value,
                      e.hash == nil || e.hash == HashChain.hex(chain) else {
                    return .chainBroken(seq: e.seq, acked: last)
                }
                seqs.append(e.seq)
                ats.append(at)
                days.append(day)
                kinds.append(kind)
                payloads.append(e.payload)
                hashes.append(HashChain.hex(chain))
                expected += 1
            }
            try await c.query("""
                INSERT INTO events (hall_id, seq, at_ms, day, kind, payload, hash)
                SELECT \(hall), * FROM UNNEST(\(seqs)::bigint[], \(ats)::bigint[], \(days)::text[], \(kinds)::text[], \(payloads)::text[], \(hashes)::text[])
                """, logger: logger)
            let newLast = seqs.last ?? last
            let lastAt = ats.last ?? 0
            let chainText = HashChain.hex(chain)
            try await c.query("""
                UPDATE hall_heads SET last_seq = \(newLast), chain = \(chainText), last_event_at_ms = \(lastAt), last_received_at = now()
                WHERE hall_id = \(hall)
                """, logger: logger)
            return .acked(newLast)
        }
    }

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
    }

    public func heads() async throws -> [Head] {
        var out: [Head] = []
        let rows = try await client.query("SELECT hall_id, last_seq, last_event_at_ms, last_received_at FROM hall_heads ORDER BY hall_id", logger: logger)
        for try await (id, seq, at, received) in rows.decode((String, Int64, Int64?, Date?).self) {
            out.append(Head(hallId: id, lastSeq: seq, lastEventAtMs: at, lastReceivedAt: received))
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
