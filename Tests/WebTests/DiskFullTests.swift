import Foundation
import Simulators
import Store
import Testing
import TestSupport

/// The database on a 4 MB tmpfs that fills during service (issue 18, part 2): commands get 503 and the keypad
/// no "thank you" while nothing can be stored; once space is freed, service resumes without a restart, and
/// the log holds every acknowledged event once and nothing that was refused.
@Suite(.serialized) struct DiskFullTests {
    @Test func aFullDiskRefusesCommandsAndServiceResumesWhenSpaceIsFreed() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("counterd-full-\(UUID().uuidString)")
        let disk = dir.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        let mount = try await Command.run(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=4m", "counterd-test", disk.path])
        try #require(mount.status == 0, "this test mounts a 4 MB tmpfs and needs root (CAP_SYS_ADMIN): \(mount.err)")
        defer {
            _ = try? Process.run(URL(fileURLWithPath: "/bin/umount"), arguments: ["-l", disk.path]).waitUntilExit()
            try? FileManager.default.removeItem(at: dir)
        }
        let evaluators = try SimulatedModbusEvaluators(units: [1])
        let config = dir.appendingPathComponent("counterd.toml")
        try TestHall.toml(name: "满盘大厅", tokens: ["t-w1", "t-kiosk", "t-manager"], extra: TestHall.evaluatorLine(port: evaluators.path))
            .write(to: config, atomically: true, encoding: .utf8)
        let database = disk.appendingPathComponent("hall.sqlite").path
        let (daemon, port, log) = try await Daemon.startLogged(
            ["--config", config.path, "--database", database, "--runtime-dir", dir.appendingPathComponent("run").path,
             "--profiles", DaemonTests.repo.appendingPathComponent("profiles").path, "--listen", "127.0.0.1:0", "--no-udev", "--log-level", "info"])
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        try #require(port > 0)
        func post(_ path: String, _ token: String, _ body: String = "{}") async throws -> HTTPResult {
            try await RawHTTP.request(port: port, "POST", path, token: token, json: body)
        }
        #expect(try await post("/api/windows/1/sign-in", "t-w1", #"{"clerk":"c1"}"#).status == 200)
        var issued: [String] = []
        for _ in 0..<3 {
            let r = try await post("/api/kiosk/tickets", "t-kiosk", #"{"category":"a"}"#)
            #expect(r.status == 201)
            if let id = r.json["ticket"] as? String { issued.append(id) }
        }
        #expect(try await post("/api/windows/1/call-next", "t-w1").status == 200)
        #expect(try await post("/api/windows/1/finish", "t-w1").status == 200)
        #expect(await eventually(5) { evaluators.unit(1)?.prompt == 1 }, "the keypad never asked for a rating")

        // Fill the filesystem: a file grows until the kernel says no space is left.
        let filler = disk.appendingPathComponent("filler")
        #expect(FileManager.default.createFile(atPath: filler.path, contents: nil), "cannot create \(filler.path)")
        let handle = try FileHandle(forWritingTo: filler)
        let block = Data(repeating: 0xAB, count: 64 * 1024)
        while (try? handle.write(contentsOf: block)) != nil {}
        try handle.close()

        // Commands now fail with 503 (the WAL may still have room for a few: keep asking until one fails).
        var refused: HTTPResult?
        var storedWhileFull: [String] = []
        for i in 0..<2_000 {
            let r = try await post("/api/kiosk/tickets", "t-kiosk", #"{"category":"a","request_id":"full-\#(i)"}"#)
            if r.status == 201, let id = r.json["ticket"] as? String { storedWhileFull.append(id); continue }
            refused = r
            break
        }
        try #require(refused != nil, "no command was refused on a full disk")
        #expect(refused?.status == 503, "\(refused?.status ?? 0)")
        #expect((refused?.json["error"] as? [String: Any])?["code"] as? String == "storage_unavailable")
        #expect(((refused?.json["error"] as? [String: Any])?["message_zh"] as? String)?.contains("数据库") == true)
        issued += storedWhileFull

        // The keypad's press cannot be stored: the daemon says so, and the keypad never shows "thank you".
        let failures = log.count("commit failed")
        evaluators.press(unit: 1, key: 5)
        #expect(await eventually(5) { log.count("commit failed") > failures || log.count("rating press failed") > 0 }, "the press was not even tried")
        #expect(evaluators.unit(1)?.prompt != 2, "thank-you shown for a rating that was not stored")
        #expect(daemon.isRunning)

        // Space freed: the next press and the next ticket are stored, with no restart.
        try FileManager.default.removeItem(at: filler)
        var after: HTTPResult?
        _ = await eventually(10) {
            after = try? await post("/api/kiosk/tickets", "t-kiosk", #"{"category":"a","request_id":"after"}"#)
            return after?.status == 201
        }
        #expect(after?.status == 201, "service did not resume after space was freed: \(after?.status ?? 0)")
        if let id = after?.json["ticket"] as? String { issued.append(id) }
        evaluators.press(unit: 1, key: 4)
        #expect(await eventually(5) { evaluators.unit(1)?.prompt == 2 }, "no thank-you after space was freed")
        kill(daemon.processIdentifier, SIGTERM)
        try await offload { daemon.waitUntilExit() }

        // The log: every acknowledged ticket once, one rating (the 4 after the space came back), no gap.
        let store = try EventStore(path: database)
        let events = try store.events(after: 0)
        #expect(events.map(\.seq) == Array(1...Int64(events.count)), "the log has a gap")
        let ids = events.filter { $0.record.kind == .ticketIssued }.compactMap { $0.record.event.ticket }
        #expect(ids.sorted() == issued.sorted(), "issued \(ids.count), acknowledged \(issued.count)")
        let ratings = events.filter { $0.record.kind == .ticketRated }
        #expect(ratings.count == 1)
        let verify = try await Command.run(CounterctlTests.counterctl, ["verify", "--config", config.path, "--database", database])
        #expect(verify.status == 0, "\(verify)")
    }
}
