import Crypto
import Foundation
import GRDB
import HallModel

/// Schema migrations. Each is frozen once shipped: change the schema only by adding a new one, and a
/// migration calls no code that may change later (its helpers are its own, as `V2MonthRollup`).
enum Migrations {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-event-log") { db in
            try db.execute(sql: """
                CREATE TABLE events (
                    seq INTEGER PRIMARY KEY,
                    at_ms INTEGER NOT NULL,
                    day TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    ticket TEXT,
                    window_no INTEGER,
                    clerk TEXT,
                    category TEXT,
                    payload TEXT NOT NULL
                );
                CREATE INDEX events_kind_seq ON events(kind, seq);
                CREATE INDEX events_ticket ON events(ticket) WHERE ticket IS NOT NULL;
                -- The log is append-only: refuse edits at the database level too.
                CREATE TRIGGER events_no_update BEFORE UPDATE ON events
                    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                CREATE TRIGGER events_no_delete BEFORE DELETE ON events
                    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
                """)
        }
        m.registerMigration("v1-projections") { db in
            try db.execute(sql: """
                CREATE TABLE tickets (
                    id TEXT PRIMARY KEY NOT NULL,
                    day TEXT NOT NULL,
                    number TEXT NOT NULL,
                    category TEXT NOT NULL,
                    priority INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    issued_at_ms INTEGER NOT NULL,
                    called_at_ms INTEGER,
                    finished_at_ms INTEGER,
                    window_no INTEGER,
                    clerk TEXT,
                    outcome TEXT,
                    wait_seconds REAL,
                    service_seconds REAL,
                    recalls INTEGER NOT NULL DEFAULT 0,
                    transfers INTEGER NOT NULL DEFAULT 0,
                    rating_state TEXT,
                    rating INTEGER,
                    rated_at_ms INTEGER
                ) WITHOUT ROWID;
                CREATE INDEX tickets_day ON tickets(day);
                CREATE TABLE day_stats (
                    scope TEXT NOT NULL,
                    day TEXT NOT NULL,
                    key TEXT NOT NULL,
                    issued INTEGER NOT NULL, served INTEGER NOT NULL, no_shows INTEGER NOT NULL,
                    transferred_out INTEGER NOT NULL,
                    immediate INTEGER NOT NULL, promised INTEGER NOT NULL, joint INTEGER NOT NULL,
                    reported INTEGER NOT NULL, replied INTEGER NOT NULL,
                    r1 INTEGER NOT NULL, r2 INTEGER NOT NULL, r3 INTEGER NOT NULL, r4 INTEGER NOT NULL, r5 INTEGER NOT NULL,
                    not_rated INTEGER NOT NULL, ignored_presses INTEGER NOT NULL,
                    wait_sum REAL NOT NULL, wait_max REAL NOT NULL, wait_hist BLOB NOT NULL,
                    service_sum REAL NOT NULL, service_max REAL NOT NULL, service_hist BLOB NOT NULL,
                    PRIMARY KEY (scope, day, key)
                ) WITHOUT ROWID;
                """)
        }
        m.registerMigration("v2-month-stats") { db in
            // Monthly rollup of day_stats, so a year's report reads ~12 rows per key, not ~365.
            // A rowid table: its rows (two ~570-byte histograms) are too big for a WITHOUT ROWID b-tree
            // page and would spill into overflow pages.
            try db.execute(sql: """
                CREATE TABLE month_stats (
                    scope TEXT NOT NULL,
                    day TEXT NOT NULL,
                    key TEXT NOT NULL,
                    issued INTEGER NOT NULL, served INTEGER NOT NULL, no_shows INTEGER NOT NULL,
                    transferred_out INTEGER NOT NULL,
                    immediate INTEGER NOT NULL, promised INTEGER NOT NULL, joint INTEGER NOT NULL,
                    reported INTEGER NOT NULL, replied INTEGER NOT NULL,
                    r1 INTEGER NOT NULL, r2 INTEGER NOT NULL, r3 INTEGER NOT NULL, r4 INTEGER NOT NULL, r5 INTEGER NOT NULL,
                    not_rated INTEGER NOT NULL, ignored_presses INTEGER NOT NULL,
                    wait_sum REAL NOT NULL, wait_max REAL NOT NULL, wait_hist BLOB NOT NULL,
                    service_sum REAL NOT NULL, service_max REAL NOT NULL, service_hist BLOB NOT NULL
                );
                CREATE UNIQUE INDEX month_stats_key ON month_stats(scope, day, key);
                """)
            // Roll up what day_stats already holds, histograms included, with this migration's own code.
            try V2MonthRollup.run(db)
        }
        m.registerMigration("v3-secrets") { db in
            // Keys counterd makes for itself (the QR rating links' HMAC key): kept with the data they
            // protect, so a restored backup still accepts the links printed before it.
            try db.execute(sql: "CREATE TABLE secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL)")
        }
        m.registerMigration("v4-cases") { db in
            // 差评 follow-up cases: a projection of the case_* events (one row per rated ticket).
            try db.execute(sql: """
                CREATE TABLE cases (
                    id TEXT PRIMARY KEY,
                    number TEXT NOT NULL,
                    day TEXT NOT NULL,
                    window_no INTEGER,
                    clerk TEXT,
                    category TEXT,
                    level INTEGER NOT NULL,
                    opened_at_ms INTEGER NOT NULL,
                    due_day TEXT NOT NULL,
                    state TEXT NOT NULL,
                    contacted_at_ms INTEGER, contacted_by TEXT, contact_method TEXT, citizen_said TEXT,
                    rectified_at_ms INTEGER, rectified_by TEXT, rectify_note TEXT,
                    closed_at_ms INTEGER, closed_by TEXT, close_note TEXT
                );
                CREATE INDEX cases_day ON cases(day);
                """)
        }
        m.registerMigration("v5-hash-chain") { db in
            // Each row's hash = SHA-256(previous row's hash ‖ seq ‖ payload), written with the row. Rows kept
            // before this step get none: an anchor event carries the chain's value over them.
            try db.execute(sql: "ALTER TABLE events ADD COLUMN hash BLOB")
            try V5ChainAnchor.run(db, now: Date())
        }
        m.registerMigration("v6-case-verdict") { db in
            try db.execute(sql: "ALTER TABLE cases ADD COLUMN citizen_verdict TEXT")
        }
        m.registerMigration("v7-reason-stats") { db in
            // Ratings per 评价指标 code, per window, clerk and category and served day. Empty at creation:
            // no log before this release carries reasons (they came with v6's release).
            try db.execute(sql: """
                CREATE TABLE reason_stats (
                    scope TEXT NOT NULL, day TEXT NOT NULL, key TEXT NOT NULL, code TEXT NOT NULL,
                    level INTEGER NOT NULL, count INTEGER NOT NULL,
                    PRIMARY KEY (scope, day, key, code)
                )
                """)
        }
        m.registerMigration("v8-platform-outbox") { db in
            // What goes to the provincial 好差评 platform: one row per rating, reasons attachment and 差评 case
            // step, written in the transaction of its event; `id` is the delivery order. Not a projection:
            // it holds each record's delivery state and is never rebuilt. Empty at creation: ratings given
            // before this release are exported by hand (`counterctl export haocaiping`), not pushed.
            try db.execute(sql: """
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY,
                    seq INTEGER NOT NULL UNIQUE,
                    kind TEXT NOT NULL,
                    ticket TEXT NOT NULL,
                    day TEXT NOT NULL,
                    created_at_ms INTEGER NOT NULL,
                    not_before_ms INTEGER NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending',
                    attempts INTEGER NOT NULL DEFAULT 0,
                    last_attempt_ms INTEGER,
                    next_attempt_ms INTEGER,
                    last_status INTEGER,
                    last_answer TEXT,
                    done_at_ms INTEGER,
                    merged_into INTEGER
                );
                CREATE INDEX outbox_state ON outbox(state, id);
                ALTER TABLE tickets ADD COLUMN project_no TEXT;
                """)
        }
        m.registerMigration("v9-ship-cursor") { db in
            // How far upstream services (the district) acknowledged the log: the highest contiguous seq each holds.
            try db.execute(sql: """
                CREATE TABLE ship_cursor (
                    name TEXT PRIMARY KEY NOT NULL,
                    seq INTEGER NOT NULL,
                    updated_at_ms INTEGER NOT NULL
                )
                """)
        }
        m.registerMigration("v10-ticket-details") { db in
            // What a ticket was taken with: its 绿色通道 reason, its appointment, and the wait the kiosk promised.
            try db.execute(sql: """
                ALTER TABLE tickets ADD COLUMN priority_reason TEXT;
                ALTER TABLE tickets ADD COLUMN appointment TEXT;
                ALTER TABLE tickets ADD COLUMN estimated_wait_seconds REAL;
                """)
        }
        m.registerMigration("v11-rating-details") { db in
            // What the citizen said with a rating (reasons, comment, callback phone), beside the ticket and on its
            // 差评 case, so the case handler sees whom to call; and the case's assignment. Filled from the log with
            // SQLite's own JSON functions (frozen SQL: no Swift code that may change later).
            try db.execute(sql: """
                ALTER TABLE tickets ADD COLUMN rating_reasons TEXT;
                ALTER TABLE tickets ADD COLUMN rating_comment TEXT;
                ALTER TABLE tickets ADD COLUMN rating_phone TEXT;
                ALTER TABLE cases ADD COLUMN reasons TEXT;
                ALTER TABLE cases ADD COLUMN comment TEXT;
                ALTER TABLE cases ADD COLUMN phone TEXT;
                ALTER TABLE cases ADD COLUMN assignee TEXT;
                ALTER TABLE cases ADD COLUMN assignee_due_day TEXT;
                ALTER TABLE cases ADD COLUMN assigned_by TEXT;
                ALTER TABLE cases ADD COLUMN assigned_at_ms INTEGER;
                UPDATE tickets SET
                    rating_reasons = (SELECT group_concat(j.value, ',') FROM events e, json_each(e.payload, '$.reasons') j
                                      WHERE e.ticket = tickets.id AND e.kind IN ('ticket_rated', 'rating_reasons_added')),
                    rating_comment = (SELECT json_extract(e.payload, '$.comment') FROM events e
                                      WHERE e.ticket = tickets.id AND e.kind IN ('ticket_rated', 'rating_reasons_added')
                                        AND json_extract(e.payload, '$.comment') IS NOT NULL ORDER BY e.seq DESC LIMIT 1),
                    rating_phone = (SELECT json_extract(e.payload, '$.phone') FROM events e
                                    WHERE e.ticket = tickets.id AND e.kind IN ('ticket_rated', 'rating_reasons_added')
                                      AND json_extract(e.payload, '$.phone') IS NOT NULL ORDER BY e.seq DESC LIMIT 1)
                WHERE rating_state = 'rated';
                UPDATE cases SET
                    reasons = (SELECT rating_reasons FROM tickets WHERE tickets.id = cases.id),
                    comment = (SELECT rating_comment FROM tickets WHERE tickets.id = cases.id),
                    phone = (SELECT rating_phone FROM tickets WHERE tickets.id = cases.id);
                """)
        }
        return m
    }
}

