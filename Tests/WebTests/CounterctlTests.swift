import Foundation
import TestSupport
import Testing

/// counterctl status and export against a running counterd and its real database file.
@Suite struct CounterctlTests {
    static let counterctl = Daemon.bin.appendingPathComponent("counterctl")

    static func config(dir: URL) throws -> URL {
        try config(dir: dir) { TestHall.toml(name: "导出测试大厅", categories: [("hukou", "户籍, \"迁移\"", "A")], tokens: ["t-w1", "t-kiosk", "t-manager"], extra: $0) }
    }

    /// Writes `dir/counterd.toml` from `toml(extra)`, with the database and runtime directory in `dir`.
    static func config(dir: URL, _ toml: (String) -> String) throws -> URL {
        let file = dir.appendingPathComponent("counterd.toml")
        try toml("""
            [database]
            path = "\(dir.appendingPathComponent("hall.sqlite").path)"
            [server]
            runtime_dir = "\(dir.appendingPathComponent("run").path)"
            """).write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func statusAndExportsFromALiveHall() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ctl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try Self.config(dir: dir)
        let ctl = { (args: [String]) in try await Command.run(Self.counterctl, args + ["--config", config.path]) }

        let stopped = try await ctl(["status"])
        #expect(stopped.status == 3 && stopped.out.contains("not running"), "\(stopped)")

        let (daemon, http) = try await Daemon.start(["--config", config.path, "--listen", "127.0.0.1:0", "--no-udev", "--log-level", "notice"])
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        try #require(http > 0)
        func post(_ path: String, _ token: String, _ json: String = "{}") async throws -> Int {
            try await RawHTTP.request(port: http, "POST", path, token: token, json: json).status
        }
        #expect(try await post("/api/windows/1/sign-in", "t-w1", #"{"clerk":"c1"}"#) == 200)
        for _ in 0..<3 { #expect(try await post("/api/tickets", "t-kiosk", #"{"category":"hukou"}"#) == 201) }
        #expect(try await post("/api/windows/1/call-next", "t-w1") == 200)
        #expect(try await post("/api/windows/1/finish", "t-w1") == 200)
        #expect(try await post("/api/windows/1/rating", "t-w1", #"{"level":2,"reasons":["213"]}"#) == 201)
        #expect(try await post("/api/windows/1/call-next", "t-w1") == 200)

        // status: the queue and the window as the administrator sees them.
        _ = await eventually(6) { (try? await ctl(["status"]))?.out.contains("A002") == true }
        let running = try await ctl(["status"])
        #expect(running.status == 0, "\(running)")
        #expect(running.out.contains("导出测试大厅") && running.out.contains("张敏") && running.out.contains("A002"), "\(running.out)")
        let json = try await ctl(["status", "--json"])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        #expect(parsed?["running"] as? Bool == true)
        let status = parsed?["status"] as? [String: Any]
        #expect((status?["queues"] as? [[String: Any]])?.first?["waiting"] as? Int == 1)
        #expect((status?["windows"] as? [[String: Any]])?.first?["state"] as? String == "serving")

        // export tickets: CSV with a BOM and CRLF, read back by Python's csv module.
        let csvFile = dir.appendingPathComponent("tickets.csv")
        let exported = try await ctl(["export", "tickets", "--keys", "-o", csvFile.path])
        #expect(exported.status == 0, "\(exported)")
        // Without --keys the headers are Chinese; the windows report has exactly the dashboard CSV's header line.
        let chinese = try await ctl(["export", "tickets", "--no-bom"])
        #expect(chinese.out.hasPrefix("日期,号码,业务类别编码,业务类别,优先,状态,取号时间"), "\(chinese.out.prefix(120))")
        let ctlWindows = try await ctl(["export", "windows", "--no-bom"])
        let pageWindows = try await RawHTTP.request(port: http, "GET", "/api/export/windows.csv", token: "t-manager")
        let firstLine = { (t: String) in t.replacingOccurrences(of: "\u{FEFF}", with: "").components(separatedBy: "\r\n").first ?? "" }
        #expect(firstLine(ctlWindows.out) == firstLine(pageWindows.text) && firstLine(ctlWindows.out).hasPrefix("排名,编号,窗口,办结"),
                "counterctl: \(firstLine(ctlWindows.out)) page: \(firstLine(pageWindows.text))")
        let keyed = try await ctl(["report", "windows", "--format", "csv", "--keys"])
        #expect(keyed.out.hasPrefix("rank,key,name,served"), "\(keyed.out.prefix(80))")
        let bytes = try Data(contentsOf: csvFile)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "no UTF-8 BOM")
        #expect(!FileManager.default.fileExists(atPath: csvFile.path + ".part"))
        let check = try await Command.run(URL(fileURLWithPath: "/usr/bin/python3"), ["-c", """
            import csv, json, sys
            rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
            print(json.dumps([[r["number"], r["category_name"], r["status"], r["clerk_name"], r["rating"], r["rating_name"]] for r in rows], ensure_ascii=False))
            """, csvFile.path])
        let table = try JSONSerialization.jsonObject(with: Data(check.out.utf8)) as? [[String]]
        #expect(table == [["A001", "户籍, \"迁移\"", "served", "张敏", "2", "不满意"],
                          ["A002", "户籍, \"迁移\"", "called", "张敏", "", ""],
                          ["A003", "户籍, \"迁移\"", "waiting", "", "", ""]], "\(check)")

        // export cases and a report as XLSX: read back by openpyxl (the 不满意 above opened a case).
        let casesFile = dir.appendingPathComponent("cases.xlsx"), windowsFile = dir.appendingPathComponent("windows.xlsx")
        #expect(try await ctl(["export", "cases", "--format", "xlsx", "-o", casesFile.path]).status == 0)
        #expect(try await ctl(["export", "windows", "--format", "xlsx", "-o", windowsFile.path]).status == 0)
        #expect(try await ctl(["export", "tickets", "--format", "xlsx", "-o", windowsFile.path + "x"]).status == 64, "xlsx is for reports and cases")
        let book = try await Command.run(DaemonTests.repo.appendingPathComponent(".venv/bin/python"), ["-W", "error::UserWarning", "-c", """
            import json, sys, openpyxl
            out = []
            for f in sys.argv[1:]:
                ws = openpyxl.load_workbook(f).active
                out.append([ws.title] + [[c.value for c in r][:6] for r in ws.iter_rows()])
            print(json.dumps(out, ensure_ascii=False))
            """, casesFile.path, windowsFile.path])
        #expect(book.status == 0, "\(book.err)")
        let sheets = (try? JSONSerialization.jsonObject(with: Data(book.out.utf8))) as? [[Any]] ?? []
        #expect(sheets.count == 2 && sheets[0].first as? String == "差评工单" && sheets[0].count == 3, "\(book.out)")
        #expect((sheets.first?[2] as? [Any])?[5] as? String == "不满意", "\(book.out)")
        #expect(sheets.last?.first as? String == "窗口评价" && ((sheets.last?[2] as? [Any])?[3] as? Int) == 1, "served 1: \(book.out)")

        // export events as JSON lines: every event of the day, in order, as the log holds it.
        let events = try await ctl(["export", "events", "--format", "jsonl"])
        let lines = events.out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let seqs = lines.compactMap { $0["seq"] as? Int }
        #expect(!seqs.isEmpty && seqs == Array(1...seqs.count), "events not gap-free from 1: \(seqs)")
        let kinds = lines.compactMap { ($0["event"] as? [String: Any])?["kind"] as? String }
        #expect(kinds.first == "day_started" && kinds.filter { $0 == "ticket_issued" }.count == 3 && kinds.contains("ticket_rated"))

        // export a report as CSV; a bad range is a usage error.
        let report = try await ctl(["export", "windows", "--no-bom", "--keys"])
        #expect(report.status == 0 && report.out.hasPrefix("rank,key,name,served"), "\(report)")
        #expect(try await ctl(["export", "tickets", "--from", "2026-13-01"]).status == 64)
        #expect(try await ctl(["export", "events", "--format", "json"]).status == 64)

        // --json on the other read commands.
        let checked = try await Command.run(Self.counterctl, ["config", "check", config.path, "--json",
                                                              "--profiles", DaemonTests.repo.appendingPathComponent("profiles").path])
        #expect((try? JSONSerialization.jsonObject(with: Data(checked.out.utf8)) as? [String: Any])?["ok"] as? Bool == true, "\(checked)")
        try "[hall]\nname = 3\n".write(to: dir.appendingPathComponent("bad.toml"), atomically: true, encoding: .utf8)
        let bad = try await Command.run(Self.counterctl, ["config", "check", dir.appendingPathComponent("bad.toml").path, "--json"])
        let badJSON = try? JSONSerialization.jsonObject(with: Data(bad.out.utf8)) as? [String: Any]
        #expect(bad.status == 78 && badJSON?["ok"] as? Bool == false && !((badJSON?["issues"] as? [Any]) ?? []).isEmpty, "\(bad)")
        let reportJSON = try await ctl(["report", "windows", "--json"])
        let reportRows = try? JSONSerialization.jsonObject(with: Data(reportJSON.out.utf8)) as? [[String: Any]]
        #expect(reportRows?.count == 1 && reportRows?.first?["ratings"] as? [Int] == [0, 1, 0, 0, 0], "\(reportJSON)")

        // After a stop the status file is gone and status says so.
        kill(daemon.processIdentifier, SIGTERM)
        try await offload { daemon.waitUntilExit() }
        let after = try await ctl(["status", "--json"])
        #expect(after.status == 3)
        #expect((try JSONSerialization.jsonObject(with: Data(after.out.utf8)) as? [String: Any])?["running"] as? Bool == false)
    }
}

