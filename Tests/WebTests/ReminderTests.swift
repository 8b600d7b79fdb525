import Foundation
import TestSupport
import Testing

/// 叫号提醒 against the real daemon and a local gateway on 127.0.0.1: the message goes once, when the
/// configured number of tickets is ahead, retried after a gateway error; the number is sealed in
/// citizens.sqlite, never in the log (run at debug level) and never on a screen.
@Suite struct ReminderTests {
    @Test func theTurnNearMessageGoesOnceWhenOneTicketIsAhead() async throws {
        let gateway = try WebhookReceiver(failures: 1)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("remind-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try TestHall.toml(name: "提醒测试大厅", windows: [1], categories: [("a", "户籍办理", "A")], tokens: ["t-w1", "t-kiosk", "t-display", "t-manager"],
                          hallLines: "rating_blocks_next = false\n", extra: """
                          [reminders]
                          webhook = "http://127.0.0.1:\(gateway.port)/sms"
                          ahead = 1
                          token = "gw-secret"
                          template = "【{hall}】{number} 号前面还有 {ahead} 人，请到 {windows} 号窗口附近等候"
                          """).write(to: dir.appendingPathComponent("counterd.toml"), atomically: true, encoding: .utf8)
        let (daemon, port, log) = try await Daemon.startLogged(["--config", dir.appendingPathComponent("counterd.toml").path,
                                                                "--database", dir.appendingPathComponent("hall.sqlite").path,
                                                                "--runtime-dir", dir.appendingPathComponent("run").path,
                                                                "--listen", "127.0.0.1:0", "--no-udev", "--log-level", "debug"])
        defer { kill(daemon.processIdentifier, SIGKILL) }
        try #require(port > 0, "\(log.all)")
        func post(_ path: String, _ token: String, _ json: String = "{}") async throws -> HTTPResult {
            try await RawHTTP.request(port: port, "POST", path, token: token, json: json)
        }
        let phone = "13912345678"
        #expect(try await RawHTTP.request(port: port, "GET", "/api/kiosk", token: "t-kiosk", body: nil).json["reminder_ahead"] as? Int == 1)
        #expect(try await post("/api/windows/1/sign-in", "t-w1", #"{"clerk":"c1"}"#).status == 200)
        #expect(try await post("/api/kiosk/tickets", "t-kiosk", #"{"category":"a"}"#).status == 201)
        #expect(try await post("/api/kiosk/tickets", "t-kiosk", #"{"category":"a"}"#).status == 201)
        let mine = try await post("/api/kiosk/tickets", "t-kiosk", #"{"category":"a","phone":"139 1234 5678"}"#)
        #expect(mine.status == 201 && mine.json["number"] as? String == "A003" && !mine.text.contains(phone), "\(mine.text)")
        let bad = try await post("/api/kiosk/tickets", "t-kiosk", #"{"category":"a","phone":"12345"}"#)
        #expect(bad.status == 400 && bad.errorCode == "invalid_phone")
        // Two ahead: nothing yet. The kiosk answered after the reminder was checked (the barrier), so nothing is due.
        func metric(_ line: String) async -> Double? {
            let text = (try? await RawHTTP.request(port: port, "GET", "/metrics", token: nil, body: nil).text) ?? ""
            return text.split(separator: "\n").first { $0.hasPrefix(line + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
        }
        #expect(await metric(#"counterd_reminders_total{result="registered"}"#) == 1)
        #expect(await metric(#"counterd_reminders_total{result="due"}"#) == nil && gateway.requests.isEmpty, "sent with two ahead")
        // One served → one ahead → the message (after one gateway error, a retry).
        #expect(try await post("/api/windows/1/call-next", "t-w1").status == 200)
        #expect(await eventually(8) { gateway.requests.count >= 2 }, "\(gateway.requests)")
        let sent = gateway.requests.last ?? ""
        #expect(sent.hasPrefix("POST /sms HTTP/1.1") && sent.contains("Bearer gw-secret"))
        #expect(sent.contains(#""phone":"13912345678""#) && sent.contains("A003") && sent.contains("前面还有 1 人") && sent.contains("1 号窗口"), "\(sent)")
        // Once: more calls send nothing more.
        #expect(try await post("/api/windows/1/finish", "t-w1", #"{"outcome":"immediate"}"#).status == 200)
        let called = try await post("/api/windows/1/call-next", "t-w1")
        #expect(called.status == 200)
        let calledSeq = Double((called.json["events"] as? [[String: Any]])?.compactMap { $0["seq"] as? Int }.max() ?? 0)
        #expect(calledSeq > 0)
        // The barrier: the reminders were checked against this call.
        #expect(await eventually(5) { (await metric("counterd_reminders_checked_seq") ?? 0) >= calledSeq })
        #expect(await metric(#"counterd_reminders_total{result="due"}"#) == 1 && gateway.requests.count == 2)
        let metrics = try await RawHTTP.request(port: port, "GET", "/metrics", token: nil, body: nil).text
        #expect(metrics.contains(#"counterd_reminders_total{result="sent"} 1"#), "\(metrics.split(separator: "\n").filter { $0.contains("reminder") })")
        // The number is nowhere in the clear: not in the log, not in the files.
        #expect(!log.all.contains(phone) && !log.all.contains("1234 5678"), "the number was logged")
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) where file.hasPrefix("citizens.sqlite") || file.hasPrefix("hall.sqlite") {
            let data = try Data(contentsOf: dir.appendingPathComponent(file))
            #expect(data.range(of: Data(phone.utf8)) == nil, "\(file) holds the number in the clear")
        }
        let state = try await RawHTTP.request(port: port, "GET", "/api/state", token: "t-display", body: nil).text
        #expect(!state.contains(phone))
    }
}
