import Codecs
import Foundation
import HallModel
import Simulators
import LogFormat
import Store
import Synchronization
import Testing
import TestSupport

/// The whole daemon, crashed on purpose (issue 18, part 2): the real counterd with HTTP clients (a kiosk that
/// prints, a clerk's console, tablet ratings) and device traffic on pseudo-terminals (caller keypads, Modbus
/// evaluators, a strip screen line, the ESC/POS printer), killed with SIGKILL at a random moment, round after
/// round. Afterwards every acknowledged event — an HTTP answer sent, a keypad's "thank you" shown — is in the
/// log exactly once and as answered, the log has no gap and its hash chain verifies, the projections equal
/// a rebuild, and every ticket that came out of the printer is in the log.
///
/// The suite runs 3 rounds; `make soak` runs `COUNTERD_SOAK_ROUNDS` (default 40).
@Suite(.serialized) struct SoakTests {
    static var rounds: Int { Int(ProcessInfo.processInfo.environment["COUNTERD_SOAK_ROUNDS"] ?? "") ?? 3 }

    /// What the outside world was told, to be found in the log afterwards.
    struct Acks: Sendable {
        var issued: [String: String] = [:]          // ticket id → number, from the kiosk's 201
        var httpRatings: [Int64: (ticket: String, level: Int)] = [:] // seq → what the 201 said
        var keypadRatings: [(window: Int, ticket: String, level: Int)] = []
        var calls = 0
        var echoes = 0
    }

    final class Box: Sendable {
        let acks = Mutex(Acks())
        func update(_ f: (inout Acks) -> Void) { acks.withLock { f(&$0) } }
    }

