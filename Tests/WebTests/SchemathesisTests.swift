import Foundation
import Testing

/// schemathesis (PyPI, in the test virtualenv) against the real daemon and the checked-in openapi.yaml,
/// once with each role's token: no server error, and every status, content type and body as documented.
@Suite(.serialized) struct SchemathesisTests {
    static let schemathesis = DaemonTests.repo.appendingPathComponent(".venv/bin/schemathesis")

    @Test(arguments: ["t-manager", "t-kiosk", "t-display", "t-w1"])
    func theDaemonKeepsItsContract(token: String) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.schemathesis.path),
                     "run `make test-deps`: schemathesis belongs in .venv (Tests/requirements.txt)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try CounterctlTests.config(dir: dir) {
            TestHall.toml(name: "契约测试大厅", windows: [1, 2], clerks: [("c1", "张敏"), ("c2", "李娜")],
                          tokens: ["t-w1", "t-w2", "t-kiosk", "t-display", "t-manager"], extra: $0)
        }
        let (daemon, http) = try await Daemon.start(["--config", config.path, "--listen", "127.0.0.1:0", "--no-udev", "--log-level", "notice"])
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        try #require(http > 0)
        // Some state to find: a clerk at window 1 serving a ticket, one waiting.
        for (path, body, t) in [("/api/windows/1/sign-in", #"{"clerk":"c1"}"#, "t-w1"), ("/api/tickets", #"{"category":"a"}"#, "t-kiosk"),
                                ("/api/tickets", #"{"category":"a"}"#, "t-kiosk"), ("/api/windows/1/call-next", "{}", "t-w1")] {
            _ = try await RawHTTP.request(port: http, "POST", path, token: t, json: body)
        }
        // In its own working directory: schemathesis writes .hypothesis/ where it runs.
        let out = try await Command.run(Self.schemathesis, [
            "run", DaemonTests.repo.appendingPathComponent("Sources/HallAPI/openapi.yaml").path,
            "--url", "http://127.0.0.1:\(http)", "-H", "Authorization: Bearer \(token)",
            "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            "--max-examples", "25", "--exclude-path", "/api/events", "--seed", "2026", "--no-color",
        ], in: dir)
        let summary = out.out.split(separator: "\n").filter { $0.contains("❌") || $0.contains("Failures") || $0.hasPrefix("=") }
        #expect(out.status == 0, "schemathesis with \(token) found problems:\n\(summary.joined(separator: "\n"))\n\(out.out.suffix(6000))")
        #expect(daemon.isRunning, "the daemon survived the run")
    }
}
