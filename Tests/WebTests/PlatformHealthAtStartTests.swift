import Foundation
import Testing

/// Right after a restart, `GET /api/platform` counts what the outbox holds: never zeros the pusher has not counted
/// yet. The platform is unreachable (a closed port) and its retry slow, so the records stay pending.
@Suite(.serialized) struct PlatformHealthAtStartTests {
    @Test(.timeLimit(.minutes(3))) func theCountsComeFromTheDatabaseFromTheFirstRequest() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("platform-start-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("counterd.toml")
        // Port 9 (discard): nothing listens there on a test machine, so every attempt is refused at once.
        let closed = 9
        try TestHall.toml(name: "推送健康大厅", tokens: ["t-w1", "t-kiosk", "t-manager"],
                          hallLines: "area_code = \"330102\"\ndept_code = \"11330102MB1234567X\"\n",
                          extra: """
                              [platform]
                              profile = "offline-report-json"
                              url = "http://127.0.0.1:\(closed)/api/evaluation"
                              retry_first_seconds = 60
                              retry_max_seconds = 60

                              """).write(to: config, atomically: true, encoding: .utf8)
        var (daemon, port) = try await PlatformPushTests.start(config: config, dir: dir)
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        try #require(port > 0)
        #expect(try await RawHTTP.request(port: port, "POST", "/api/windows/1/sign-in", token: "t-w1", json: #"{"clerk":"c1"}"#).status == 200)
        for _ in 0..<3 { try await PlatformPushTests.serveAndRate(port, bad: false, projectNo: nil) }
        kill(daemon.processIdentifier, SIGKILL)
        daemon.waitUntilExit()

        (daemon, port) = try await PlatformPushTests.start(config: config, dir: dir)
        try #require(port > 0)
        let first = try await RawHTTP.request(port: port, "GET", "/api/platform", token: "t-manager").json
        #expect(first["pending"] as? Int == 3 && first["accepted"] as? Int == 0, "the first answer after a start: \(first)")
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
    }
}
