import Foundation
import Simulators
import TestSupport
import Testing

/// 预约取号 against the real daemon: the booking system's appointments by API and by counterctl's CSV
/// import, check-in on the kiosk's keypad (API), through a serial scanner on a pty and through a
/// keyboard-mode USB scanner under umockdev (evdev, grabbed); every bad code gets its reason and no
/// ticket; the 群众服务 report counts it all.
@Suite(.serialized) struct AppointmentTests {
    /// The hall's wall clock now: today and minutes since midnight, in Asia/Shanghai.
    static func hallNow(plus minutes: Int = 0) -> (day: String, minute: Int) {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let d = Date().addingTimeInterval(Double(minutes) * 60)
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute], from: d)
        return (String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!), c.hour! * 60 + c.minute!)
    }

    static func hhmm(_ m: Int) -> String { String(format: "%02d:%02d", m / 60, m % 60) }

    /// A slot [start, end] minutes from now, if it stays within today (the test runs near midnight otherwise).
    static func slot(_ from: Int, _ to: Int) -> (String, String)? {
        let now = hallNow()
        let a = now.minute + from, b = now.minute + to
        guard a >= 0, b <= 23 * 60 + 59 else { return nil }
        return (hhmm(a), hhmm(b))
    }

    static func appointment(_ code: String, day: String, _ slot: (String, String), category: String = "a") -> String {
        #"{"code":"\#(code)","day":"\#(day)","slot_start":"\#(slot.0)","slot_end":"\#(slot.1)","category":"\#(category)","name":"张三丰","phone":"13812341234"}"#
    }

    static func config(_ dir: URL, scanner: String) -> String {
        TestHall.toml(name: "预约测试大厅", windows: [1], categories: [("a", "户籍办理", "A")], tokens: ["t-w1", "t-kiosk", "t-manager", "t-display"],
                      extra: """
                      [kiosk]
                      appointments = true
                      appointment_early_minutes = 30
                      appointment_late_minutes = 15
                      priority_reasons = ["老年人", "残疾人"]
                      \(scanner)
                      """)
    }

    @Test func bookCheckInByKeypadAndSerialScannerAndReport() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("appt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let pty = try PseudoTerminal { _ in }
        try Self.config(dir, scanner: """
            [[devices]]
            id = "scanner-1"
            role = "scanner"
            transport = "serial"
            path = "\(pty.path)"
            profile = "scanner-serial"
            """).write(to: dir.appendingPathComponent("counterd.toml"), atomically: true, encoding: .utf8)
        let (daemon, port, log) = try await Daemon.startLogged(["--config", dir.appendingPathComponent("counterd.toml").path,
                                                                "--database", dir.appendingPathComponent("hall.sqlite").path,
                                                                "--runtime-dir", dir.appendingPathComponent("run").path,
                                                                "--profiles", DaemonTests.repo.appendingPathComponent("profiles").path,
                                                                "--listen", "127.0.0.1:0", "--no-udev", "--log-level", "info"])
        defer { kill(daemon.processIdentifier, SIGKILL) }
        try #require(port > 0, "\(log.all)")
        func post(_ path: String, _ token: String, _ json: String) async throws -> HTTPResult {
            try await RawHTTP.request(port: port, "POST", path, token: token, json: json)
        }
        func get(_ path: String, _ token: String) async throws -> HTTPResult { try await RawHTTP.request(port: port, "GET", path, token: token, body: nil) }
        #expect(try await post("/api/windows/1/sign-in", "t-w1", #"{"clerk":"c1"}"#).status == 200)

        let today = Self.hallNow().day, tomorrow = Self.hallNow(plus: 24 * 60).day
        let now = try #require(Self.slot(-10, 20), "the test needs 10 minutes either side of now within today")
        var batch = [Self.appointment("AP-GOOD1", day: today, now), Self.appointment("AP-GOOD2", day: today, now),
                     Self.appointment("AP-TOMORROW", day: tomorrow, ("09:00", "09:30")),
                     Self.appointment("AP-BAD", day: today, now, category: "zz")]
        let early = Self.slot(40, 50), late = Self.slot(-60, -20)
        if let early { batch.append(Self.appointment("AP-EARLY", day: today, early)) }
        if let late { batch.append(Self.appointment("AP-LATE", day: today, late)) }
        let booked = try await post("/api/appointments", "t-manager", #"{"appointments":[\#(batch.joined(separator: ","))]}"#)
        #expect(booked.status == 201 && booked.json["added"] as? Int == batch.count - 1, "\(booked.text)")
        let refused = booked.json["refused"] as? [[String: Any]] ?? []
        #expect(refused.count == 1 && refused.first?["code"] as? String == "AP-BAD" && refused.first?["field"] as? String == "category")
        // Only a manager or an admin books; the kiosk cannot.
        #expect(try await post("/api/appointments", "t-kiosk", Self.appointment("AP-X", day: today, now)).status == 403)
        // Stored masked: the booking system's full name and number are not kept.
        let list = try await get("/api/appointments?from=\(today)&to=\(tomorrow)", "t-manager").text
        #expect(list.contains("张*丰") && list.contains("138****1234") && !list.contains("13812341234") && !list.contains("张三丰"), "\(list)")

        // The keypad: a ticket once, then its reason for every other code.
        let first = try await post("/api/kiosk/appointments/check-in", "t-kiosk", #"{"code":"AP-GOOD1"}"#)
        #expect(first.status == 201 && first.json["number"] as? String == "A001" && first.json["priority"] as? Bool == true
                && first.json["priority_reason"] as? String == "预约" && first.json["appointment"] as? String == "AP-GOOD1", "\(first.text)")
        let again = try await post("/api/kiosk/appointments/check-in", "t-kiosk", #"{"code":"AP-GOOD1"}"#)
        #expect(again.status == 409 && again.errorCode == "appointment_used" && again.text.contains("A001"), "\(again.text)")
        let unknown = try await post("/api/kiosk/appointments/check-in", "t-kiosk", #"{"code":"AP-NOPE"}"#)
        #expect(unknown.status == 404 && unknown.errorCode == "appointment_unknown" && unknown.text.contains("没有找到这个预约号"))
        let other = try await post("/api/kiosk/appointments/check-in", "t-kiosk", #"{"code":"AP-TOMORROW"}"#)
        #expect(other.status == 409 && other.errorCode == "appointment_other_day" && other.text.contains(tomorrow))
        if early != nil {
            let r = try await post("/api/kiosk/appointments/check-in", "t-kiosk", #"{"code":"AP-EARLY"}"#)
            #expect(r.status == 409 && r.errorCode == "appointment_too_early" && r.text.contains("以后再来"), "\(r.text)")
        }
        if late != nil {
            let r = try await post("/api/kiosk/appointments/check-in", "t-kiosk", #"{"code":"AP-LATE"}"#)
            #expect(r.status == 409 && r.errorCode == "appointment_expired" && r.text.contains("已失效"), "\(r.text)")
        }
        func waiting() async throws -> [[String: Any]] { (try await get("/api/state", "t-display").json["waiting"] as? [[String: Any]]) ?? [] }
        #expect(try await waiting().count == 1, "no refused code issued a ticket")

        // The serial scanner: garbage first (dropped, counted), then an unknown code, then a good one.
        pty.write([0x41, 0x00, 0xFF, 0x0D, 0x0A])
        pty.write(Array("AP-NOPE\r\n".utf8))
        #expect(await eventually(5) { (try? await get("/api/kiosk", "t-kiosk").json["check_in"] as? [String: Any])?["code"] as? String == "appointment_unknown" })
        #expect(try await waiting().count == 1)
        pty.write(Array("AP-GOOD2\r\n".utf8))
        #expect(await eventually(5) { ((try? await waiting()) ?? []).count == 2 })
        // The screen's notice is set once the ticket is committed and recorded: wait for it too.
        func notice() async -> [String: Any]? { (try? await get("/api/kiosk", "t-kiosk").json["check_in"]) as? [String: Any] }
        #expect(await eventually(5) { ((await notice())?["ticket"] as? [String: Any])?["number"] as? String == "A002" })
        let shown = await notice()
        #expect((shown?["ticket"] as? [String: Any])?["number"] as? String == "A002" && shown?["message_zh"] as? String == "预约签到成功", "\(shown ?? [:])")
        let devices = try await get("/api/devices", "t-display").text
        #expect(devices.contains("scanner-1") && devices.contains(#""dropped_frames":1"#), "\(devices)")
        // The code is the citizen's credential: it is not in the log.
        #expect(!log.all.contains("AP-GOOD2") && !log.all.contains("AP-NOPE"), "a code was logged")

        // A 绿色通道 ticket with its reason; an unknown reason is refused.
        let elderly = try await post("/api/kiosk/tickets", "t-kiosk", #"{"category":"a","priority_reason":"老年人"}"#)
        #expect(elderly.status == 201 && elderly.json["priority_reason"] as? String == "老年人" && elderly.json["priority"] as? Bool == true)
        let stranger = try await post("/api/kiosk/tickets", "t-kiosk", #"{"category":"a","priority_reason":"路过"}"#)
        #expect(stranger.status == 409 && stranger.errorCode == "priority_reason_unknown", "\(stranger.text)")

        let report = try await get("/api/reports/citizens?from=\(today)&to=\(tomorrow)", "t-manager").json
        let rows = report["appointments"] as? [[String: Any]] ?? []
        let a = try #require(rows.first { $0["category"] as? String == "a" })
        #expect(a["booked"] as? Int == batch.count - 1 && a["arrived"] as? Int == 2 && a["late"] as? Int == 0)
        #expect(a["no_show"] as? Int == (late == nil ? 0 : 1), "\(a)")
        let priority = report["priority"] as? [[String: Any]] ?? []
        #expect(priority.contains { $0["reason"] as? String == "预约" && $0["tickets"] as? Int == 2 }, "\(priority)")
        #expect(priority.contains { $0["reason"] as? String == "老年人" && $0["tickets"] as? Int == 1 }, "\(priority)")
    }

    @Test func counterctlImportsAndAKeyboardScannerUnderUmockdevChecksIn() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/umockdev-run") else {
            Issue.record("umockdev-run is missing: run `make test`, which installs it")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("counterd.toml"), database = dir.appendingPathComponent("hall.sqlite")
        try Self.config(dir, scanner: """
            [[devices]]
            id = "scanner-usb"
            role = "scanner"
            transport = "evdev"
            path = "/dev/input/event6"
            profile = "scanner-usb-keyboard"
            """).write(to: config, atomically: true, encoding: .utf8)
        let today = Self.hallNow().day
        let slot = try #require(Self.slot(-5, 25), "the test needs the slot within today")
        // The booked code the recorded scan types second (Tests/Fixtures/umockdev/evdev-scanner-code.evemu: first an
        // unknown AP-0000-0000), and a bad row.
        let csv = "code,day,slot_start,slot_end,category,name,phone\r\nAP-8812-3456,\(today),\(slot.0),\(slot.1),a,王小明,13900001111\r\n"
            + "AP-9999,\(today),\(slot.0),\(slot.1),nope,李四,13900002222\r\n"
        try csv.write(to: dir.appendingPathComponent("booked.csv"), atomically: true, encoding: .utf8)
        let imported = try await Command.run(Daemon.bin.appendingPathComponent("counterctl"),
                                             ["appointments", "import", dir.appendingPathComponent("booked.csv").path,
                                              "--config", config.path, "--database", database.path])
        #expect(imported.status == 65 && imported.out.contains("added 1") && imported.out.contains("refused 1"), "\(imported.out)\(imported.err)")
        #expect(imported.err.contains("line 3: category"), "\(imported.err)")

        let fixtures = DaemonTests.repo.appendingPathComponent("Tests/Fixtures/umockdev")
        let (daemon, port, log) = try await Daemon.startLogged(
            ["--config", config.path, "--database", database.path, "--runtime-dir", dir.appendingPathComponent("run").path,
             "--profiles", DaemonTests.repo.appendingPathComponent("profiles").path, "--listen", "127.0.0.1:0", "--no-udev", "--log-level", "info"],
            wrapper: ["/usr/bin/umockdev-run", "-d", fixtures.appendingPathComponent("evdev-scanner.umockdev").path,
                      "-e", "/dev/input/event6=" + fixtures.appendingPathComponent("evdev-scanner-code.evemu").path])
        defer { kill(daemon.processIdentifier, SIGKILL) }
        try #require(port > 0, "\(log.all)")
        func get(_ path: String, _ token: String) async throws -> HTTPResult { try await RawHTTP.request(port: port, "GET", path, token: token, body: nil) }
        // The recording types the code 1.5 s after the device is opened.
        #expect(await eventually(10) {
            ((try? await get("/api/state", "t-display").json["waiting"] as? [[String: Any]]) ?? []).first?["number"] as? String == "A001"
        }, "\(log.all)")
        func notice() async -> [String: Any]? { (try? await get("/api/kiosk", "t-kiosk").json["check_in"]) as? [String: Any] }
        #expect(await eventually(5) { ((await notice())?["ticket"] as? [String: Any])?["appointment"] as? String == "AP-8812-3456" })
        // The unknown code before it issued nothing and was refused with its reason.
        #expect(((try await get("/api/state", "t-display").json["waiting"] as? [[String: Any]]) ?? []).count == 1)
        #expect(log.all.contains("appointment check-in refused") && log.all.contains("appointment_unknown"), "\(log.all)")
        let list = try await get("/api/appointments?from=\(today)", "t-manager").text
        #expect(list.contains("\(today)/A001") && list.contains("王*明"), "the check-in is recorded with the appointment: \(list)")
        #expect(log.all.contains("appointment checked in") && log.all.contains("scanner:scanner-usb"), "\(log.all)")
        let health = try await get("/api/devices", "t-display").text
        #expect(health.contains("scanner-usb") && health.contains("connected"), "\(health)")
    }
}