/// The recorded log (Tests/Fixtures/log) through the shipped binaries: `counterctl rebuild --check` finds
/// its projections equal a rebuild, and counterd refuses to start on a log with an event it cannot read.
@Suite struct LogFixtureBinaryTests {
    static func hallDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fixture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        _ = try CounterctlTests.config(dir: dir) {
            TestHall.toml(name: "测试大厅", windows: [1, 2, 3],
                          categories: [("hukou", "户籍", "A"), ("social", "社保", "B"), ("tax", "税务", "C")],
                          clerks: [("c1", "张敏"), ("c2", "李娜"), ("c3", "王强")], extra: $0)
        }
        return dir
    }

    @Test func rebuildCheckPassesOnTheRecordedLog() async throws {
        let dir = try Self.hallDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let store = try LogFixture.load(into: dir.appendingPathComponent("hall.sqlite").path)
            try store.rebuildProjections()
        }
        let out = try await Command.run(CounterctlTests.counterctl, ["rebuild", "--check", "--json",
                                                                     "--config", dir.appendingPathComponent("counterd.toml").path])
        #expect(out.status == 0, "\(out)")
        let parsed = try JSONSerialization.jsonObject(with: Data(out.out.utf8)) as? [String: Any]
        #expect(parsed?["equal"] as? Bool == true && (parsed?["tickets"] as? Int ?? 0) > 5, "\(out.out)")
    }

    /// `counterctl verify`: exit 0 and the day anchors on the recorded log; 65 and the seq once a row is
    /// edited with plain SQL.
    @Test func verifyNamesTheSeqWhereTheChainBreaks() async throws {
        let dir = try Self.hallDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("hall.sqlite").path
        let config = dir.appendingPathComponent("counterd.toml").path
        let store = try LogFixture.load(into: path)
        let ok = try await Command.run(CounterctlTests.counterctl, ["verify", "--json", "--config", config])
        #expect(ok.status == 0, "\(ok)")
        let parsed = try JSONSerialization.jsonObject(with: Data(ok.out.utf8)) as? [String: Any]
        #expect(parsed?["intact"] as? Bool == true && parsed?["checked"] as? Int == 64
                && (parsed?["day_anchors"] as? [String: String])?.count == 3, "\(ok.out)")
        // An outsider's recomputation (Python's sqlite3 and hashlib, Tests/Fixtures/log/chain.py) agrees row by row.
        let python = try await Command.run(URL(fileURLWithPath: "/usr/bin/python3"),
                                           [DaemonTests.repo.appendingPathComponent("Tests/Fixtures/log/chain.py").path, path])
        #expect(python.out.trimmingCharacters(in: .whitespacesAndNewlines) == "64 0 \(parsed?["last_hash"] as? String ?? "-")", "\(python)")
        // The daily export carries the chain: its last row's hash is the day's anchor.
        let anchors = parsed?["day_anchors"] as? [String: String] ?? [:]
        let day = try #require(anchors.keys.sorted().first)
        let export = try await Command.run(CounterctlTests.counterctl, ["export", "events", "--from", day, "--to", day, "--format", "jsonl", "--config", config])
        let last = export.out.split(separator: "\n").last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(export.status == 0 && last?["hash"] as? String == anchors[day], "\(export)")
        try LogFixture.tamper(store, "DROP TRIGGER events_no_update; UPDATE events SET payload = replace(payload, 'script', 'sqlite3') WHERE seq = 12")
        let bad = try await Command.run(CounterctlTests.counterctl, ["verify", "--config", config])
        #expect(bad.status == 65 && bad.out.contains("BROKEN at seq 12"), "\(bad)")
    }

    /// `counterctl clerk pin ID`: the PIN from stdin becomes a pin_hash line; pasted into the clerk's entry the
    /// config checks, a PIN that is not 4–8 digits and an unknown clerk are refused with the reason.
    @Test func clerkPinMakesTheConfigLine() async throws {
        let dir = try Self.hallDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("counterd.toml")
        let made = try await Command.run(CounterctlTests.counterctl, ["clerk", "pin", "c2", "--config", config.path], input: "8642\n")
        #expect(made.status == 0 && made.out.contains("id = \"c2\" (李娜)"), "\(made)")
        let line = try #require(made.out.split(separator: "\n").first { $0.hasPrefix("pin_hash = ") })
        let text = try String(contentsOf: config, encoding: .utf8)
        try text.replacingOccurrences(of: "name = \"李娜\"\n", with: "name = \"李娜\"\n\(line)\n").write(to: config, atomically: true, encoding: .utf8)
        let check = try await Command.run(CounterctlTests.counterctl, ["config", "check", config.path])
        #expect(check.status == 0, "\(check)")
        let short = try await Command.run(CounterctlTests.counterctl, ["clerk", "pin", "c2", "--config", config.path], input: "12\n")
        #expect(short.status == 64 && short.err.contains("4 to 8 digits"), "\(short)")
        let nobody = try await Command.run(CounterctlTests.counterctl, ["clerk", "pin", "c9", "--config", config.path], input: "1234\n")
        #expect(nobody.status == 64 && nobody.err.contains("no clerk \"c9\""), "\(nobody)")
        try text.replacingOccurrences(of: "name = \"李娜\"\n", with: "name = \"李娜\"\npin_hash = \"1234\"\n").write(to: config, atomically: true, encoding: .utf8)
        let bad = try await Command.run(CounterctlTests.counterctl, ["config", "check", config.path])
        #expect(bad.status == 78 && (bad.out + bad.err).contains("pin_hash"), "\(bad)")
    }

    /// One writer: while counterd runs, `counterctl rebuild` is refused with a message that says so, and a
    /// second counterd on the same database does not start; `rebuild --check` and reports still work.
    @Test func onlyOneWriterWhileCounterdRuns() async throws {
        let dir = try Self.hallDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("counterd.toml").path
        let (daemon, http) = try await Daemon.start(["--config", config, "--listen", "127.0.0.1:0", "--no-udev", "--log-level", "notice"])
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        try #require(http > 0)
        let rebuild = try await Command.run(CounterctlTests.counterctl, ["rebuild", "--config", config])
        #expect(rebuild.status == 75 && rebuild.err.contains("open for writing by another process (pid \(daemon.processIdentifier))")
                && rebuild.err.contains("stop it first"), "\(rebuild)")
        let second = try await Command.run(Daemon.bin.appendingPathComponent("counterd"), ["--config", config, "--listen", "127.0.0.1:0", "--no-udev"])
        #expect(second.status == 75 && second.err.contains("open for writing by another process"), "\(second)")
        let check = try await Command.run(CounterctlTests.counterctl, ["rebuild", "--check", "--config", config])
        #expect(check.status == 0, "\(check)")
        let report = try await Command.run(CounterctlTests.counterctl, ["report", "windows", "--json", "--config", config])
        #expect(report.status == 0, "\(report)")
        kill(daemon.processIdentifier, SIGTERM)
        try await offload { daemon.waitUntilExit() }
        let after = try await Command.run(CounterctlTests.counterctl, ["rebuild", "--config", config])
        #expect(after.status == 0 && after.out.contains("rebuilt projections"), "\(after)")
    }

    @Test func counterdRefusesALogWithAnEventItCannotRead() async throws {
        let dir = try Self.hallDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let next: Int64
        do {
            // Closed before counterd starts: one writer at a time.
            let store = try LogFixture.load(into: dir.appendingPathComponent("hall.sqlite").path)
            next = try store.lastSeq() + 1
            try LogFixture.insertRaw(store, seq: next, kind: "ticket_called",
                                     payload: #"{"at":1796000000000,"day":"2026-12-01","kind":"ticket_called","window":1}"#)
        }
        let out = try await Command.run(Daemon.bin.appendingPathComponent("counterd"), [
            "--config", dir.appendingPathComponent("counterd.toml").path, "--listen", "127.0.0.1:0", "--no-udev"])
        #expect(out.status == 65, "\(out)")
        #expect(out.err.contains("seq \(next)") && out.err.contains("ticket_called") && out.err.contains("\"clerk\" is missing"), "\(out.err)")
    }
}

