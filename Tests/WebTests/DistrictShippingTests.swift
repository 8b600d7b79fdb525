import Access
import Foundation
import HallModel
import Synchronization
import PostgresHarness
import LogFormat
import Store
import TestSupport
import Testing

/// Real halls (counterd processes with their SQLite files) shipping to the real district service on a
/// private PostgreSQL, through faults: SIGKILL of a hall and of the district mid-stream, PostgreSQL
/// restarted. After each, every (hall, seq) is in PostgreSQL once, with the hall's own hash. Two district
/// replicas on one database get the same batches at once: still once. Wrong tokens, gaps and a broken
/// chain are refused and kept.
@Suite(.serialized) struct DistrictShippingTests {
    static let repo = DaemonTests.repo

    /// Starts counterd-district; returns it and its port.
    static func district(config: URL) async throws -> (Process, Int) {
        let p = Process()
        p.executableURL = Daemon.bin.appendingPathComponent("counterd-district")
        p.arguments = ["--config", config.path, "--listen", "127.0.0.1:0", "--log-level", ProcessInfo.processInfo.environment["DISTRICT_LOG_LEVEL"] ?? "notice"]
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        let log = DaemonLog()
        let port = try await offload { () -> Int in
            while true {
                let chunk = err.fileHandleForReading.availableData
                if chunk.isEmpty {
                    // It ended before it listened: its log is the post-mortem.
                    let path = DaemonTests.repo.appendingPathComponent(".build/test-artifacts/district-\(p.processIdentifier).log").path
                    _ = FileManager.default.createFile(atPath: path, contents: Data(log.all.utf8))
                    return 0
                }
                let text = log.append(chunk)
                if let r = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                    let handle = err.fileHandleForReading
                    // The rest of its log goes to .build/test-artifacts/district-PID.log, for a failure's post-mortem.
                    let path = DaemonTests.repo.appendingPathComponent(".build/test-artifacts/district-\(p.processIdentifier).log").path
                    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
                    let file = FileHandle(forWritingAtPath: path)
                    Thread.detachNewThread {
                        while true {
                            let more = handle.availableData
                            if more.isEmpty { break }
                            file?.seekToEndOfFile()
                            file?.write(more)
                        }
                    }
                    return Int(text[r].split(separator: ":").last ?? "") ?? 0
                }
            }
        }
        return (p, port)
    }

    static func hall(config: URL, dir: URL) async throws -> (Process, Int) {
        try await Daemon.start(["--config", config.path, "--database", dir.appendingPathComponent("hall.sqlite").path,
                                "--runtime-dir", dir.appendingPathComponent("run").path, "--listen", "127.0.0.1:0", "--no-udev", "--log-level", "notice"])
    }

    /// counterd-district's config on `pg` for `halls` (tokens "token-of-ID", manager token "t-district").
    static func districtToml(_ pg: PrivatePostgres, halls: [(id: String, name: String, level: String, parent: String)], extra: String = "") -> String {
        var toml = "[database]\nsocket_dir = \"\(pg.socketDirectory)\"\nport = \(pg.port)\nuser = \"postgres\"\nname = \"district\"\n" + extra
        for h in halls {
            toml += "[[halls]]\nid = \"\(h.id)\"\nname = \"\(h.name)\"\nlevel = \"\(h.level)\"\nparent = \"\(h.parent)\"\n"
                + "token_sha256 = \"\(AccessControl.hash("token-of-\(h.id)"))\"\n"
        }
        return toml + "[[tokens]]\nrole = \"manager\"\nsha256 = \"\(AccessControl.hash("t-district"))\"\n"
    }

    /// A hall's directory under `dir` with its district token file; returns the directory and the `[district]`
    /// section that ships to `port` (fast retries for the tests).
    static func hallDir(_ dir: URL, id: String, port: Int, batch: Int, heartbeat: Double = 30) throws -> (URL, String) {
        let hdir = dir.appendingPathComponent(id)
        try FileManager.default.createDirectory(at: hdir, withIntermediateDirectories: true)
        let tokenFile = hdir.appendingPathComponent("district-token")
        try "token-of-\(id)".write(to: tokenFile, atomically: true, encoding: .utf8)
        return (hdir, """
            [district]
            url = "http://127.0.0.1:\(port)"
            hall_id = "\(id)"
            token_file = "\(tokenFile.path)"
            batch_size = \(batch)
            heartbeat_seconds = \(heartbeat)
            retry_first_seconds = 0.05
            retry_max_seconds = 0.3

            """)
    }

    /// A SQL string literal.
    static func sqlString(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

    /// Set when a background task has ended.
    final class Done: Sendable {
        private let flag = Mutex(false)
        func set() { flag.withLock { $0 = true } }
        var value: Bool { flag.withLock { $0 } }
    }

    static func serve(_ port: Int, times: Int) async throws {
        for i in 0..<times {
            #expect(try await RawHTTP.request(port: port, "POST", "/api/tickets", token: "t-kiosk", json: #"{"category":"a"}"#).status == 201)
            #expect(try await RawHTTP.request(port: port, "POST", "/api/windows/1/call-next", token: "t-w1", json: "{}").status == 200)
            #expect(try await RawHTTP.request(port: port, "POST", "/api/windows/1/finish", token: "t-w1", json: #"{"outcome":"immediate"}"#).status == 200)
            let level = i % 5 == 0 ? #"{"level":2,"reasons":["213"]}"# : #"{"level":5}"#
            #expect(try await RawHTTP.request(port: port, "POST", "/api/windows/1/rating", token: "t-w1", json: level).status == 201)
        }
    }

    @Test(.timeLimit(.minutes(3))) func hallsShipExactlyOnceThroughFaults() async throws {
        guard let pg = try await PrivatePostgres.start() else {
            Issue.record("PostgreSQL 15 is not installed: `make test` installs it (Debian's postgresql)")
            return
        }
        defer { pg.stop() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("district-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let tokens = ["h1": "token-of-h1", "h2": "token-of-h2", "h3": "token-of-h3"]
        let districtConfig = dir.appendingPathComponent("district.toml")
        try Self.districtToml(pg, halls: [("h1", "大厅h1", "street", "qu"), ("h2", "大厅h2", "community", "h1"), ("h3", "大厅h3", "community", "h1")])
            .write(to: districtConfig, atomically: true, encoding: .utf8)
        var (district, dport) = try await Self.district(config: districtConfig)
        defer { if district.isRunning { kill(district.processIdentifier, SIGKILL) } }
        try #require(dport > 0, "counterd-district did not start")

        var halls: [(id: String, dir: URL, config: URL, process: Process, port: Int)] = []
        for id in ["h1", "h2"] {
            let (hdir, section) = try Self.hallDir(dir, id: id, port: dport, batch: 7)
            let config = hdir.appendingPathComponent("counterd.toml")
            try TestHall.toml(name: "大厅\(id)", tokens: ["t-w1", "t-kiosk", "t-manager"], extra: section).write(to: config, atomically: true, encoding: .utf8)
            let (p, port) = try await Self.hall(config: config, dir: hdir)
            try #require(port > 0)
            #expect(try await RawHTTP.request(port: port, "POST", "/api/windows/1/sign-in", token: "t-w1", json: #"{"clerk":"c1"}"#).status == 200)
            halls.append((id, hdir, config, p, port))
        }
        defer { for h in halls where h.process.isRunning { kill(h.process.processIdentifier, SIGKILL) } }

        try await Self.serve(halls[0].port, times: 6)
        try await Self.serve(halls[1].port, times: 6)
        // SIGKILL of a hall while it ships; it comes back and goes on from its cursor.
        kill(halls[0].process.processIdentifier, SIGKILL)
        halls[0].process.waitUntilExit()
        let (h1, p1) = try await Self.hall(config: halls[0].config, dir: halls[0].dir)
        halls[0].process = h1
        halls[0].port = p1
        try await Self.serve(p1, times: 4)
        // SIGKILL of the district inside a transaction: hall 1 keeps serving (and shipping batches) while
        // PostgreSQL is watched for the district's backend in the middle of one; then the kill. The halls
        // keep working and retry; the rolled-back batch is sent again.
        let done = Done()
        let port0 = halls[0].port
        let traffic = Task {
            defer { done.set() }
            try await Self.serve(port0, times: 30)
        }
        var caught = false
        while !caught, !done.value {
            let busy = (try? await pg.query("""
                SELECT count(*) FROM pg_stat_activity WHERE datname = 'district' AND pid <> pg_backend_pid()
                AND (state = 'idle in transaction' OR (state = 'active' AND query NOT ILIKE '%pg_stat_activity%'))
                """)) ?? []
            if Int(busy.first?.first ?? "") ?? 0 > 0 {
                kill(district.processIdentifier, SIGKILL)
                caught = true
            }
        }
        if !caught { kill(district.processIdentifier, SIGKILL) }
        try await traffic.value
        #expect(caught, "the district was never seen inside a transaction while hall 1 shipped")
        district.waitUntilExit()
        try await Self.serve(halls[1].port, times: 4)
        (district, dport) = try await Self.district(config: districtConfig)
        try #require(dport > 0)
        // The district came back on another port (the test binds port 0): the halls are pointed at it and restarted.
        for h in halls {
            var text = try String(contentsOf: h.config, encoding: .utf8)
            text = text.replacingOccurrences(of: #"url = "http://127\.0\.0\.1:\d+""#, with: "url = \"http://127.0.0.1:\(dport)\"", options: .regularExpression)
            try text.write(to: h.config, atomically: true, encoding: .utf8)
        }
        for i in halls.indices {
            kill(halls[i].process.processIdentifier, SIGTERM)
            halls[i].process.waitUntilExit()
            let (p, port) = try await Self.hall(config: halls[i].config, dir: halls[i].dir)
            halls[i].process = p
            halls[i].port = port
        }
        // PostgreSQL restarted under the district: its pool reconnects, the halls retry.
        try await pg.restart()
        try await Self.serve(halls[0].port, times: 3)

        for h in halls {
            let store = try EventStore.readOnly(path: h.dir.appendingPathComponent("hall.sqlite").path)
            let last = try store.lastSeq()
            let shipped = await eventually(30) {
                (try? await pg.query("SELECT count(*), coalesce(max(seq), 0) FROM events WHERE hall_id = '\(h.id)'")) == [[String(last), String(last)]]
            }
            let held = (try? await pg.query("SELECT count(*), max(seq) FROM events WHERE hall_id = '\(h.id)'")) ?? []
            #expect(shipped, "hall \(h.id): the district does not hold 1…\(last): \(held)")
            let local = try store.rawEvents(after: 0, limit: 100_000)
            let remote = try await pg.query("SELECT seq, hash, payload FROM events WHERE hall_id = '\(h.id)' ORDER BY seq")
            #expect(remote.count == local.count)
            #expect(zip(local, remote).allSatisfy { l, r in String(l.seq) == r[0] && l.hash == r[1] && l.payload == r[2] },
                    "hall \(h.id): a row differs from the hall's own")
            let shown = await eventually(8) {
                let status = try? await Command.run(CounterctlTests.counterctl, ["status", "--config", h.config.path, "--runtime-dir",
                                                                                 h.dir.appendingPathComponent("run").path])
                return status?.out.contains("as \(h.id): acknowledged \(last)/\(last) (lag 0 events") == true
            }
            #expect(shown, "counterctl status does not show hall \(h.id)'s shipping")
        }

        // Two replicas on one database, the same batches at once (h3, with h1's real log): each row once.
        let (replica, rport) = try await Self.district(config: districtConfig)
        defer { if replica.isRunning { kill(replica.processIdentifier, SIGKILL) } }
        let log = try EventStore.readOnly(path: halls[0].dir.appendingPathComponent("hall.sqlite").path).rawEvents(after: 0, limit: 100_000)
        let encoder = JSONEncoder()
        let first = dport, h3 = tokens["h3"]
        // A batch that repeats seq 1 with another row's payload and hash: the first given is kept, whole.
        struct Rows: Encodable { var events: [RawEvent] }
        let doubled = try await RawHTTP.request(port: first, "POST", "/api/v1/halls/h3/events", token: h3, body: Array(try encoder.encode(Rows(events: [
            log[0], RawEvent(seq: log[0].seq, payload: log[1].payload, hash: log[1].hash)]))))
        #expect(doubled.status == 200 && doubled.json["acked"] as? Int == 1, "\(doubled.text)")
        let kind0 = try #require(EnvelopeScanner.scan(log[0].payload)?.kind), kind1 = EnvelopeScanner.scan(log[1].payload)?.kind
        try #require(kind0 != kind1, "the fixture's first two rows should differ in kind")
        #expect(try await pg.query("SELECT payload = \(Self.sqlString(log[0].payload)), kind FROM events WHERE hall_id = 'h3' AND seq = 1") == [["t", kind0]])
        for start in stride(from: 0, to: log.count, by: 5) {
            let batch = Array(log[start..<min(log.count, start + 9)])  // overlapping batches
            struct Body: Encodable { var events: [RawEvent] }
            let body = Array(try encoder.encode(Body(events: batch)))
            async let a = RawHTTP.request(port: first, "POST", "/api/v1/halls/h3/events", token: h3, body: body)
            async let b = RawHTTP.request(port: rport, "POST", "/api/v1/halls/h3/events", token: h3, body: body)
            let (ra, rb) = try await (a, b)
            #expect([ra.status, rb.status].allSatisfy { $0 == 200 } , "\(ra.text) \(rb.text)")
        }
        #expect(try await pg.query("SELECT count(*), count(DISTINCT seq), max(seq) FROM events WHERE hall_id = 'h3'") == [[String(log.count), String(log.count), String(log.count)]])

        // Refusals: another hall's token, a gap, a broken chain — refused, kept, nothing stored.
        func post(_ hall: String, _ token: String, _ events: [RawEvent]) async throws -> HTTPResult {
            struct Body: Encodable { var events: [RawEvent] }
            return try await RawHTTP.request(port: dport, "POST", "/api/v1/halls/\(hall)/events", token: token, body: Array(try encoder.encode(Body(events: events))))
        }
        let wrong = try await post("h1", tokens["h2"]!, [])
        #expect(wrong.status == 403 && wrong.errorCode == "wrong_token", "\(wrong.text)")
        let gap = try await post("h3", tokens["h3"]!, [RawEvent(seq: Int64(log.count + 5), payload: log[0].payload, hash: log[0].hash)])
        #expect(gap.status == 409 && gap.errorCode == "gap" && (gap.json["error"] as? [String: Any])?["expected"] as? Int == log.count + 1, "\(gap.text)")
        let held = try await pg.query("SELECT count(*) FROM events WHERE hall_id = 'h2'")
        // A row past h2's head that repeats its last row (payload and hash): its link cannot match.
        let h2log = try EventStore.readOnly(path: halls[1].dir.appendingPathComponent("hall.sqlite").path).rawEvents(after: 0, limit: 100_000)
        let broken = [RawEvent(seq: h2log.last!.seq + 1, payload: h2log.last!.payload, hash: h2log.last!.hash)]
        let refused = try await post("h2", tokens["h2"]!, broken)
        #expect(refused.status == 422 && refused.errorCode == "chain_broken", "\(refused.text)")
        #expect(try await pg.query("SELECT count(*) FROM events WHERE hall_id = 'h2'") == held)
        // A batch naming another hall, and one with no token: refused and kept like the others.
        let mismatch = try await RawHTTP.request(port: dport, "POST", "/api/v1/halls/h3/events", token: tokens["h3"]!,
                                                 body: Array(#"{"hall_id": "h1", "events": []}"#.utf8))
        #expect(mismatch.status == 400 && mismatch.errorCode == "hall_mismatch", "\(mismatch.text)")
        let anonymous = try await RawHTTP.request(port: dport, "POST", "/api/v1/halls/h3/events", body: Array(#"{"events": []}"#.utf8))
        #expect(anonymous.status == 401 && anonymous.errorCode == "no_token", "\(anonymous.text)")
        let reasons = Set(try await pg.query("SELECT reason FROM refusals").map { $0[0] })
        #expect(reasons.isSuperset(of: ["wrong_token", "gap", "chain_broken", "hall_mismatch", "no_token"]), "\(reasons)")
        let heads = try await RawHTTP.request(port: dport, "GET", "/api/v1/halls", token: "t-district").json
        #expect((heads["halls"] as? [[String: Any]])?.count == 3, "\(heads)")
        // After every fault, the district's figures for each hall are the hall's own.
        let today = BusinessCalendar(identifier: "Asia/Shanghai").day(of: Date())
        let yesterday = BusinessCalendar(identifier: "Asia/Shanghai").day(of: Date().addingTimeInterval(-86_400))
        for h in halls {
            for scope in ["windows", "clerks", "categories"] {
                let own = try DistrictReportTests.decodeRows(try await RawHTTP.request(port: h.port, "GET", "/api/reports/\(scope)?from=\(yesterday)&to=\(today)",
                                                                                      token: "t-manager").text)
                let there = try DistrictReportTests.decodeRows(try await RawHTTP.request(
                    port: dport, "GET", "/api/v1/report?scope=\(scope)&hall=\(h.id)&from=\(yesterday)&to=\(today)", token: "t-district").text)
                #expect(!own.isEmpty && DistrictReportTests.same(own, there) == nil, "hall \(h.id) \(scope): \(DistrictReportTests.same(own, there) ?? "no rows")")
            }
        }
        for h in halls { kill(h.process.processIdentifier, SIGTERM); h.process.waitUntilExit() }
        // SIGTERM after the PostgreSQL restart: the API drains, the pool closes, the process ends.
        kill(district.processIdentifier, SIGTERM)
        // A clean stop, status 0 (a forced one, 12 s after the signal, exits 1: DistrictStopTests).
        let stopped = await eventually(16) { !district.isRunning }
        #expect(stopped && district.terminationStatus == 0, "counterd-district did not stop cleanly on SIGTERM after the PostgreSQL restart")
    }

    /// A database of the first district version (events in one table) migrates into month partitions.
    @Test(.timeLimit(.minutes(2))) func aFirstVersionDatabaseMovesIntoMonthPartitions() async throws {
        guard let pg = try await PrivatePostgres.start() else {
            Issue.record("PostgreSQL 15 is not installed: `make test` installs it (Debian's postgresql)")
            return
        }
        defer { pg.stop() }
        _ = try await pg.query("""
            CREATE TABLE schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE events (hall_id text NOT NULL, seq bigint NOT NULL, at_ms bigint NOT NULL, day text NOT NULL, kind text NOT NULL,
                payload text NOT NULL, hash text NOT NULL, received_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (hall_id, seq));
            CREATE INDEX events_day ON events (day, hall_id);
            CREATE TABLE hall_heads (hall_id text PRIMARY KEY, last_seq bigint NOT NULL DEFAULT 0, chain text NOT NULL DEFAULT '',
                last_event_at_ms bigint, last_received_at timestamptz);
            CREATE TABLE refusals (id bigserial PRIMARY KEY, hall_id text, at timestamptz NOT NULL DEFAULT now(), reason text NOT NULL, detail text NOT NULL);
            INSERT INTO schema_migrations (version) VALUES ('v1-events');
            INSERT INTO events (hall_id, seq, at_ms, day, kind, payload, hash) VALUES
                ('h1', 1, 1, '2026-11-30', 'day_started', '{}', 'aa'), ('h1', 2, 2, '2026-12-01', 'day_started', '{}', 'bb'),
                ('h2', 1, 1, '2026-10-05', 'day_started', '{}', 'cc');
            """)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("district-v1-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("district.toml")
        try "[database]\nsocket_dir = \"\(pg.socketDirectory)\"\nport = \(pg.port)\nuser = \"postgres\"\nname = \"district\"\n"
            .write(to: config, atomically: true, encoding: .utf8)
        let (district, port) = try await Self.district(config: config)
        defer { if district.isRunning { kill(district.processIdentifier, SIGKILL) } }
        #expect(port > 0)
        #expect(try await pg.query("SELECT tableoid::regclass::text AS part, hall_id, seq FROM events ORDER BY part, hall_id, seq") ==
                [["events_2026_10", "h2", "1"], ["events_2026_11", "h1", "1"], ["events_2026_12", "h1", "2"]])
        #expect(try await pg.query("SELECT version FROM schema_migrations ORDER BY 1") == [["v1-events"], ["v2-partitions-projections"]])
    }

    /// A bad district config: exit 78 with every problem and its key, before anything connects.
    @Test func aBadDistrictConfigIsRefusedWithItsKeys() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("district-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("district.toml")
        try "[server]\nport = 70000\n[[halls]]\nid = \"街道 1\"\ntoken_sha256 = \"abc\"\n[[halls]]\nid = \"h2\"\nlevel = \"city\"\ntoken_sha256 = \"\(String(repeating: "a", count: 64))\"\n[extra]\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let out = try await Command.run(Daemon.bin.appendingPathComponent("counterd-district"), ["--config", file.path])
        #expect(out.status == 78, "\(out)")
        for key in ["server.port", "halls[0].id", "halls[1].level", "extra"] { #expect(out.err.contains(key), "no \(key) in \(out.err)") }
    }
}
