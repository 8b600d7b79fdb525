import GRDB
import HallModel

/// Schema migrations. Each is frozen once shipped: change the schema only by adding a new one.
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
            // Roll up what day_stats already holds, histograms included.
            var months: [StatsKey: DayStats] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT scope, day, key, \(StatsTable.valueColumns) FROM day_stats")
            while let row = try rows.next() {
                let scope = StatsScope(rawValue: row[0]) ?? .window
                let day: String = row[1]
                let key = StatsKey(scope: scope, key: row[2], day: String(day.prefix(7)))
                try StatsTable.accumulate(&months[key, default: DayStats()], row: row, offset: 3)
            }
            for (key, stats) in months {
                try StatsTable.month.save(db, scope: key.scope.rawValue, period: key.day, key: key.key, stats)
            }
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
        return m
    }
}
