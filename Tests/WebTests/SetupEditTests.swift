import Foundation
import HallModel
import Store
import Testing

/// The setup pages' edits against the real daemon: an edit goes through the config checker and the
/// reload's rules, is refused with Chinese reasons when it would strand a waiting citizen (the running
/// setup and the edits file untouched), is applied at once when it is sound, is an event in the log with
/// the admin's account, survives a restart, shows in `counterctl config check`, and can be given back
/// to counterd.toml.
@Suite(.serialized) struct SetupEditTests {
    static func categories(_ aMinutes: Int, withB: Bool = true) -> String {
        var t = "[[categories]]\ncode = \"a\"\nname = \"甲\"\nprefix = \"A\"\ntime_limit_minutes = \(aMinutes)\nchecklist = [\"身份证\", \"户口簿\"]\ntask_code = \"330102-HJ-0001\"\n"
        if withB { t += "\n[[categories]]\ncode = \"b\"\nname = \"乙\"\nprefix = \"B\"\n" }
        return t
    }

    @Test(.timeLimit(.minutes(3))) func editsAreCheckedAppliedLoggedAndKept() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("setup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("counterd.toml")
        let database = dir.appendingPathComponent("hall.sqlite").path
        try TestHall.toml(name: "设置大厅", windows: [1, 2], categories: [("a", "甲", "A"), ("b", "乙", "B")], tokens: ["t-w1", "t-kiosk", "t-manager"],
                          extra: "[database]\npath = \"\(database)\"\n")
            .write(to: config, atomically: true, encoding: .utf8)
        var (daemon, port) = try await DaemonRatingTests.startDaemon(config: config, dir: dir)
        defer { kill(daemon.processIdentifier, SIGKILL); daemon.waitUntilExit() }
        try #require(port > 0)
        let add = try await Command.run(Daemon.bin.appendingPathComponent("counterctl"),
                                        ["user", "add", "root", "--role", "admin", "--config", config.path], input: "root-password\n")
        #expect(add.status == 0, "\(add.err)")
        var admin = try await AccountTests.login(port, "root", "root-password")
        func put(_ section: String, _ toml: String) async throws -> HTTPResult {
            let body = try JSONSerialization.data(withJSONObject: ["toml": toml])
            return try await RawHTTP.request(port: port, "PUT", "/api/admin/setup/\(section)", body: Array(body),
                                             extraHeaders: ["Cookie": admin.cookie, "X-CSRF-Token": admin.csrf])
        }
        let editsFile = dir.appendingPathComponent("setup-edits.toml").path

        // Where each section comes from: all from the file at first.
        let overview = try await RawHTTP.request(port: port, "GET", "/api/admin/setup", extraHeaders: ["Cookie": admin.cookie])
        let sections = overview.json["sections"] as? [[String: Any]] ?? []
        #expect(sections.count == 7 && sections.allSatisfy { $0["origin"] as? String == "file" }, "\(overview.text.prefix(400))")
        #expect(overview.json["edits_file"] as? String == editsFile)
        let windowsText = sections.first { $0["section"] as? String == "windows" }?["toml"] as? String
        #expect(windowsText?.contains("[[windows]]") == true, "\(String(describing: windowsText))")
        // A manager may read reports but not edit the setup.
        let manager = try await RawHTTP.request(port: port, "PUT", "/api/admin/setup/categories", token: "t-manager", body: Array(#"{"toml": ""}"#.utf8))
        #expect(manager.status == 403)

        // A citizen waits for 乙; no window may stop serving it.
        let ticket = try await RawHTTP.request(port: port, "POST", "/api/tickets", token: "t-kiosk", json: #"{"category": "b"}"#)
        #expect(ticket.status == 201)
        let stranding = "[[windows]]\nnumber = 1\ncategories = [\"a\"]\n\n[[windows]]\nnumber = 2\ncategories = [\"a\"]\n"
        let refused = try await put("windows", stranding)
        #expect(refused.status == 409 && refused.errorCode == "setup_refused", "\(refused.text)")
        let zh = (refused.json["error"] as? [String: Any])?["message_zh"] as? String ?? ""
        #expect(zh.contains("不再有窗口办理业务类别 b，但还有 1 人在等候") && zh.contains("原设置不变"), "\(zh)")
        #expect(!FileManager.default.fileExists(atPath: editsFile), "a refused edit must not be saved")
        // A checker error is refused the same way, naming the field in words (and only that error: no cascade).
        let bad = try await put("categories", "[[categories]]\ncode = \"a\"\nname = \"甲\"\nprefix = \"A\"\ntime_limit_minutes = -5\n\n[[categories]]\ncode = \"b\"\nname = \"乙\"\nprefix = \"B\"\n")
        #expect(bad.status == 409 && bad.text.contains("第 1 项业务的办理时限（分钟）：须在 1 到 1440 之间，现为 -5") && !bad.text.contains("没有名为"), "\(bad.text)")
        let other = try await put("categories", "[hall]\nname = \"x\"\n")
        #expect(other.status == 409 && other.text.contains("only [categories]"), "\(other.text)")

        // A sound edit: applied at once, saved, in the log with the admin's account.
        let applied = try await put("categories", Self.categories(45))
        #expect(applied.status == 200 && (applied.json["summary"] as? String ?? "").contains("修改类别：a"), "\(applied.text.prefix(400))")
        let state = try await RawHTTP.request(port: port, "GET", "/api/state", token: "t-kiosk")
        let a = (state.json["categories"] as? [[String: Any]] ?? []).first { $0["code"] as? String == "a" }
        #expect(a?["time_limit_minutes"] as? Int == 45 && (a?["checklist"] as? [String]) == ["身份证", "户口簿"], "\(String(describing: a))")
        let saved = (try? String(contentsOfFile: editsFile, encoding: .utf8)) ?? ""
        #expect(saved.contains("time_limit_minutes = 45"), "\(saved)")
        let after = try await RawHTTP.request(port: port, "GET", "/api/admin/setup", extraHeaders: ["Cookie": admin.cookie])
        #expect((after.json["sections"] as? [[String: Any]] ?? []).first { $0["section"] as? String == "categories" }?["origin"] as? String == "admin")
        let store = try EventStore.readOnly(path: database)
        let setupEvents = try store.events(after: 0).filter { $0.record.kind == .setupChanged }
        #expect(setupEvents.contains { $0.record.source == "account:root" }, "\(setupEvents.map { $0.record.source ?? "-" })")
        if case .setupChanged(let e)? = setupEvents.last?.record.event {
            #expect(e.origin == "admin" && e.sections == ["categories"] && e.summary.contains("修改类别：a"), "\(e)")
        } else { Issue.record("no setup_changed event") }
        let audit = try await RawHTTP.request(port: port, "GET", "/api/audit", token: "t-manager")
        let entries = audit.json["entries"] as? [[String: Any]] ?? []
        #expect(entries.contains { $0["action"] as? String == "setup_edit" && $0["ok"] as? Bool == true && $0["actor"] as? String == "root" })
        #expect(entries.contains { $0["action"] as? String == "setup_edit" && $0["ok"] as? Bool == false && ($0["detail"] as? String ?? "").contains("等候") })

        // counterctl config check reads both, and says which sections come from the pages.
        let check = try await Command.run(Daemon.bin.appendingPathComponent("counterctl"),
                                          ["config", "check", config.path, "--profiles", DaemonRatingTests.repo.appendingPathComponent("profiles").path])
        #expect(check.status == 0 && check.out.contains("setup-edits.toml") && check.out.contains("[categories]"), "\(check.out) \(check.err)")

        // A restart keeps the edit (and the SIGKILL above loses nothing: it was saved before the answer).
        kill(daemon.processIdentifier, SIGKILL)
        daemon.waitUntilExit()
        (daemon, port) = try await DaemonRatingTests.startDaemon(config: config, dir: dir)
        let restarted = try await RawHTTP.request(port: port, "GET", "/api/state", token: "t-kiosk")
        let a2 = (restarted.json["categories"] as? [[String: Any]] ?? []).first { $0["code"] as? String == "a" }
        #expect(a2?["time_limit_minutes"] as? Int == 45, "\(String(describing: a2))")

        // A clerk's PIN reset from the setup page: sign-in at the window then needs that PIN.
        admin = try await AccountTests.login(port, "root", "root-password")
        let pin = try await RawHTTP.request(port: port, "POST", "/api/admin/clerks/c1/pin", body: Array(#"{"pin": "4321"}"#.utf8),
                                            extraHeaders: ["Cookie": admin.cookie, "X-CSRF-Token": admin.csrf])
        #expect(pin.status == 200, "\(pin.text)")
        let badPin = try await RawHTTP.request(port: port, "POST", "/api/admin/clerks/c1/pin", body: Array(#"{"pin": "12"}"#.utf8),
                                               extraHeaders: ["Cookie": admin.cookie, "X-CSRF-Token": admin.csrf])
        #expect(badPin.status == 400 && badPin.errorCode == "invalid_pin", "\(badPin.text)")
        let noPin = try await RawHTTP.request(port: port, "POST", "/api/windows/1/sign-in", token: "t-w1", json: #"{"clerk": "c1"}"#)
        #expect(noPin.status != 200, "a PIN is needed now: \(noPin.text)")
        let signed = try await RawHTTP.request(port: port, "POST", "/api/windows/1/sign-in", token: "t-w1", json: #"{"clerk": "c1", "pin": "4321"}"#)
        #expect(signed.status == 200, "\(signed.text)")
        let clerksText = (try? String(contentsOfFile: editsFile, encoding: .utf8)) ?? ""
        #expect(clerksText.contains("pbkdf2-sha256$") && !clerksText.contains("4321"), "\(clerksText)")

        // Giving the section back to the file: counterd runs with the file's categories again.
        let back = try await RawHTTP.request(port: port, "DELETE", "/api/admin/setup/categories", extraHeaders: ["Cookie": admin.cookie, "X-CSRF-Token": admin.csrf])
        #expect(back.status == 200, "\(back.text)")
        let restored = try await RawHTTP.request(port: port, "GET", "/api/state", token: "t-kiosk")
        let a3 = (restored.json["categories"] as? [[String: Any]] ?? []).first { $0["code"] as? String == "a" }
        #expect(a3?["time_limit_minutes"] as? Int != 45, "\(String(describing: a3))")
    }
}
