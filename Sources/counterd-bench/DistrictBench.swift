import Access
import AsyncHTTPClient
import Delivery
import District
import Foundation
import HallModel
import HallRuntime
import Logging
import PostgresHarness
import PostgresNIO
import LogFormat
import Store

/// (j) The district: N simulated halls (1 district centre, 8 street centres, the rest community centres)
/// shipping to the release counterd-district on a private PostgreSQL (fsync on) on this machine.
///   1. catch-up after a week offline: every hall's week shipped at once; events/s, against a plain COPY
///      of the same rows into the same PostgreSQL;
///   2. steady state at a busy hall's event rate: lag from the hall's commit to the district's insert;
///   3. the district report over N halls × a year of generated data (ingested through the district's own
///      code in-process), against a naive GROUP BY over the events.
enum DistrictBench {
    struct Shape {
        var windows: Int
        var perWindowDay: Int
    }

    /// A district centre is large, street centres middling, community centres small.
    static func shape(_ index: Int) -> (level: String, parent: String?, shape: Shape) {
        switch index {
        case 0: ("district", nil, Shape(windows: 20, perWindowDay: 30))
        case 1...8: ("street", "h000", Shape(windows: 8, perWindowDay: 25))
        default: ("community", "h\(String(format: "%03d", 1 + (index - 9) % 8))", Shape(windows: 2, perWindowDay: 20))
        }
    }

