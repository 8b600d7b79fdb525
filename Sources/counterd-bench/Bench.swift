import ArgumentParser
import Foundation
import GRDB
import HallModel
import HallRuntime
import Logging
import LogFormat
import Store

/// counterd-bench: (a) durable ingest through the Hall actor against plain single-row inserts at the
/// same synchronous setting; (b) the per-window report over a generated year of a 100-window hall
/// against a naive GROUP BY over the events table. Run release-built: `make bench`.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "counterd-bench",
        abstract: "Measure counterd: durable ingest, year report, display calls, kiosk tickets, key presses.",
        discussion: """
            Build with -c release (`make bench`). Data goes under --dir; the report part builds a year of a \
            100-window hall there once (about 6 GB) and reuses it. Figures belong in BENCHMARKS.md.
            """)

    enum Part: String, ExpressibleByArgument, CaseIterable {
        case ingest, report, display, ticket, keypress, idle, pusher, district, waits, crowd, matters
    }

    @Option(help: "Directory for the benchmark databases.")
    var dir: String = FileManager.default.temporaryDirectory.appendingPathComponent("counterd-bench").path

    @Option(help: "Run one part only.")
    var only: Part?

    @Option(help: "(ingest) commands through the Hall actor.")
    var commands = 20_000

    @Option(help: "(report) days of the generated year.")
    var days = 365

    @Option(help: "(display) calls to time.")
    var calls = 200

    @Option(help: "(ticket) Python with python-escpos, for the reference bytes.")
    var python = ".venv/bin/python"

    @Option(help: "(ticket) kiosk taps to time.")
    var taps = 200

    @Option(help: "(keypress) simulated evaluators.")
    var evaluators = 300

    @Flag(help: "(keypress) also print where each press's time goes, stage by stage.")
    var stages = false

    @Option(help: "(crowd) SSE clients that read.")
    var sseClients = 1_000

    @Option(help: "(crowd) SSE clients that never read.")
    var slowClients = 20

    @Option(help: "(crowd) evaluator keypads attached.")
    var crowdDevices = 300

    @Option(help: "(idle) only this many Modbus evaluators (with --idle-lines), instead of the three standard configurations.")
    var idleDevices: Int?

    @Option(help: "(idle) lines the --idle-devices share.")
    var idleLines = 10

    @Option(help: "(idle) seconds to measure each configuration.")
    var idleSeconds = 30.0

    @Option(help: "(pusher) ratings in the outbox to deliver.")
    var records = 2_000

    @Option(help: "(district) simulated halls: 1 district centre, 8 street centres, the rest community centres.")
    var halls = 89

    @Option(help: "(district) days each hall was offline before the catch-up.")
    var offlineDays = 7

    @Option(help: "(district) seconds of steady state.")
    var steadySeconds = 60.0

    @Option(help: "(district) events per second per hall in the steady state.")
    var hallRate = 1.0

    @Option(help: "(district) events per batch the halls ship (a hall's [district] batch_size).")
    var districtBatch = 2_000

    @Option(help: "(district) days of the generated year for the district report.")
    var yearDays = 365

    @Option(help: "(matters) open matters for the deadline function and the 电子监察 sweep.")
    var openMatters = 100_000

    @Option(help: "(matters) windows of the hall whose year of matters is counted.")
    var matterWindows = 100

    func run() async throws {
        LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        print("counterd-bench — \(ProcessInfo.processInfo.activeProcessorCount) cores, data in \(dir)")
        func runs(_ part: Part) -> Bool { only == nil || only == part }
        if runs(.ingest) { try await Self.ingest(dir: dir, commands: commands) }
        if runs(.report) { try Self.report(dir: dir, windows: 100, days: days) }
        if runs(.display) { try await DisplayBench.run(dir: dir, calls: calls) }
        if runs(.ticket) { try await TicketBench.run(dir: dir, python: python, taps: taps) }
        if runs(.keypress) {
            // A busy hall: every evaluator rates within the same 10 s (30 presses/s) …
            try await KeypressBench.run(dir: dir, evaluators: evaluators, rounds: 3, spread: 10, stages: stages)
            // … and a stress burst: all of them within one second.
            try await KeypressBench.run(dir: dir, evaluators: evaluators, rounds: 5, stages: stages)
            // The same at synchronous=NORMAL, to tell fsync cost from the in-process path.
            try await KeypressBench.run(dir: dir, evaluators: evaluators, rounds: 5, sync: .normal, stages: stages)
        }
        if runs(.district) {
            try await DistrictBench.run(dir: dir, halls: halls, offlineDays: offlineDays, steadySeconds: steadySeconds, eventsPerHallSecond: hallRate,
                                        yearDays: yearDays, batch: districtBatch,
                                        districtBinary: URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("counterd-district").path)
        }
        if runs(.waits) {
            for load in [0.8, 0.95] { try await WaitBench.run(dir: dir, config: "config/demo.toml", days: 30, load: load) }
        }
        if runs(.crowd) {
            try await CrowdBench.run(dir: dir, clients: sseClients, slow: slowClients, devices: crowdDevices, calls: calls, burst: 2_000)
        }
        if runs(.matters) { MatterBench.run(openMatters: openMatters, windows: matterWindows) }
        if runs(.pusher) { try await PusherBench.run(dir: dir, records: records, platforms: "platforms") }
        if runs(.idle) {
            // What one poll costs this machine at the least, then: no devices; 4 evaluators on one line; 40 on
            // four lines (the release counterd beside this binary).
            try IdleBench.floor()
            for (n, m) in idleDevices.map({ [($0, idleLines)] }) ?? [(0, 0), (4, 1), (40, 4)] {
                try await IdleBench.run(dir: dir, evaluators: n, lines: m, seconds: idleSeconds, profiles: "profiles")
            }
        }
    }

    static func fresh(_ path: String) {
        for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
    }

    // MARK: (a) ingest

    static func ingest(dir: String, commands: Int) async throws {
        let windows = 20
        var setup = HallSetup(
            name: "bench",
            categories: [ServiceCategory(code: "a", name: "甲", prefix: "A")],
            windows: (1...windows).map { ServiceWindow(number: $0, name: "\($0)", categories: ["a"]) },
            clerks: (1...windows).map { Clerk(id: "c\($0)", name: "\($0)") })
        // The clients share windows: with the rule on, a call on a window another client just finished at is
        // refused (rating_skip_refused), which changes the mix from the earlier runs. Off here, as then.
        setup.rules.ratingBlocksNext = false
        let hallPath = dir + "/ingest-hall.sqlite"
        fresh(hallPath)
        let store = try EventStore(path: hallPath, sync: .full)
        let hall = try Hall(setup: setup, store: store, clock: SystemClock())
        for w in 1...windows { try await hall.execute(.signIn(window: w, clerk: "c\(w)")) }
        StageTrace.shared.enabled = true
        _ = StageTrace.shared.take()
        let start = ContinuousClock.now
        // 64 clients: kiosks issuing tickets and windows calling, finishing and rating, all at once.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<64 {
                group.addTask {
                    var i = client
                    while i < commands {
                        let w = client % windows + 1
                        // Each client in turn issues a ticket, calls, finishes and rates, as a hall does all day:
                        // the queue stays within the clients' number. (Until issue 18 two tickets were issued per
                        // call, so the queue grew by one each cycle to thousands waiting, which no hall has, and the
                        // figure measured the engine's O(queue) work per command, not the durable path.)
                        let command: HallCommand = switch (i / 64) % 3 {
                        case 0: .issueTicket(category: "a", priority: false)
                        case 1: .callNext(window: w)
                        default: .finish(window: w, outcome: .immediate)
                        }
                        _ = try? await hall.execute(command, source: "bench")
                        if case .finish = command { _ = try? await hall.execute(.rate(window: w, level: .satisfied)) }
                        i += 64
                    }
                }
            }
            try await group.waitForAll()
        }
        let hallSeconds = (ContinuousClock.now - start).seconds
        StageTrace.shared.enabled = false
        // Group commit as it happened: the commits (marks sharing their instant) and the time inside them.
        let marks = StageTrace.shared.take()
        let batches = marks.filter { $0.stage == "commit batch" }.map(\.key)
        let stored = try store.events(after: 0, limit: Int.max)
        let hallRate = Double(stored.count) / hallSeconds

        // The same rows, one INSERT per transaction, into the same schema at the same synchronous level.
        let plainPath = dir + "/ingest-plain.sqlite"
        fresh(plainPath)
        // The schema from the store; then a plain connection, as a naive logger would have.
        _ = try EventStore(path: plainPath, sync: .full)
        var busy = Configuration()
        busy.busyMode = .timeout(10)
        let plain = try DatabasePool(path: plainPath, configuration: busy)
        try await plain.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        let plainSync = try await plain.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") ?? -1 }
        let rows = try store.reader.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, at_ms, day, kind, ticket, window_no, clerk, category, payload FROM events ORDER BY seq")
        }
        let plainSeconds = try insertOneByOne(rows.map { Array($0.databaseValues) }, into: plain)
        let plainRate = Double(rows.count) / plainSeconds
        print("""

            (a) durable ingest, synchronous=FULL (hall sync level \(try store.synchronousLevel()), plain \(plainSync))
                Hall actor, 64 concurrent clients: \(stored.count) events in \(fmt(hallSeconds)) s = \(Int(hallRate)) events/s (with projections)
                plain single-row inserts:          \(rows.count) rows in \(fmt(plainSeconds)) s = \(Int(plainRate)) rows/s (events table only)
                ratio Hall / plain = \(fmt(hallRate / plainRate))   (target ≥ 2, issue 18)
                group commit: \(batches.count) commits, \(fmt(Double(batches.reduce(0, +)) / Double(max(1, batches.count)))) events each on average, \
            largest \(batches.max() ?? 0)
            """)
        // The chain A/B: the same rows in transactions of 64 (as group commit batches them), at FULL, into two
        // fresh files — once without the hash column, once computing each link and writing it.
        let values = rows.map { Array($0.databaseValues) }
        var abRates: [String: Double] = [:]
        for chained in [false, true] {
            let path = dir + "/ingest-ab-\(chained).sqlite"
            fresh(path)
            _ = try EventStore(path: path, sync: .full)
            let pool = try DatabasePool(path: path, configuration: busy)
            try await pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            let start = ContinuousClock.now
            var link = HashChain.genesis
            for batch in stride(from: 0, to: values.count, by: 64) {
                let slice = Array(values[batch..<min(values.count, batch + 64)])
                var hashes: [Data] = []
                if chained {
                    for v in slice {
                        link = HashChain.link(link, Int64.fromDatabaseValue(v[0]) ?? 0, String.fromDatabaseValue(v[8]) ?? "")
                        hashes.append(Data(link))
                    }
                }
                let computed = hashes
                try await pool.write { db in
                    for (i, v) in slice.enumerated() {
                        if chained {
                            try db.cachedStatement(sql: """
                                INSERT INTO events (seq, at_ms, day, kind, ticket, window_no, clerk, category, payload, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                                """).execute(arguments: StatementArguments(v + [computed[i].databaseValue]))
                        } else {
                            try db.cachedStatement(sql: """
                                INSERT INTO events (seq, at_ms, day, kind, ticket, window_no, clerk, category, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                                """).execute(arguments: StatementArguments(v))
                        }
                    }
                }
            }
            abRates[chained ? "with" : "without"] = Double(values.count) / (ContinuousClock.now - start).seconds
        }
        print("""
                chain A/B, batches of 64 at FULL: without \(Int(abRates["without"] ?? 0)) rows/s, with (SHA-256 + 32-byte column) \
            \(Int(abRates["with"] ?? 0)) rows/s, ratio with / without = \(fmt((abRates["with"] ?? 0) / max(1, abRates["without"] ?? 1)))
            """)
        // The hash chain's share: the same SHA-256 links the store computed for these rows, timed alone.
        let payloads = rows.map { (seq: $0["seq"] as Int64, payload: $0["payload"] as String) }
        let hashStart = ContinuousClock.now
        var chain = HashChain.genesis
        for r in payloads { chain = HashChain.link(chain, r.seq, r.payload) }
        let hashSeconds = (ContinuousClock.now - hashStart).seconds
        let withoutRate = Double(stored.count) / max(1e-9, hallSeconds - hashSeconds)
        print("""
                hash chain: \(fmt(hashSeconds / Double(payloads.count) * 1e6)) µs of SHA-256 per event (\(HashChain.hex(chain).prefix(8))…); \
            ingest with / without the chain ≈ \(fmt(hallRate / withoutRate)) (the 32-byte hash column's write not separated)
            """)
    }

    /// One write transaction per row: what a naive logger would do.
    static func insertOneByOne(_ rows: [[DatabaseValue]], into plain: DatabasePool) throws -> Double {
        let start = ContinuousClock.now
        for values in rows {
            try plain.write { db in
                try db.cachedStatement(sql: """
                    INSERT INTO events (seq, at_ms, day, kind, ticket, window_no, clerk, category, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: StatementArguments(values))
            }
        }
        return (ContinuousClock.now - start).seconds
    }

    // MARK: (b) year report

    static func report(dir: String, windows: Int, days: Int) throws {
        let path = dir + "/year-\(windows)w-\(days)d.sqlite"
        let ticketsPerWindowDay = 99
        let expectedTickets = windows * days * ticketsPerWindowDay
        // What a previous run left, counted before the writer is opened: the file's writer lock is held per open
        // store, so the old store must be gone before `fresh` makes a new one.
        let have = FileManager.default.fileExists(atPath: path)
            ? ((try? EventStore.readOnly(path: path).reader.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM tickets") ?? 0 }) ?? 0) : 0
        if have != expectedTickets { fresh(path) }
        let store = try EventStore(path: path, sync: .normal)
        if have != expectedTickets {
            let genStart = ContinuousClock.now
            try generateYear(store, windows: windows, days: days, perWindowDay: ticketsPerWindowDay)
            print("\n    generated \(expectedTickets) tickets (\(try store.lastSeq()) events) in \(fmt((ContinuousClock.now - genStart).seconds)) s")
        } else {
            print("\n    reusing \(path): \(have) tickets, \(try store.lastSeq()) events")
        }
        let calendar = BusinessCalendar(identifier: "Asia/Shanghai")
        let first = calendar.day(of: yearStart)
        let last = calendar.day(of: yearStart.addingTimeInterval(Double(days - 1) * 86_400))
        let setup = HallSetup(name: "year", categories: [], windows: (1...windows).map { ServiceWindow(number: $0, name: "\($0)号窗口", categories: []) },
                              clerks: [])
        let reports = Reports(store: store, setup: setup)
        var projectionTimes: [Double] = []
        var rows: [ReportRow] = []
        for _ in 0..<7 {
            let t = ContinuousClock.now
            rows = try reports.rows(.window, from: first, to: last)
            projectionTimes.append((ContinuousClock.now - t).seconds)
        }
        projectionTimes.sort()
        let naiveSQL = """
            SELECT window_no,
                   SUM(kind = 'ticket_finished') AS served,
                   SUM(kind = 'ticket_no_show') AS no_shows,
                   AVG(CASE WHEN kind = 'ticket_finished' THEN json_extract(payload, '$.waitSeconds') END) AS mean_wait,
                   AVG(CASE WHEN kind = 'ticket_finished' THEN json_extract(payload, '$.serviceSeconds') END) AS mean_service,
                   SUM(kind = 'ticket_rated' AND json_extract(payload, '$.level') = 5) AS r5,
                   SUM(kind = 'ticket_rated' AND json_extract(payload, '$.level') = 4) AS r4,
                   SUM(kind = 'ticket_rated' AND json_extract(payload, '$.level') = 3) AS r3,
                   SUM(kind = 'ticket_rated' AND json_extract(payload, '$.level') = 2) AS r2,
                   SUM(kind = 'ticket_rated' AND json_extract(payload, '$.level') = 1) AS r1,
                   SUM(kind = 'rating_not_given') AS not_rated,
                   SUM(kind = 'ticket_finished' AND json_extract(payload, '$.outcome') = 'immediate') AS immediate
            FROM events WHERE day BETWEEN ? AND ? AND window_no IS NOT NULL GROUP BY window_no
            """
        let t = ContinuousClock.now
        let naive = try store.reader.read { db in try Row.fetchAll(db, sql: naiveSQL, arguments: [first, last]) }
        let naiveSeconds = (ContinuousClock.now - t).seconds
        // Both must say the same thing.
        let served = rows.reduce(0) { $0 + $1.served }
        let naiveServed = naive.reduce(0) { $0 + ($1["served"] as Int) }
        let median = projectionTimes[projectionTimes.count / 2]
        print("""
            (b) per-window report, \(windows) windows × \(days) days, \(first)…\(last)
                from projections (month_stats + day_stats): median \(fmt(median * 1000)) ms, worst \(fmt(projectionTimes.last! * 1000)) ms of 7 (includes p90 from histograms)
                naive GROUP BY over events:   \(fmt(naiveSeconds * 1000)) ms (no percentiles)
                ratio naive / projections = \(Int(naiveSeconds / median))×   (targets: ≤ 50 ms and ≥ 50×)
                served agree: \(served) = \(naiveServed) \(served == naiveServed ? "✓" : "✗ MISMATCH")
            """)
    }

    /// 2026-01-01 00:00 Beijing.
    static let yearStart = Date(timeIntervalSince1970: 1_767_196_800)

    static func generateYear(_ store: EventStore, windows: Int, days: Int, perWindowDay: Int) throws {
        let calendar = BusinessCalendar(identifier: "Asia/Shanghai")
        var rng = SplitMix(seed: 2026)
        for d in 0..<days {
            _ = try store.claimAppender().appendNow(dayEvents(start: yearStart.addingTimeInterval(Double(d) * 86_400), calendar: calendar, windows: windows,
                                              perWindowDay: perWindowDay, rng: &rng))
        }
    }

    /// One business day of a hall from 08:30: each window serves `perWindowDay` tickets one after another
    /// (issued, called, finished, rated by 90 % of citizens), in the order they happen.
    static func dayEvents(start dayStart: Date, calendar: BusinessCalendar, windows: Int, perWindowDay: Int, rng: inout SplitMix) -> [EventRecord] {
        let day = calendar.day(of: dayStart)
        var events = [EventRecord(at: dayStart, day: day, .dayStarted(DayStarted(expired: [], carried: [])))]
        events.reserveCapacity(windows * perWindowDay * 4 + 1)
        let open = dayStart.addingTimeInterval(8.5 * 3600)
        var sequence = 0
        for w in 1...windows {
            var clock = open
            for _ in 0..<perWindowDay {
                sequence += 1
                let number = Ticket.number(prefix: "A", sequence: sequence)
                let id = "\(day)/\(number)"
                let issued = clock
                let wait = Double(rng.next() % 1200)
                let service = Double(60 + rng.next() % 600)
                let called = issued.addingTimeInterval(wait)
                let finished = called.addingTimeInterval(service)
                let clerk = "c\(w)"
                events.append(EventRecord(at: issued, day: day, .ticketIssued(TicketIssued(
                    ticket: id, number: number, category: "a", priority: false, issuedAt: issued, sequence: sequence))))
                events.append(EventRecord(at: called, day: day, .ticketCalled(TicketCalled(
                    window: w, clerk: clerk, ticket: id, number: number, category: "a", priority: false, issuedAt: issued,
                    waitSeconds: wait))))
                events.append(EventRecord(at: finished, day: day, .ticketFinished(TicketFinished(
                    window: w, clerk: clerk, ticket: id, number: number, category: "a",
                    outcome: rng.next() % 10 < 8 ? .immediate : .promised, waitSeconds: wait, serviceSeconds: service,
                    recalls: 0, deadline: finished.addingTimeInterval(30)))))
                let roll = rng.next() % 100
                let after = finished.addingTimeInterval(5)
                if roll < 90 {
                    let level = RatingLevel(rawValue: Int(5 - rng.next() % 100 / 60 - rng.next() % 100 / 95))!
                    events.append(EventRecord(at: after, day: day, .ticketRated(TicketRated(
                        window: w, ticket: id, number: number, clerk: clerk, category: "a", servedDay: day, level: level))))
                } else {
                    events.append(EventRecord(at: after, day: day, .ratingNotGiven(RatingNotGiven(
                        window: w, ticket: id, number: number, clerk: clerk, category: "a", servedDay: day, reason: .timeout))))
                }
                clock = clock.addingTimeInterval(service)
            }
        }
        return events
    }

    static func fmt(_ v: Double) -> String { String(format: "%.2f", v) }
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