/// v5-hash-chain's anchor, as written in 2026-12: its own copy of the chain step and of the anchor event's
/// JSON, so later changes to the event coding cannot change what this migration does.
enum V5ChainAnchor {
    static func link(_ previous: [UInt8], _ seq: Int64, _ payload: String) -> [UInt8] {
        var h = SHA256()
        h.update(data: previous)
        h.update(data: (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: seq) >> (56 - 8 * $0)) })
        h.update(data: Array(payload.utf8))
        return Array(h.finalize())
    }

    static func run(_ db: Database, now: Date) throws {
        var chain = [UInt8](repeating: 0, count: 32)
        var last: (seq: Int64, day: String)?
        let rows = try Row.fetchCursor(db, sql: "SELECT seq, day, payload FROM events ORDER BY seq")
        while let row = try rows.next() {
            let seq: Int64 = row[0]
            chain = link(chain, seq, row[2])
            last = (seq, row[1])
        }
        guard let last else { return }  // a new log: the chain starts at its first event
        let seq = last.seq + 1
        let ms = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
        let digest = chain.map { String(format: "%02x", $0) }.joined()
        let payload = #"{"at":\#(ms),"coversSeq":\#(last.seq),"day":"\#(last.day)","digest":"\#(digest)","kind":"chain_anchored","source":"migration"}"#
        try db.execute(sql: "INSERT INTO events (seq, at_ms, day, kind, payload, hash) VALUES (?, ?, ?, 'chain_anchored', ?, ?)",
                       arguments: [seq, ms, last.day, payload, Data(link(chain, seq, payload))])
    }
}

