import Foundation
import TestSupport
import Testing

/// SIGHUP and SIGTERM against the real counterd binary, with a pymodbus evaluator on a pty as the device
/// that must survive a reload untouched and be set out of service by a stop.
@Suite struct DaemonReloadTests {
    static func config(port: String, windows: [Int], categories: [String], clerks: [String], extraTokens: [String] = [],
                       broken: Bool = false) -> String {
        TestHall.toml(name: "reload hall", windows: windows, categories: categories.map { ($0, "类\($0)", $0.uppercased()) },
                      clerks: clerks.map { ($0, "职员\($0)") }, tokens: ["t-w1", "t-kiosk", "t-display"] + extraTokens,
                      extra: TestHall.evaluatorLine(port: port) + (broken ? "[[windows]\nnumber = \n" : ""))
    }

    @Test func reloadAppliesChangesKeepsQueueAndDeviceRefusesBadConfigsAndStopDrains() async throws {
        let keypads: DaemonRatingTests.Keypads
        do { keypads = try DaemonRatingTests.Keypads() } catch {
            Issue.record("no test virtualenv with pymodbus at .venv: run `make test`, which creates it")
            return
        }
        let announced = try await offload { keypads.line() }
        let port = ((try? JSONSerialization.jsonObject(with: Data(announced.utf8))) as? [String: String])?["port"] ?? ""
        try #require(port.hasPrefix("/dev/pts/"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("counterd.toml")
        func write(_ text: String) throws { try text.write(to: file, atomically: true, encoding: .utf8) }
        try write(Self.config(port: port, windows: [1], categories: ["a"], clerks: ["c1"]))

        let (daemon, http, log) = try await Daemon.startLogged([
            "--config", file.path, "--database", dir.appendingPathComponent("hall.sqlite").path,
            "--runtime-dir", dir.appendingPathComponent("run").path, "--listen", "127.0.0.1:0", "--no-udev",
            "--profiles", DaemonTests.repo.appendingPathComponent("profiles").path, "--log-level", "info"])
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        try #require(http > 0, "counterd did not start: \(log.all)")
        func post(_ path: String, _ token: String, _ json: String = "{}") async throws -> Int {
            try await RawHTTP.request(port: http, "POST", path, token: token, json: json).status
        }
        func state() async throws -> [String: Any] { try await RawHTTP.request(port: http, "GET", "/api/state", token: "t-display").json }
        #expect(try await post("/api/windows/1/sign-in", "t-w1", #"{"clerk":"c1"}"#) == 200)
        #expect(try await post("/api/tickets", "t-kiosk", #"{"category":"a"}"#) == 201)
        #expect(try await post("/api/tickets", "t-kiosk", #"{"category":"a"}"#) == 201)
        #expect(await eventually(5) { log.count("device connected") == 1 })

        // 1. A good change: a window, a category, a clerk and a token more; the device line is unchanged.
        try write(Self.config(port: port, windows: [1, 2], categories: ["a", "b"], clerks: ["c1", "c2"], extraTokens: ["t-w2"]))
        kill(daemon.processIdentifier, SIGHUP)
        #expect(await eventually(5) { log.count("config reloaded") == 1 }, "\(log.all)")
        let after = try await state()
        let windows = after["windows"] as? [[String: Any]] ?? []
        #expect(windows.compactMap { $0["number"] as? Int }.sorted() == [1, 2])
        #expect((windows.first { $0["number"] as? Int == 1 }?["clerk"] as? [String: Any])?["id"] as? String == "c1", "the clerk on duty was dropped")
        #expect((after["waiting"] as? [[String: Any]])?.count == 2, "the queue did not survive the reload")
        #expect(try await post("/api/windows/2/sign-in", "t-w2", #"{"clerk":"c2"}"#) == 200, "the new token or clerk is not in force")
        #expect(try await post("/api/tickets", "t-kiosk", #"{"category":"b"}"#) == 201, "the new category is not in force")
        #expect(log.count("device connected") == 1 && log.count("device lost") == 0, "the unchanged device was reconnected")

        // 2. A config that does not parse is refused with its reason; the running config stays.
        try write(Self.config(port: port, windows: [1, 2], categories: ["a", "b"], clerks: ["c1", "c2"], broken: true))
        kill(daemon.processIdentifier, SIGHUP)
        #expect(await eventually(5) { log.count("config reload refused; the running config stays") == 1 })
        #expect(try await post("/api/windows/2/sign-out", "t-w2") == 200, "a refused reload changed the tokens")

        // 3. A config that would strand waiting tickets (category a removed) is refused, nothing applied.
        try write(Self.config(port: port, windows: [1, 2, 3], categories: ["b"], clerks: ["c1", "c2"]))
        kill(daemon.processIdentifier, SIGHUP)
        #expect(await eventually(5) { log.count("config reload refused; the running config stays") == 2 })
        #expect(log.all.contains("category a is removed but 2 ticket(s) of it are waiting"))
        #expect((try await state()["windows"] as? [[String: Any]])?.count == 2, "a refused reload added window 3")
        #expect(daemon.isRunning)

        // The figures an administrator graphs, at /metrics.
        let metrics = try await RawHTTP.request(port: http, "GET", "/metrics", token: nil).text
        for line in [#"counterd_tickets_issued_total{category="a"} 2"#, #"counterd_tickets_issued_total{category="b"} 1"#,
                     #"counterd_queue_length{category="a"} 2.0"#, #"counterd_queue_length{category="b"} 1.0"#,
                     #"counterd_device_up{device="bus-a"} 1.0"#, "counterd_windows_open 1.0"] {
            #expect(metrics.contains(line + "\n"), "no \(line) in /metrics")
        }
        #expect(metrics.contains(#"counterd_queue_longest_wait_seconds{category="a"}"#))
        #expect(metrics.contains("counterd_commit_seconds_bucket{le="))

        // 4. SIGTERM: the evaluator is told "out of service" (3) and the process exits 0 within 5 s.
        let start = Date()
        kill(daemon.processIdentifier, SIGTERM)
        try await offload { daemon.waitUntilExit() }
        let took = Date().timeIntervalSince(start)
        #expect(daemon.terminationStatus == 0 && daemon.terminationReason == .exit)
        #expect(took < 5, "stop took \(took) s")
        let prompts = try await offload { keypads.prompts() }
        #expect(prompts.last == 3, "the evaluator's last prompt was \(prompts), not out of service")
        #expect(log.all.contains("evaluators set out of service"))
    }
}
