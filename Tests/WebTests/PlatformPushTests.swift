import Foundation
import Store
import TestSupport
import Testing

/// The push to the 好差评 platform through the real counterd binary, against a fake platform written in
/// Python from the push description (Tests/Fixtures/platform/fake_platform.py) that answers 500, hangs past
/// the timeout and drops connections at random; a wrong token first, then counterd killed with SIGKILL in
/// the middle of pushing and started again.
@Suite struct PlatformPushTests {
    static let repo = DaemonTests.repo

    /// The fake platform process and its port.
    final class FakePlatform: @unchecked Sendable {
        let process = Process()
        let port: Int

        init(token: String, faults: Double, hang: Double = 1.2) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = [PlatformPushTests.repo.appendingPathComponent("Tests/Fixtures/platform/fake_platform.py").path,
                                 "--token", token, "--faults", String(faults), "--hang", String(hang)]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            var line = Data()
            while true {
                let b = out.fileHandleForReading.readData(ofLength: 1)
                if b.isEmpty || b == Data("\n".utf8) { break }
                line += b
            }
            port = Int(String(decoding: line, as: UTF8.self).split(separator: " ").last ?? "") ?? 0
        }

        func state() async throws -> [String: Any] {
            try await RawHTTP.request(port: port, "GET", "/state").json
        }