    @Test func killedAtRandomNothingAcknowledgedIsLost() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("counterd-soak-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let windows = [1, 2, 3]
        let callers = try SimulatedCallerBus(addresses: [2, 3])
        let evaluators = try SimulatedModbusEvaluators(units: [2, 3])
        let screens = try SimulatedDisplayBus(wire: .strip)
        let printer = try SimulatedPrinter()
        let devices = """
            [[devices]]
            id = "callers"
            role = "caller"
            transport = "serial"
            path = "\(callers.path)"
            bus = [{address = 2, window = 2}, {address = 3, window = 3}]
            [[devices]]
            id = "evaluators"
            role = "evaluator"
            transport = "serial"
            path = "\(evaluators.path)"
            profile = "modbus-rtu-evaluator"
            bus = [{address = 2, window = 2}, {address = 3, window = 3}]
            [[devices]]
            id = "screens"
            role = "window-display"
            transport = "serial"
            path = "\(screens.path)"
            profile = "display-strip-gbk"
            bus = [{address = 1, window = 1}, {address = 2, window = 2}, {address = 3, window = 3}]
            [[devices]]
            id = "printer"
            role = "printer"
            transport = "serial"
            path = "\(printer.path)"
            [kiosk]
            rating_url = ""

            """
        let config = dir.appendingPathComponent("counterd.toml")
        try TestHall.toml(name: "压测大厅", windows: windows, clerks: [("c1", "张敏"), ("c2", "李强"), ("c3", "王芳")],
                          tokens: ["t-w1", "t-w2", "t-w3", "t-kiosk", "t-manager"], extra: devices).write(to: config, atomically: true, encoding: .utf8)
        let database = dir.appendingPathComponent("hall.sqlite").path
        let args = ["--config", config.path, "--database", database, "--runtime-dir", dir.appendingPathComponent("run").path,
                    "--profiles", DaemonTests.repo.appendingPathComponent("profiles").path, "--listen", "127.0.0.1:0", "--no-udev", "--log-level", "notice"]
        let box = Box()
        var generator = SystemRandomNumberGenerator()
        var totalKills = 0

        for round in 0..<Self.rounds {
            let (daemon, port) = try await Daemon.start(args)
            try #require(port > 0, "round \(round): the daemon did not start")
            for w in windows {
                _ = try await RawHTTP.request(port: port, "POST", "/api/windows/\(w)/sign-in", token: "t-w\(w)", json: Self.text(["clerk": "c\(w)"]))
            }
            // Traffic runs until the kill; each client records only what it was told.
            let clients = Task {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await Self.kiosk(port: port, box: box) }
                    group.addTask { await Self.console(port: port, box: box) }
                    for w in [2, 3] {
                        group.addTask { await Self.keypads(window: w, port: port, callers: callers, evaluators: evaluators, box: box) }
                    }
                }
            }
            // The kill comes at a random moment of the traffic: that moment is the test's input, not a wait.
            try await Task.sleep(for: .milliseconds(Int.random(in: 700...2_500, using: &generator)))
            kill(daemon.processIdentifier, SIGKILL)
            try await offload { daemon.waitUntilExit() }
            totalKills += 1
            clients.cancel()
            await clients.value
        }

        // One clean start after the last kill, so recovery itself is part of what is checked, then a stop.
        let (last, port) = try await Daemon.start(args)
        try #require(port > 0)
        let state = try await RawHTTP.request(port: port, "GET", "/api/state", token: "t-manager")
        #expect(state.status == 200)
        kill(last.processIdentifier, SIGTERM)
        try await offload { last.waitUntilExit() }

        let acks = box.acks.withLock { $0 }
        let store = try EventStore(path: database)
        var all: [StoredEvent] = []
        while true {
            let batch = try store.events(after: all.last?.seq ?? 0)
            if batch.isEmpty { break }
            all += batch
        }
        // No gap: seqs are 1…n.
        #expect(all.map(\.seq) == Array(1...Int64(all.count)), "the log has a gap")
        let encoder = EventCoding.encoder()
        let fields = all.map { e -> [String: Any] in
            ((try? JSONSerialization.jsonObject(with: encoder.encode(e.record))) as? [String: Any]) ?? [:]
        }
        func events(_ kind: String) -> [(Int64, [String: Any])] {
            zip(all.map(\.seq), fields).filter { $0.1["kind"] as? String == kind }
        }
        // Every ticket a kiosk was told of, issued exactly once, with the number it was told.
        let issued = events("ticket_issued")
        for (id, number) in acks.issued {
            let found = issued.filter { $0.1["ticket"] as? String == id }
            #expect(found.count == 1 && found.first?.1["number"] as? String == number, "ticket \(id) \(number): \(found.count) ticket_issued events")
        }
        // Every tablet rating answered 201 is the rating_given event at the seq the answer named.
        for (seq, r) in acks.httpRatings {
            let f = fields[Int(seq) - 1]
            #expect(f["kind"] as? String == "ticket_rated" && f["ticket"] as? String == r.ticket && f["level"] as? Int == r.level,
                    "seq \(seq) is not the rating of \(r.ticket) the API answered")
        }
        // Every keypad "thank you": that ticket's rating, once.
        let ratings = events("ticket_rated")
        for r in acks.keypadRatings {
            let found = ratings.filter { $0.1["ticket"] as? String == r.ticket }
            #expect(found.count == 1 && found.first?.1["level"] as? Int == r.level, "keypad rating of \(r.ticket) at window \(r.window): \(found.count) events")
        }
        // Never two ratings of one ticket, never one ticket issued twice.
        let ratedTickets = ratings.compactMap { $0.1["ticket"] as? String }
        #expect(Set(ratedTickets).count == ratedTickets.count, "a ticket is rated twice")
        let issuedIDs = issued.compactMap { $0.1["ticket"] as? String }
        #expect(Set(issuedIDs).count == issuedIDs.count, "a ticket is issued twice")
        // Every ticket the printer cut is in the log (reserved before it was printed, and issued once printed).
        let logged = Set((issued + events("ticket_reserved")).compactMap { $0.1["number"] as? String })
        let receipts = printer.takeReceipts().map { EscPosText.render($0) }
        var printedNumbers: [String] = []
        for r in receipts {
            if let m = r.range(of: #"A\d{3}"#, options: .regularExpression) { printedNumbers.append(String(r[m])) }
        }
        let missing = printedNumbers.filter { !logged.contains($0) }
        #expect(missing.isEmpty, "printed but not in the log: \(missing)")
        // The chain verifies and the projections equal a rebuild.
        let verify = try await Command.run(CounterctlTests.counterctl, ["verify", "--config", config.path, "--database", database])
        #expect(verify.status == 0, "\(verify)")
        let rebuild = try await Command.run(CounterctlTests.counterctl, ["rebuild", "--check", "--json", "--config", config.path, "--database", database])
        #expect(rebuild.status == 0 && rebuild.out.contains("\"equal\":true"), "\(rebuild)")
        #expect(totalKills == Self.rounds)
        // The soak must have done something in each round for its verdict to mean anything.
        #expect(acks.issued.count >= Self.rounds * 3 && printedNumbers.count >= Self.rounds, "\(acks.issued.count) tickets, \(printedNumbers.count) printed")
        #expect(acks.httpRatings.count + acks.keypadRatings.count >= Self.rounds, "\(acks.httpRatings.count) + \(acks.keypadRatings.count) ratings")
        print("soak: \(Self.rounds) kills, \(all.count) events; acknowledged: \(acks.issued.count) tickets, \(acks.httpRatings.count) tablet and "
              + "\(acks.keypadRatings.count) keypad ratings, \(acks.echoes) caller echoes; \(printedNumbers.count) tickets printed")
    }

    static func text(_ object: [String: Any]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// The kiosk: tickets with the printer, as fast as the printer takes them.
    static func kiosk(port: Int, box: Box) async {
        var n = 0
        while !Task.isCancelled {
            n += 1
            let body: [String: Any] = ["category": "a", "request_id": "soak-\(UUID().uuidString)", "print": true]
            guard let r = try? await RawHTTP.request(port: port, "POST", "/api/kiosk/tickets", token: "t-kiosk", json: Self.text(body)) else { return }
            if r.status == 201, let id = r.json["ticket"] as? String, let number = r.json["number"] as? String {
                box.update { $0.issued[id] = number }
            }
            if r.status >= 500 && r.status != 503 { return }
        }
    }

    /// Window 1's clerk on the web console: call, finish, and the citizen rates on the tablet.
    static func console(port: Int, box: Box) async {
        var level = 0
        while !Task.isCancelled {
            guard let call = try? await RawHTTP.request(port: port, "POST", "/api/windows/1/call-next", token: "t-w1", json: "{}") else { return }
            if call.status != 200 { try? await Task.sleep(for: .milliseconds(50)); continue } // an empty queue: the kiosk refills it
            let fin = try? await RawHTTP.request(port: port, "POST", "/api/windows/1/finish", token: "t-w1", json: "{}")
            guard fin?.status == 200 else { continue }
            level = level % 5 + 1
            let body: [String: Any] = level <= 2 ? ["level": level, "reasons": [level == 1 ? "108" : "207"]] : ["level": level]
            guard let r = try? await RawHTTP.request(port: port, "POST", "/api/windows/1/rating", token: "t-w1", json: Self.text(body)) else { return }
            if r.status == 201, let ticket = r.json["ticket"] as? String,
               let seq = (r.json["events"] as? [[String: Any]])?.first(where: { $0["kind"] as? String == "ticket_rated" })?["seq"] as? Int {
                box.update { $0.httpRatings[Int64(seq)] = (ticket, level) }
            }
        }
    }

    /// Windows 2 and 3: the caller keypad calls and finishes, the Modbus evaluator takes the rating.
    static func keypads(window w: Int, port: Int, callers: SimulatedCallerBus, evaluators: SimulatedModbusEvaluators, box: Box) async {
        let address = UInt8(w)
        var level = 5
        while !Task.isCancelled {
            let echoes = callers.keypad(address)?.echoes ?? 0
            callers.press(.call, address: address)
            guard await eventually(2, { (callers.keypad(address)?.echoes ?? 0) > echoes }) else { continue }
            box.update { $0.echoes += 1 }
            // Which ticket the window serves now, as the hall says.
            guard let state = try? await RawHTTP.request(port: port, "GET", "/api/state", token: "t-manager"),
                  let win = (state.json["windows"] as? [[String: Any]])?.first(where: { $0["number"] as? Int == w }),
                  let serving = (win["serving"] as? [String: Any])?["ticket"] as? String else {
                continue
            }
            let before = callers.keypad(address)?.echoes ?? 0
            callers.press(.evaluate, address: address)
            guard await eventually(2, { (callers.keypad(address)?.echoes ?? 0) > before }) else { continue }
            guard await eventually(2, { evaluators.unit(address)?.prompt == 1 }) else { continue }
            level = level == 3 ? 5 : level - 1
            evaluators.press(unit: address, key: UInt16(level))
            if await eventually(2, { evaluators.unit(address)?.prompt == 2 }) {
                box.update { $0.keypadRatings.append((w, serving, level)) }
            }
        }
    }
}
