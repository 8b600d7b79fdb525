import Foundation
import TestSupport
import Testing

/// The real counterd binary: demo mode end to end, shutdown on SIGTERM, refusal of a bad config.
@Suite struct DaemonTests {
    static let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func demoModeFillsReportsAndStopsCleanlyOnSIGTERM() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("counterd-daemon-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (p, port) = try await Daemon.start([
            "--config", Self.repo.appendingPathComponent("config/demo.toml").path,
            "--database", dir.appendingPathComponent("demo.sqlite").path, "--runtime-dir", dir.appendingPathComponent("run").path,
            "--listen", "127.0.0.1:0", "--demo", "--demo-speed", "300", "--log-level", "notice",
            "--profiles", Self.repo.appendingPathComponent("profiles").path])
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        try #require(port > 0, "counterd did not print its URL")
        // At 300× a few seconds are a busy hall morning. The demo's clerks press caller keys and its
        // citizens press evaluator keys on simulated devices, read by counterd's real drivers.
        var served = 0, rated = 0
        for _ in 0..<60 where rated == 0 {
            try await Task.sleep(for: .milliseconds(500))
            let r = try await RawHTTP.request(port: port, "GET", "/api/reports/windows", token: "demo-manager")
            let rows = r.json["rows"] as? [[String: Any]] ?? []
            served = rows.reduce(0) { $0 + ($1["served"] as? Int ?? 0) }
            rated = rows.reduce(0) { $0 + ($1["rated"] as? Int ?? 0) }
        }
        #expect(served > 0, "the demo served nobody")
        #expect(rated > 0, "no rating came through the simulated evaluators")
        let devices = try await RawHTTP.request(port: port, "GET", "/api/devices", token: "demo-display")
        let states = Dictionary(uniqueKeysWithValues: (devices.json["devices"] as? [[String: Any]] ?? []).map {
            ($0["id"] as? String ?? "", $0["state"] as? String ?? "")
        })
        // The simulated lines (callers, evaluators, window and hall screens, the kiosk printer) are up; the voice has no pack
        // here (the demo's --voice-pack is not given), which shows as absent, not as a failure.
        #expect(states == ["demo-callers": "connected", "demo-evaluators": "connected", "demo-screens": "connected", "demo-printer": "connected",
                           "voice": "absent"])
        let state = try await RawHTTP.request(port: port, "GET", "/api/state", token: "demo-display")
        #expect(state.status == 200 && state.json["hall"] as? String == "示范区政务服务中心")

        let start = Date()
        kill(p.processIdentifier, SIGTERM)
        try await offload { p.waitUntilExit() }
        #expect(p.terminationStatus == 0 && p.terminationReason == .exit)
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test func refusesToStartOnABadConfig() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).toml")
        try "[hall]\nname = 3\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let r = try await Command.run(Self.bin.appendingPathComponent("counterd"),
                                      ["--config", file.path, "--database", "/nonexistent/never.sqlite"])
        let text = r.err
        #expect(r.status == 78)
        #expect(text.contains("line 2: hall.name: must be a string, found integer"))
        #expect(text.contains("categories: at least one [[categories]] is needed"))
    }
}