    static func run(dir: String, halls: Int, offlineDays: Int, steadySeconds: Double, eventsPerHallSecond: Double, yearDays: Int,
                    batch: Int, districtBinary: String) async throws {
        guard let pg = try await PrivatePostgres.start(fsync: true) else {
            print("(j) district: PostgreSQL 15 is not installed (make test installs it)")
            return
        }
        defer { pg.stop() }
        let root = dir + "/district"
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let ids = (0..<halls).map { "h" + String(format: "%03d", $0) }
        var toml = """
            [database]
            socket_dir = "\(pg.socketDirectory)"
            port = \(pg.port)
            user = "postgres"
            name = "district"
            [[tokens]]
            role = "manager"
            sha256 = "\(AccessControl.hash("bench-manager"))"

            """
        for (i, id) in ids.enumerated() {
            let s = shape(i)
            toml += "[[halls]]\nid = \"\(id)\"\nlevel = \"\(s.level)\"\n\(s.parent.map { "parent = \"\($0)\"\n" } ?? "")"
            toml += "token_sha256 = \"\(AccessControl.hash("bench-token-\(id)"))\"\n"
        }
        try toml.write(toFile: root + "/district.toml", atomically: true, encoding: .utf8)
        let (district, port) = try await startDistrict(binary: districtBinary, config: root + "/district.toml")
        defer { if district.isRunning { district.terminate() } }
        guard port > 0 else {
            print("(j) district: \(districtBinary) did not start")
            return
        }

        // A week of every hall, written to its own SQLite file while the district is "unreachable".
        let calendar = BusinessCalendar(identifier: "Asia/Shanghai")
        let todayStart = calendar.start(of: calendar.day(of: Date()))!
        var stores: [EventStore] = []
        var total: Int64 = 0
        let genStart = ContinuousClock.now
        for (i, id) in ids.enumerated() {
            let path = root + "/\(id).sqlite"
            let store = try EventStore(path: path, sync: .normal)
            var rng = SplitMix(seed: UInt64(7 + i))
            for d in 0..<offlineDays {
                let start = todayStart.addingTimeInterval(-Double(offlineDays - d) * 86_400)
                _ = try store.claimAppender().appendNow(Bench.dayEvents(start: start, calendar: calendar, windows: shape(i).shape.windows,
                                                        perWindowDay: shape(i).shape.perWindowDay, rng: &rng))
            }
            total += try store.lastSeq()
            stores.append(store)
            try "bench-token-\(id)".write(toFile: root + "/\(id).token", atomically: true, encoding: .utf8)
        }
        print("\n    generated \(offlineDays) days of \(halls) halls: \(total) events in \(Bench.fmt((ContinuousClock.now - genStart).seconds)) s")

        // 1. Catch-up: all shippers start at once.
        var pool = HTTPClient.Configuration.ConnectionPool(idleTimeout: .seconds(60))
        pool.concurrentHTTP1ConnectionsPerHostSoftLimit = halls + 8
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(connectionPool: pool))
        var hubs: [EventHub] = [], healths: [ShipHealth] = []
        var shipping: [Task<Void, any Error>] = []
        let cpuBefore = cpuSeconds(district: district.processIdentifier)
        let catchStart = ContinuousClock.now
        for (i, id) in ids.enumerated() {
            let hub = EventHub(), health = ShipHealth(ShipStatus(url: "http://127.0.0.1:\(port)", hallId: id))
            let shipper = LogShipper(store: stores[i], target: .init(url: "http://127.0.0.1:\(port)", hallID: id, tokenFile: root + "/\(id).token",
                                                                     batchSize: batch, retryFirst: 0.05, retryMax: 1, heartbeat: 5),
                                     hub: hub, health: health, client: client, wallClock: { SystemClock().now() })
            hubs.append(hub)
            healths.append(health)
            shipping.append(Task { try await shipper.run() })
        }
        let lasts = try stores.map { try $0.lastSeq() }
        while zip(healths, lasts).contains(where: { $0.status.acked < $1 }) { try await Task.sleep(for: .milliseconds(20)) }
        let catchSeconds = (ContinuousClock.now - catchStart).seconds
        let cpuAfter = cpuSeconds(district: district.processIdentifier)
        let catchRate = Double(total) / catchSeconds
        let held = try await pg.query("SELECT count(*), count(DISTINCT (hall_id, seq)) FROM events")
        // The same rows by COPY into a plain table of the same columns (and key) in the same PostgreSQL.
        let file = pg.socketDirectory + "/rows.copy"
        _ = try await pg.query("COPY (SELECT hall_id, seq, at_ms, day, kind, payload, hash FROM events) TO '\(file)'")
        _ = try await pg.query("CREATE TABLE copied (hall_id text, seq bigint, at_ms bigint, day text, kind text, payload text, hash text, PRIMARY KEY (hall_id, seq))")
        // Three times into an emptied table; the median (one COPY of a week's rows takes well under a second).
        var copies: [Double] = []
        for _ in 0..<3 {
            _ = try await pg.query("TRUNCATE copied")
            let copyStart = ContinuousClock.now
            _ = try await pg.query("COPY copied FROM '\(file)'")
            copies.append((ContinuousClock.now - copyStart).seconds)
        }
        let copySeconds = copies.sorted()[1]
        let copyRate = Double(total) / copySeconds
        print("""
            (j) district: \(halls) halls (1 district, 8 street, \(max(0, halls - 9)) community) → release counterd-district → PostgreSQL 15 (fsync on), \
            \(ProcessInfo.processInfo.activeProcessorCount) cores shared by all
              1. catch-up after \(offlineDays) days offline: \(total) events in \(Bench.fmt(catchSeconds)) s = \(Int(catchRate)) events/s \
            (batches of \(batch), each with its projections, in one transaction); held \(held.first ?? [])
                 plain COPY of the same rows into a keyed table: \(Bench.fmt(copySeconds)) s = \(Int(copyRate)) rows/s (median of 3: \
            \(copies.map { Bench.fmt($0) }.joined(separator: ", ")) s)
                 ratio shipping / COPY = \(Bench.fmt(catchRate / copyRate))   (target ≥ 0.3)
                 CPU during the catch-up: counterd-district \(Bench.fmt(cpuAfter.district - cpuBefore.district)) s, PostgreSQL \
            \(Bench.fmt(cpuAfter.postgres - cpuBefore.postgres)) s, the \(halls) halls' shippers (this process) \(Bench.fmt(cpuAfter.bench - cpuBefore.bench)) s \
            of \(Bench.fmt(catchSeconds * Double(ProcessInfo.processInfo.activeProcessorCount))) s available
            """)

        // 2. Steady state: each hall commits events at a busy hall's rate, one at a time, and rings its shipper.
        let steadyStartMs = Int64(Date().timeIntervalSince1970 * 1000)
        let interval = 1 / eventsPerHallSecond
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, store) in stores.enumerated() {
                let hub = hubs[i]
                group.addTask {
                    let day = calendar.day(of: Date())
                    var n = 0
                    let end = ContinuousClock.now + .seconds(steadySeconds)
                    try await Task.sleep(for: .seconds(Double(i) / Double(halls) * interval))  // spread the halls
                    while ContinuousClock.now < end {
                        n += 1
                        let number = Ticket.number(prefix: "S", sequence: n)
                        let stored = try store.claimAppender().appendNow([EventRecord(at: Date(), day: day, .ticketIssued(TicketIssued(
                            ticket: "\(day)/\(number)", number: number, category: "a", priority: false, issuedAt: Date(), sequence: n)))])
                        hub.publish(stored)
                        try await Task.sleep(for: .seconds(interval))
                    }
                }
            }
            try await group.waitForAll()
        }
        let steadyLasts = try stores.map { try $0.lastSeq() }
        while zip(healths, steadyLasts).contains(where: { $0.status.acked < $1 }) { try await Task.sleep(for: .milliseconds(20)) }
        let lag = try await pg.query("""
            SELECT count(*), round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM received_at) * 1000 - at_ms)::numeric, 1),
                   round(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM received_at) * 1000 - at_ms)::numeric, 1),
                   round(max(extract(epoch FROM received_at) * 1000 - at_ms)::numeric, 1)
            FROM events WHERE at_ms >= \(steadyStartMs)
            """).first ?? []
        print("""
              2. steady state, \(Bench.fmt(eventsPerHallSecond)) events/s per hall (\(Int(eventsPerHallSecond * Double(halls))) events/s in all) for \
            \(Int(steadySeconds)) s: \(lag.first ?? "?") events
                 lag hall commit → district insert: p50 \(lag.count > 1 ? lag[1] : "?") ms, p99 \(lag.count > 2 ? lag[2] : "?") ms, \
            max \(lag.count > 3 ? lag[3] : "?") ms   (target p99 ≤ 5 s, aim ≤ 1 s; received_at is the batch transaction's start)
            """)
        for t in shipping { t.cancel() }
        for t in shipping { _ = await t.result }
        try await client.shutdown()
        district.terminate()
        district.waitUntilExit()

        // 3. A year of every hall, through the district's own ingest (in-process, no HTTP), into a fresh database.
        try await year(pg: pg, ids: ids, days: yearDays, calendar: calendar)
    }

    static func year(pg: PrivatePostgres, ids: [String], days: Int, calendar: BusinessCalendar) async throws {
        _ = try await pg.query("CREATE DATABASE year")
        var config = DistrictConfig()
        config.databaseSocketDirectory = pg.socketDirectory
        config.databasePort = pg.port
        config.databaseUser = "postgres"
        config.databaseName = "year"
        for (i, id) in ids.enumerated() {
            let s = shape(i)
            config.halls.append(.init(id: id, name: id, level: s.level, parent: s.parent, tokenSHA256: String(repeating: "0", count: 64)))
        }
        let client = PostgresClient(configuration: DistrictService.postgres(config), backgroundLogger: Logger(label: "bench.pg"))
        let running = Task { await client.run() }
        defer { running.cancel() }
        let store = DistrictStore(client: client)
        try await store.migrate()
        let encoder = EventCoding.encoder()
        let start = Bench.yearStart
        let ingestStart = ContinuousClock.now
        var total = 0
        // Four halls at a time, each its year in order, in batches of 2 000.
        try await withThrowingTaskGroup(of: Int.self) { group in
            var next = 0
            func add() {
                guard next < ids.count else { return }
                let i = next, id = ids[i]
                next += 1
                group.addTask {
                    var rng = SplitMix(seed: UInt64(1000 + i))
                    var chain = HashChain.genesis
                    var seq: Int64 = 0
                    var batch: [RawEvent] = []
                    var count = 0
                    for d in 0..<days {
                        for e in Bench.dayEvents(start: start.addingTimeInterval(Double(d) * 86_400), calendar: calendar, windows: shape(i).shape.windows,
                                                 perWindowDay: shape(i).shape.perWindowDay, rng: &rng) {
                            seq += 1
                            let payload = String(decoding: try encoder.encode(e), as: UTF8.self)
                            chain = HashChain.link(chain, seq, payload)
                            batch.append(RawEvent(seq: seq, payload: payload, hash: HashChain.hex(chain)))
                            if batch.count == 2_000 {
                                _ = try await store.ingest(hall: id, events: batch)
                                count += batch.count
                                batch.removeAll(keepingCapacity: true)
                            }
                        }
                    }
                    if !batch.isEmpty { _ = try await store.ingest(hall: id, events: batch) }
                    return count + batch.count
                }
            }
            for _ in 0..<4 { add() }
            while let n = try await group.next() {
                total += n
                add()
            }
        }
        let ingestSeconds = (ContinuousClock.now - ingestStart).seconds
        let from = calendar.day(of: start), to = calendar.day(of: start.addingTimeInterval(Double(days - 1) * 86_400))
        let reports = DistrictReports(store: store, config: config)
        var times: [Double] = []
        var rows: [DistrictReports.Row] = []
        for _ in 0..<5 {
            let t = ContinuousClock.now
            rows = try await reports.halls(from: from, to: to)
            times.append((ContinuousClock.now - t).seconds)
        }
        times.sort()
        var windowTimes: [Double] = []
        var windowRows = 0
        for _ in 0..<3 {
            let t = ContinuousClock.now
            windowRows = try await reports.acrossHalls(.window, from: from, to: to).count
            windowTimes.append((ContinuousClock.now - t).seconds)
        }
        windowTimes.sort()
        let naiveStart = ContinuousClock.now
        let naive = try await pg.query("""
            SELECT hall_id, count(*) FILTER (WHERE kind = 'ticket_finished'),
                   avg((payload::jsonb ->> 'waitSeconds')::float8) FILTER (WHERE kind = 'ticket_finished'),
                   count(*) FILTER (WHERE kind = 'ticket_rated' AND (payload::jsonb ->> 'level')::int >= 4),
                   count(*) FILTER (WHERE kind = 'ticket_rated')
            FROM events WHERE day BETWEEN '\(from)' AND '\(to)' GROUP BY hall_id
            """, database: "year")
        let naiveSeconds = (ContinuousClock.now - naiveStart).seconds
        let served = rows.reduce(0) { $0 + $1.report.served }
        let naiveServed = naive.reduce(0) { $0 + (Int($1.count > 1 ? $1[1] : "0") ?? 0) }
        let size = try await pg.query("SELECT pg_size_pretty(pg_database_size('year'))").first?.first ?? "?"
        print("""
              3. a year: \(ids.count) halls × \(days) days = \(total) events ingested in-process in \(Bench.fmt(ingestSeconds)) s \
            (\(Int(Double(total) / ingestSeconds)) events/s, 4 halls at a time), database \(size)
                 district report, halls ranked by level over \(from)…\(to): median \(Bench.fmt(times[times.count / 2] * 1000)) ms, \
            worst \(Bench.fmt(times.last! * 1000)) ms of 5 (target ≤ 1 s)
                 windows of every hall ranked together (\(windowRows) rows): median \(Bench.fmt(windowTimes[1] * 1000)) ms of 3
                 naive GROUP BY over the events (served, mean wait, ratings per hall): \(Bench.fmt(naiveSeconds * 1000)) ms; \
            ratio naive / report = \(Int(naiveSeconds / times[times.count / 2]))×
                 served agree: \(served) = \(naiveServed) \(served == naiveServed ? "✓" : "✗ MISMATCH")
            """)
    }

    /// User + system CPU seconds of the district process, of every postgres process, and of this one.
    static func cpuSeconds(district: Int32) -> (district: Double, postgres: Double, bench: Double) {
        let tick = Double(sysconf(Int32(_SC_CLK_TCK)))
        func cpu(_ pid: String) -> Double {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return 0 }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // After the command: state is field 3, utime 14, stime 15 (1-based in proc(5)).
            guard fields.count > 13, let u = Double(fields[11]), let s = Double(fields[12]) else { return 0 }
            return (u + s) / tick
        }
        var postgres = 0.0
        for pid in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where pid.allSatisfy(\.isNumber) {
            if let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8), comm.hasPrefix("postgres") { postgres += cpu(pid) }
        }
        return (cpu(String(district)), postgres, cpu("self"))
    }

    /// The release counterd-district on port 0; its port from its first log line.
    static func startDistrict(binary: String, config: String) async throws -> (Process, Int) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["--config", config, "--listen", "127.0.0.1:0", "--log-level", "notice"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let handle = err.fileHandleForReading
        let port = try await withCheckedThrowingContinuation { (c: CheckedContinuation<Int, any Error>) in
            Thread.detachNewThread {
                var text = ""
                var found = false
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    text += String(decoding: chunk, as: UTF8.self)
                    if !found, let r = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                        found = true
                        c.resume(returning: Int(text[r].split(separator: ":").last ?? "") ?? 0)
                    }
                    if found { text = "" }
                }
                if !found { c.resume(returning: 0) }
            }
        }
        return (p, port)
    }
}