/// v2-month-stats' rollup of day_stats into month_stats, as it was written in 2026-11: its own copy of the
/// column list and of the histogram sum (little-endian UInt32 counts), so later changes to the stats code
/// cannot change what this migration does.
enum V2MonthRollup {
    static func run(_ db: Database) throws {
        let counters = ["issued", "served", "no_shows", "transferred_out", "immediate", "promised", "joint", "reported",
                        "replied", "r1", "r2", "r3", "r4", "r5", "not_rated", "ignored_presses"]
        struct Totals {
            var counts = [Int64](repeating: 0, count: 16)
            var waitSum = 0.0, waitMax = 0.0, serviceSum = 0.0, serviceMax = 0.0
            var waitHist: [UInt32] = [], serviceHist: [UInt32] = []
        }
        func add(_ hist: inout [UInt32], _ blob: Data?) {
            guard let blob else { return }
            let n = blob.count / 4
            if hist.count < n { hist += [UInt32](repeating: 0, count: n - hist.count) }
            for i in 0..<n {
                let b = blob.index(blob.startIndex, offsetBy: i * 4)
                let v = UInt32(blob[b]) | UInt32(blob[b + 1]) << 8 | UInt32(blob[b + 2]) << 16 | UInt32(blob[b + 3]) << 24
                hist[i] &+= v
            }
        }
        func bytes(_ hist: [UInt32]) -> Data {
            Data(hist.flatMap { v in [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] })
        }
        var months: [[String]: Totals] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT scope, substr(day, 1, 7), key, \(counters.joined(separator: ", ")),
                   wait_sum, wait_max, wait_hist, service_sum, service_max, service_hist FROM day_stats
            """)
        while let row = try rows.next() {
            let id: [String] = [row[0], row[1], row[2]]
            var t = months[id, default: Totals()]
            for i in 0..<16 { t.counts[i] += row[3 + i] as Int64 }
            t.waitSum += row[19] as Double
            t.waitMax = max(t.waitMax, row[20] as Double)
            add(&t.waitHist, row[21])
            t.serviceSum += row[22] as Double
            t.serviceMax = max(t.serviceMax, row[23] as Double)
            add(&t.serviceHist, row[24])
            months[id] = t
        }
        for (id, t) in months {
            var values: [(any DatabaseValueConvertible)?] = id
            values += t.counts.map { $0 }
            values += [t.waitSum, t.waitMax, bytes(t.waitHist), t.serviceSum, t.serviceMax, bytes(t.serviceHist)]
            try db.execute(sql: """
                INSERT OR REPLACE INTO month_stats (scope, day, key, \(counters.joined(separator: ", ")),
                    wait_sum, wait_max, wait_hist, service_sum, service_max, service_hist)
                VALUES (\(Array(repeating: "?", count: 25).joined(separator: ", ")))
                """, arguments: StatementArguments(values))
        }
    }
}