@Suite struct BenchCommandLineTests {
    /// `--help` prints the usage and exits: it never starts a benchmark (which writes gigabytes).
    @Test func helpPrintsUsageAndExits() async throws {
        let out = try await Command.run(Daemon.bin.appendingPathComponent("counterd-bench"), ["--help"])
        #expect(out.status == 0 && out.out.contains("USAGE: counterd-bench") && !out.out.contains("cores, data in"), "\(out)")
        let bad = try await Command.run(Daemon.bin.appendingPathComponent("counterd-bench"), ["--only", "everything"])
        #expect(bad.status == 64 && bad.err.contains("ingest"), "\(bad)")
    }
}

extension CounterctlTests {
    /// A hall that uploads to the 好差评 platform by hand: status and `counterctl platform` show what waits,
    /// `export haocaiping` writes it in a profile's shape, `config check` finds the profile or names the choices.
    @Test func haocaipingFileDropStatusAndCheck() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ctl-hcp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let platforms = DaemonTests.repo.appendingPathComponent("platforms").path
        let config = try CounterctlTests.config(dir: dir) {
            TestHall.toml(name: "手工上报大厅", tokens: ["t-w1", "t-kiosk", "t-manager"], hallLines: "area_code = \"330102\"\n",
                          extra: "[platform]\nprofile = \"gbt39046\"\ntransport = \"file\"\n" + $0)
        }
        let ctl = { (args: [String]) in try await Command.run(CounterctlTests.counterctl, args + ["--config", config.path]) }
        let (daemon, http) = try await Daemon.start(["--config", config.path, "--listen", "127.0.0.1:0", "--no-udev", "--log-level", "notice"])
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        try #require(http > 0)
        func post(_ path: String, _ json: String = "{}") async throws -> Int {
            try await RawHTTP.request(port: http, "POST", path, token: path.hasPrefix("/api/tickets") ? "t-kiosk" : "t-w1", json: json).status
        }
        #expect(try await post("/api/windows/1/sign-in", #"{"clerk":"c1"}"#) == 200)
        for (i, rating) in [#"{"level":1,"reasons":["115","113"],"comment":"跑了三次"}"#, #"{"level":4}"#].enumerated() {
            #expect(try await post("/api/tickets", #"{"category":"a"}"#) == 201)
            #expect(try await post("/api/windows/1/call-next") == 200)
            #expect(try await post("/api/windows/1/finish", i == 0 ? #"{"outcome":"immediate","project_no":"330102-2026-000123"}"# : #"{"outcome":"joint"}"#) == 200)
            #expect(try await post("/api/windows/1/rating", rating) == 201)
        }
        // A file-drop hall's records wait for the next export: said as such, not as an outage.
        _ = await eventually(6) { (try? await ctl(["status"]))?.out.contains("2 条待导出") == true }
        let status = try await ctl(["status"])
        #expect(status.out.contains("好差评 platform: file gbt39046") && status.out.contains("手工上报 file drop: 2 条待导出") && !status.out.contains("PROBLEM"),
                "\(status.out)")
        let listed = try await ctl(["platform", "--json"])
        let summary = ((try? JSONSerialization.jsonObject(with: Data(listed.out.utf8))) as? [String: Any])?["summary"] as? [String: Any]
        #expect(listed.status == 0 && summary?["pending"] as? Int == 2, "\(listed)")

        let out = dir.appendingPathComponent("hcp.jsonl")
        let export = try await ctl(["export", "haocaiping", "--platforms", platforms, "-o", out.path])
        #expect(export.status == 0 && export.err.contains("2 records (gbt39046)"), "\(export)")
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n")
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 2)
        #expect(lines.first?["满意度代码"] as? Int == 5 && lines.first?["评价指标"] as? String == "115,113" && lines.first?["文字评价"] as? String == "跑了三次"
                && lines.first?["办件编号"] as? String == "330102-2026-000123" && lines.first?["评价渠道"] as? String == "4", "\(lines)")
        #expect(lines.last?["满意度代码"] as? Int == 2 && (lines.last?["办件编号"] as? String)?.hasPrefix("330102") == true)
        let other = try await ctl(["export", "haocaiping", "--platforms", platforms, "--profile", "offline-report-json"])
        #expect(other.out.contains(#""satisfaction":"1""#) && other.out.contains(#""evalDetail":"115,113""#), "\(other)")

        // The reasons in the reports and exports: counts and their share of the level's ratings.
        let report = try await ctl(["report", "windows", "--reasons", "--json"])
        let rows = (try? JSONSerialization.jsonObject(with: Data(report.out.utf8))) as? [[String: Any]] ?? []
        #expect(rows.count == 2 && rows.allSatisfy { $0["count"] as? Int == 1 && $0["rate"] as? Double == 1 && $0["level_name"] as? String == "非常不满意" }
                && Set(rows.compactMap { $0["code"] as? String }) == ["113", "115"], "\(report)")
        let table = try await ctl(["report", "clerks", "--reasons"])
        #expect(table.out.contains("多头跑窗口和部门") && table.out.contains("100.0%") && table.out.contains("张敏"), "\(table.out)")
        let xlsx = dir.appendingPathComponent("reasons.xlsx")
        #expect(try await ctl(["export", "reasons", "--by", "categories", "--format", "xlsx", "-o", xlsx.path]).status == 0)
        #expect((try? Data(contentsOf: xlsx))?.prefix(2) == Data("PK".utf8))
        let csv = try await RawHTTP.request(port: http, "GET", "/api/export/reasons.csv?by=clerks", token: "t-manager")
        #expect(csv.status == 200 && csv.text.contains("原因代码") && csv.text.contains("115") && csv.text.contains("张敏"), "\(csv.text)")

        #expect(try await Command.run(CounterctlTests.counterctl, ["config", "check", config.path, "--platforms", platforms]).status == 0)
        let missing = try await Command.run(CounterctlTests.counterctl, ["config", "check", config.path, "--platforms", dir.path])
        #expect(missing.status == 78 && missing.err.contains("platform.profile") && missing.err.contains("--platforms"), "\(missing)")
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
    }
}
