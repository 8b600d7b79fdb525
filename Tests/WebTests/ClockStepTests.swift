import Foundation
import HallModel
import Store
import Testing
import TestSupport

/// The wall clock stepped back an hour, then forward a day, during service, through the real daemon (issue 18,
/// part 2). The daemon's wall clock is the system's plus the seconds in `--clock-offset-file` (its monotonic
/// clock is untouched, as under NTP or an administrator's `date -s`). The log never runs backwards, no wait
/// or service has a negative length, the rating timeout fires on monotonic time, and the business day
/// changes exactly once.
@Suite(.serialized) struct ClockStepTests {
    @Test func stepsOfTheWallClockNeitherRunServiceBackwardsNorStretchTimers() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("counterd-clock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let offset = dir.appendingPathComponent("offset")
        func step(to seconds: Int) throws { try "\(seconds)\n".write(to: offset, atomically: true, encoding: .utf8) }
        try step(to: 0)
        let config = dir.appendingPathComponent("counterd.toml")
        try TestHall.toml(name: "时钟大厅", tokens: ["t-w1", "t-kiosk", "t-manager"], hallLines: "timezone = \"Asia/Shanghai\"\nrating_timeout_seconds = 2\n")
            .write(to: config, atomically: true, encoding: .utf8)
        let database = dir.appendingPathComponent("hall.sqlite").path
        let (daemon, port, log) = try await Daemon.startLogged(
            ["--config", config.path, "--database", database, "--runtime-dir", dir.appendingPathComponent("run").path,
             "--listen", "127.0.0.1:0", "--no-udev", "--log-level", "info", "--clock-offset-file", offset.path])
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        try #require(port > 0)
        func post(_ path: String, _ token: String, _ body: String = "{}") async throws -> HTTPResult {
            try await RawHTTP.request(port: port, "POST", path, token: token, json: body)
        }
        func window() async throws -> [String: Any] {
            let s = try await RawHTTP.request(port: port, "GET", "/api/state", token: "t-manager")
            return (s.json["windows"] as? [[String: Any]])?.first ?? [:]
        }
        #expect(try await post("/api/windows/1/sign-in", "t-w1", #"{"clerk":"c1"}"#).status == 200)
        for _ in 0..<3 { #expect(try await post("/api/kiosk/tickets", "t-kiosk", #"{"category":"a"}"#).status == 201) }
        let today = try await RawHTTP.request(port: port, "GET", "/api/state", token: "t-manager").json["day"] as? String
        try #require(today?.isEmpty == false)
        #expect(try await post("/api/windows/1/call-next", "t-w1").status == 200)

        // Back an hour while A001 is being served.
        try step(to: -3600)
        #expect(await eventually(5) { log.count("the system clock stepped back") == 1 }, "the step back was not noticed")
        #expect(try await post("/api/windows/1/finish", "t-w1").status == 200)
        #expect(try await post("/api/windows/1/rating", "t-w1", #"{"level":5}"#).status == 201)
        // A002 is finished and not rated: the 2-second timeout fires on time, not an hour later.
        #expect(try await post("/api/windows/1/call-next", "t-w1").status == 200)
        #expect(try await post("/api/windows/1/finish", "t-w1").status == 200)
        let finished = ContinuousClock.now
        #expect(await eventually(8) { (try? await window())?["awaiting_rating"] == nil }, "the rating timeout did not fire")
        #expect(ContinuousClock.now - finished < .seconds(6), "the timeout took \(ContinuousClock.now - finished)")

        // Forward a day (from the real time): a new business day, once; A003 expires with the old day.
        try step(to: 86_400)
        let tomorrow = await { () async -> String? in
            var day: String?
            _ = await eventually(5) {
                day = try? await RawHTTP.request(port: port, "GET", "/api/state", token: "t-manager").json["day"] as? String
                return day != nil && day != today
            }
            return day
        }()
        #expect(tomorrow != nil && tomorrow != today, "the business day did not change")
        let next = try await post("/api/kiosk/tickets", "t-kiosk", #"{"category":"a"}"#)
        #expect(next.json["number"] as? String == "A001", "numbers restart on the new day: \(next.json)")
        // Another service and its timeout: ticks run all through it, and none starts a day again.
        #expect(try await post("/api/windows/1/call-next", "t-w1").status == 200)
        #expect(try await post("/api/windows/1/finish", "t-w1").status == 200)
        #expect(await eventually(8) { (try? await window())?["awaiting_rating"] == nil })
        kill(daemon.processIdentifier, SIGTERM)
        try await offload { daemon.waitUntilExit() }

        let events = try EventStore(path: database).events(after: 0)
        let times = events.map(\.record.at)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 }, "the log runs backwards")
        let starts = events.filter { $0.record.kind == .dayStarted }.map(\.record.day)
        #expect(starts.filter { $0 == tomorrow }.count == 1, "day starts: \(starts)")
        #expect(Set(starts).count == starts.count, "a day started twice: \(starts)")
        // Every wait (issue → call) and service (call → finish) is ≥ 0.
        var issuedAt: [String: Date] = [:], calledAt: [String: Date] = [:]
        var durations: [Double] = []
        for e in events {
            guard let t = e.record.event.ticket else { continue }
            switch e.record.kind {
            case .ticketIssued: issuedAt[t] = e.record.at
            case .ticketCalled:
                calledAt[t] = e.record.at
                if let i = issuedAt[t] { durations.append(e.record.at.timeIntervalSince(i)) }
            case .ticketFinished: if let c = calledAt[t] { durations.append(e.record.at.timeIntervalSince(c)) }
            default: break
            }
        }
        #expect(durations.count >= 6 && durations.allSatisfy { $0 >= 0 }, "\(durations)")
        let report = try await Command.run(CounterctlTests.counterctl, ["report", "windows", "--config", config.path, "--database", database,
                                                                         "--from", today ?? "", "--to", tomorrow ?? "", "--format", "csv"])
        #expect(report.status == 0 && !report.out.contains(",-"), "\(report.out)")
    }
}
