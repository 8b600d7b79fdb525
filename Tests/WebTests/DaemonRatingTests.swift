import Foundation
import TestSupport
import Testing

/// The rating flow through the real counterd binary and a Modbus evaluator played by pymodbus:
/// press → stored → "thank you"; SIGKILL right after that acknowledgement → the rating survives.
@Suite struct DaemonRatingTests {
    static let repo = DaemonTests.repo

    /// pymodbus keypads (Tests/Fixtures/modbus/evaluators.py) driven through stdin.
    final class Keypads: @unchecked Sendable {
        let process = Process()
        let input = Pipe()
        let output = Pipe()

        init() throws {
            process.executableURL = DaemonRatingTests.repo.appendingPathComponent(".venv/bin/python")
            process.arguments = [DaemonRatingTests.repo.appendingPathComponent("Tests/Fixtures/modbus/evaluators.py").path, "1"]
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        func line() -> String {
            var data = Data()
            while true {
                let byte = output.fileHandleForReading.readData(ofLength: 1)
                if byte.isEmpty || byte == Data("\n".utf8) { break }
                data += byte
            }
            return String(decoding: data, as: UTF8.self)
        }

        func send(_ command: String) { input.fileHandleForWriting.write(Data((command + "\n").utf8)) }

        func prompts() -> [Int] {
            send("state")
            let all = (try? JSONSerialization.jsonObject(with: Data(line().utf8))) as? [String: [String: Any]]
            return all?["1"]?["prompts"] as? [Int] ?? []
        }

        deinit {
            send("quit")
            process.terminate()
        }
    }

    static func startDaemon(config: URL, dir: URL) async throws -> (Process, Int) {
        try await Daemon.start(["--config", config.path, "--database", dir.appendingPathComponent("hall.sqlite").path,
                                "--runtime-dir", dir.appendingPathComponent("run").path, "--listen", "127.0.0.1:0", "--no-udev",
                                "--profiles", repo.appendingPathComponent("profiles").path, "--log-level", "notice"])
    }

    @Test func aRatingAcknowledgedByThankYouSurvivesSIGKILL() async throws {
        let keypads: Keypads
        do { keypads = try Keypads() } catch {
            Issue.record("no test virtualenv with pymodbus at .venv: run `make test`, which creates it")
            return
        }
        let devicePort = try await offload { keypads.line() }
        let port = ((try? JSONSerialization.jsonObject(with: Data(devicePort.utf8))) as? [String: String])?["port"] ?? ""
        try #require(port.hasPrefix("/dev/pts/"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rating-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("counterd.toml")
        try TestHall.toml(name: "rating hall", tokens: ["t-w1", "t-kiosk", "t-manager"], extra: TestHall.evaluatorLine(port: port))
            .write(to: config, atomically: true, encoding: .utf8)

        let (first, firstPort) = try await Self.startDaemon(config: config, dir: dir)
        var http = firstPort
        try #require(http > 0, "counterd did not start")
        func post(_ path: String, _ token: String, _ json: String = "{}") async throws -> Int {
            try await RawHTTP.request(port: http, "POST", path, token: token, json: json).status
        }
        #expect(try await post("/api/windows/1/sign-in", "t-w1", #"{"clerk":"c1"}"#) == 200)
        #expect(try await post("/api/tickets", "t-kiosk", #"{"category":"a"}"#) == 201)
        #expect(try await post("/api/windows/1/call-next", "t-w1") == 200)
        #expect(try await post("/api/windows/1/finish", "t-w1") == 200)
        func prompts() async -> [Int] { (try? await offload { keypads.prompts() }) ?? [] }
        let asked = await eventually(5) { await prompts().last == 1 }
        #expect(asked, "the evaluator was not asked to rate")

        // The citizen presses 非常满意; the moment the keypad says "thank you", the service dies.
        keypads.send("press 1 5")
        let thanked = await eventually(5) { await prompts().last == 2 }
        kill(first.processIdentifier, SIGKILL)
        try await offload { first.waitUntilExit() }
        #expect(thanked, "no thank-you prompt")

        let (daemon, secondPort) = try await Self.startDaemon(config: config, dir: dir)
        http = secondPort
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        let report = try await RawHTTP.request(port: http, "GET", "/api/reports/windows", token: "t-manager")
        let row = (report.json["rows"] as? [[String: Any]])?.first
        #expect(row?["rated"] as? Int == 1 && row?["ratings"] as? [Int] == [0, 0, 0, 0, 1])
        // After the restart the same ticket cannot be rated again: the next press is a duplicate.
        try await Task.sleep(for: .milliseconds(500))
        keypads.send("press 1 1")
        let counted = await eventually(5) {
            let r = try? await RawHTTP.request(port: http, "GET", "/api/reports/windows", token: "t-manager")
            return ((r?.json["rows"] as? [[String: Any]])?.first?["ignored_presses"] as? Int) == 1
        }
        #expect(counted)
        let again = try await RawHTTP.request(port: http, "GET", "/api/reports/windows", token: "t-manager")
        #expect((again.json["rows"] as? [[String: Any]])?.first?["rated"] as? Int == 1)
        kill(daemon.processIdentifier, SIGTERM)
        try await offload { daemon.waitUntilExit() }
        #expect(daemon.terminationStatus == 0)
    }
}