        deinit { process.terminate() }
    }

    static func start(config: URL, dir: URL) async throws -> (Process, Int) {
        try await Daemon.start(["--config", config.path, "--database", dir.appendingPathComponent("hall.sqlite").path,
                                "--runtime-dir", dir.appendingPathComponent("run").path, "--listen", "127.0.0.1:0", "--no-udev",
                                "--profiles", repo.appendingPathComponent("profiles").path,
                                "--platforms", repo.appendingPathComponent("platforms").path, "--log-level", "notice"])
    }

    /// One service at window 1, rated on the tablet: `bad` gives 不满意 with two reasons.
    static func serveAndRate(_ port: Int, bad: Bool, projectNo: String?) async throws {
        #expect(try await RawHTTP.request(port: port, "POST", "/api/tickets", token: "t-kiosk", json: #"{"category":"a"}"#).status == 201)
        #expect(try await RawHTTP.request(port: port, "POST", "/api/windows/1/call-next", token: "t-w1", json: "{}").status == 200)
        let finish = projectNo.map { #"{"outcome":"promised","project_no":"\#($0)"}"# } ?? #"{"outcome":"immediate"}"#
        #expect(try await RawHTTP.request(port: port, "POST", "/api/windows/1/finish", token: "t-w1", json: finish).status == 200)
        // A complete rating at once (an empty reasons list is not a tap whose reasons may follow): pushed without waiting.
        let rating = bad ? #"{"level":2,"reasons":["213","214"],"comment":"等了很久"}"# : #"{"level":5,"reasons":[]}"#
        #expect(try await RawHTTP.request(port: port, "POST", "/api/windows/1/rating", token: "t-w1", json: rating).status == 201)
    }

    @Test(.timeLimit(.minutes(3))) func everyRecordArrivesOnceInOrderThroughFaultsAndSIGKILL() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("counterd-push-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fake = try FakePlatform(token: "Bearer right-token", faults: 0.45)
        defer { fake.process.terminate() }
        #expect(fake.port > 0, "the fake platform did not start")
        let tokenFile = dir.appendingPathComponent("platform-token")
        try "Bearer wrong-token\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        let config = dir.appendingPathComponent("counterd.toml")
        try TestHall.toml(name: "推送测试大厅", tokens: ["t-w1", "t-kiosk", "t-manager"],
                          hallLines: "area_code = \"330102\"\ndept_code = \"11330102MB1234567X\"\n",
                          extra: """
                              [platform]
                              profile = "offline-report-json"
                              url = "http://127.0.0.1:\(fake.port)/api/evaluation"
                              auth_token_file = "\(tokenFile.path)"
                              timeout_seconds = 0.4
                              retry_first_seconds = 0.05
                              retry_max_seconds = 0.3

                              """).write(to: config, atomically: true, encoding: .utf8)
        var (daemon, port) = try await Self.start(config: config, dir: dir)
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        #expect(port > 0)
        #expect(try await RawHTTP.request(port: port, "POST", "/api/windows/1/sign-in", token: "t-w1", json: #"{"clerk":"c1"}"#).status == 200)

        // A wrong credential is named as such, not as a network fault; fixing the token file is enough.
        try await Self.serveAndRate(port, bad: false, projectNo: "BJ-2026-0001")
        let refused = await eventually(10) {
            let s = (try? await RawHTTP.request(port: port, "GET", "/api/platform", token: "t-manager").json) ?? [:]
            return s["problem"] as? String == "credential_refused"
        }
        let status = try await RawHTTP.request(port: port, "GET", "/api/platform", token: "t-manager").json
        #expect(refused && (status["message"] as? String)?.contains("凭据") == true && status["pending"] as? Int == 1, "\(status)")
        try "Bearer right-token\n".write(to: tokenFile, atomically: true, encoding: .utf8)

        // Ratings and a 差评 case's 回访 while the platform fails at random; SIGKILL half-way.
        var expected = 1
        for i in 0..<12 {
            try await Self.serveAndRate(port, bad: i % 4 == 1, projectNo: nil)
            expected += 1
        }
        let cases = try await RawHTTP.request(port: port, "GET", "/api/cases?state=open", token: "t-manager").json
        let firstCase = ((cases["cases"] as? [[String: Any]])?.first?["id"] as? String) ?? ""
        let contact = try await RawHTTP.request(port: port, "POST", "/api/cases/\(firstCase.replacingOccurrences(of: "/", with: "-"))/contact",
                                                token: "t-manager", json: #"{"method":"phone","citizen_said":"已致歉，下次注意"}"#)
        #expect(contact.status == 200, "\(contact.text)")
        expected += 1
        let beforeKill = (try await fake.state()["accepted"] as? [String])?.count ?? 0
        kill(daemon.processIdentifier, SIGKILL)
        daemon.waitUntilExit()
        (daemon, port) = try await Self.start(config: config, dir: dir)
        #expect(port > 0)
        for i in 0..<8 {
            try await Self.serveAndRate(port, bad: i == 3, projectNo: nil)
            expected += 1
        }
        let delivered = await eventually(90) { ((try? await fake.state())?["accepted"] as? [String])?.count == expected }
        let s = try await fake.state()
        let accepted = s["accepted"] as? [String] ?? []
        let seqs = s["seqs"] as? [Int] ?? []
        let faults = s["faults"] as? [String: Int] ?? [:]
        #expect(delivered && accepted.count == expected, "accepted \(accepted.count) of \(expected); fake: \(s["faults"] ?? ""), before kill \(beforeKill)")
        #expect(Set(accepted).count == accepted.count)
        #expect(seqs == seqs.sorted(), "the platform got the hall's records out of order: \(seqs)")
        // A resend of an accepted record can only be the one in flight at the kill (accepted by the platform,
        // the acceptance not yet written): its record id lets the platform drop it.
        let duplicates = s["duplicates_after_accept"] as? [String] ?? []
        #expect(duplicates.count <= 1, "records sent again after the platform accepted them: \(duplicates)")
        #expect((faults["500"] ?? 0) > 0 && (faults["hang"] ?? 0) > 0 && (faults["drop"] ?? 0) > 0, "the faults did not all happen: \(faults)")
        #expect((s["unauthorized"] as? Int ?? 0) > 0)

        // What arrived, field by field, against the log.
        let records = s["records"] as? [String: [String: Any]] ?? [:]
        let first = records[accepted[0]] ?? [:]
        #expect(first["projectNo"] as? String == "BJ-2026-0001" && first["satisfaction"] as? String == "5" && first["pf"] as? String == "4"
                && first["areaCode"] as? String == "330102" && first["deptCode"] as? String == "11330102MB1234567X"
                && first["handleType"] as? String == "1" && first["assessNumber"] as? Int == 1, "\(first)")
        let bad = records.values.filter { $0["satisfaction"] as? String == "2" }
        #expect(bad.count == 4 && bad.allSatisfy { $0["evalDetail"] as? String == "213,214" && $0["writingEvaluation"] as? String == "等了很久" })
        let generated = records.values.compactMap { $0["projectNo"] as? String }.filter { $0 != "BJ-2026-0001" }
        // Every record but the first (typed 办件编号) carries a generated one, the 回访 included.
        #expect(generated.count == expected - 1 && generated.allSatisfy { $0.hasPrefix("330102") && $0.count == 18 }, "\(generated)")
        let store = try EventStore.readOnly(path: dir.appendingPathComponent("hall.sqlite").path)
        for r in records.values {
            guard let seq = (r["assessId"] as? String)?.split(separator: "-").last.flatMap({ Int64($0) }) else { continue }
            #expect(r["eventHash"] as? String == (try store.eventHash(seq: seq)), "record \(seq) carries another hash than the log")
        }
        #expect((s["paths"] as? [String: Int])?["/api/evaluation/rectification"] ?? 0 >= 1, "the 回访 went elsewhere: \(s["paths"] ?? "")")
        // The last acceptance may still be on its way into the outbox when the platform has it.
        _ = await eventually(5) { (try? await RawHTTP.request(port: port, "GET", "/api/platform", token: "t-manager").json["pending"] as? Int) == 0 }
        let drained = try await RawHTTP.request(port: port, "GET", "/api/platform", token: "t-manager").json
        #expect(drained["pending"] as? Int == 0 && drained["accepted"] as? Int == expected && drained["problem"] == nil, "\(drained)")
        let metrics = try await RawHTTP.request(port: port, "GET", "/metrics").text
        #expect(metrics.contains("counterd_platform_outbox_pending 0") && metrics.contains(#"counterd_platform_records_total{result="accepted"}"#),
                "\(metrics.split(separator: "\n").filter { $0.contains("platform") })")
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
    }
}
