import Foundation
import HallConfig
import HallModel
import Store
import TestSupport
import Testing

/// The managers' dashboard against the real counterd on a scripted month of data: its tables match
/// `counterctl report --format json`, its charts are drawn, cases move through their states from the page,
/// and the exports open (CSV read back by Python's csv, XLSX by openpyxl). Screenshots in .build/test-artifacts/.
@Suite struct DashboardTests {
    static let from = "2026-10-01", to = "2026-10-31"

    /// October 2026 in a two-window hall: each day 20–40 tickets, served and rated with a seeded mix of levels.
    static func scriptMonth(store: EventStore, setup: HallSetup) throws {
        let engine = HallEngine(setup: setup)
        var state = HallState(setup: setup)
        var seed: UInt64 = 20261001
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        let start = try #require(BusinessCalendar(identifier: setup.rules.timeZone).start(of: from))
        for d in 0..<31 {
            var now = start.addingTimeInterval(Double(d) * 86400 + 9 * 3600)
            var events: [EventRecord] = []
            func run(_ c: HallCommand) throws {
                let e = try engine.decide(state, c, now: now)
                for x in e { state.apply(x) }
                events += e
            }
            try run(.signIn(window: 1, clerk: "c1"))
            try run(.signIn(window: 2, clerk: "c2"))
            let tickets = 20 + next(21)
            for _ in 0..<tickets { try run(.issueTicket(category: next(3) == 0 ? "b" : "a", priority: false)); now += Double(30 + next(90)) }
            for i in 0..<tickets {
                let w = i % 2 + 1
                guard (try? run(.callNext(window: w))) != nil else { continue }
                now += Double(120 + next(600))
                try run(.finish(window: w, outcome: next(10) == 0 ? .promised : .immediate))
                now += 5
                let roll = next(100)
                if roll < 85 {
                    let level: RatingLevel = roll < 2 ? .veryDissatisfied : roll < 6 ? .dissatisfied : roll < 15 ? .basicallySatisfied : roll < 40 ? .satisfied : .verySatisfied
                    try run(.rate(window: w, level: level))
                }
            }
            now += 60
            try run(.tick)
            try run(.signOut(window: 1))
            try run(.signOut(window: 2))
            _ = try store.claimAppender().appendNow(events)
        }
    }

    @Test func dashboardMatchesCounterctlAndCasesAndExportsWork() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let artifacts = DaemonTests.repo.appendingPathComponent(".build/test-artifacts")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let config = dir.appendingPathComponent("counterd.toml")
        let toml = TestHall.toml(name: "看板测试大厅", windows: [1, 2], categories: [("a", "户籍办理", "A"), ("b", "社保医保", "B")],
                                 clerks: [("c1", "张敏"), ("c2", "李娜")], tokens: ["t-w1", "t-display", "t-manager"], windowNames: true,
                                 extra: "[calendar]\nholidays = [\"2026-10-01\", \"2026-10-02\", \"2026-10-05\", \"2026-10-06\", \"2026-10-07\"]\nworkdays = [\"2026-10-10\"]\n"
                                    + "[alerts]\nwebhook = \"http://127.0.0.1:9/counterd-alerts\"\n")
        try toml.write(to: config, atomically: true, encoding: .utf8)
        guard case .success(let cfg) = ConfigParser.parse(toml) else { Issue.record("test config rejected"); return }
        let db = dir.appendingPathComponent("hall.sqlite").path
        try Self.scriptMonth(store: try EventStore(path: db), setup: cfg.setup)

        let (daemon, http) = try await Daemon.start(["--config", config.path, "--database", db, "--runtime-dir", dir.appendingPathComponent("run").path,
                                                     "--listen", "127.0.0.1:0", "--no-udev", "--log-level", "notice"])
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }

        // counterctl's figures for the same range.
        let ctl = try await Command.run(CounterctlTests.counterctl, ["report", "windows", "--from", Self.from, "--to", Self.to, "--format", "json",
                                                                     "--config", config.path, "--database", db])
        #expect(ctl.status == 0, "\(ctl.err)")
        let parsed = try? JSONSerialization.jsonObject(with: Data(ctl.out.utf8))
        let ctlRows = ((parsed as? [String: Any])?["rows"] as? [[String: Any]]) ?? (parsed as? [[String: Any]]) ?? []
        try #require(ctlRows.count == 2, "counterctl rows: \(ctl.out.prefix(300))")

        let browser: BrowserDisplayTests.Browser
        do { browser = try BrowserDisplayTests.Browser() } catch {
            Issue.record("no test virtualenv: run `make test`")
            return
        }
        _ = BrowserDisplayTests.Browser.parse(try await offload { browser.line() })
        let base = "http://127.0.0.1:\(http)"
        _ = try await browser.send("open \(base)/dashboard?token=t-manager&from=\(Self.from)&to=\(Self.to) 1366 768")
        let loaded = try await browser.send(##"wait 10 document.body.dataset.loaded === "2026-10-01/2026-10-31" && document.querySelectorAll("#ranking tbody tr[data-key]").length"##)
        #expect(loaded["value"] as? Int == 2, "\(loaded)")
        let table = try await browser.send(##"eval JSON.stringify([...document.querySelectorAll("#ranking tbody tr")].map(r => Object.fromEntries([["key", r.dataset.key], ...[...r.querySelectorAll("td")].map(td => [td.dataset.col, td.dataset.value])])))"##)
        let pageRows = (try? JSONSerialization.jsonObject(with: Data(((table["value"] as? String) ?? "[]").utf8))) as? [[String: String]] ?? []
        for row in ctlRows {
            let key = String(describing: row["key"] ?? "")
            let page = try #require(pageRows.first { $0["key"] == key }, "window \(key) missing on the page")
            for (pageCol, ctlCol) in [("served", "served"), ("rated", "rated"), ("rank", "rank"), ("cases", "cases"), ("overdue_cases", "overdue_cases")] {
                #expect(page[pageCol] == "\(row[ctlCol] ?? "")", "window \(key) \(pageCol): page \(page[pageCol] ?? "nil"), counterctl \(row[ctlCol] ?? "nil")")
            }
            for (pageCol, ctlCol) in [("satisfaction_rate", "satisfaction_rate"), ("score", "score"), ("mean_wait_seconds", "mean_wait_seconds")] {
                let a = Double(page[pageCol] ?? "") ?? -1, b = (row[ctlCol] as? Double) ?? -2
                #expect(abs(a - b) < 1e-9, "window \(key) \(pageCol): page \(a), counterctl \(b)")
            }
        }
        let served = ctlRows.reduce(0) { $0 + (($1["served"] as? Int) ?? 0) }
        #expect(served > 600, "a month of traffic: \(served)")
        // The first screen at 1366×768: the headline figures and the ranking; the 合计 row is the month's.
        let first = try await browser.send(##"wait 10 document.querySelector('#figures [data-figure="served"] b') && JSON.stringify({served: document.querySelector('#figures [data-figure="served"] b').textContent, figures: document.getElementById("figures").getBoundingClientRect().bottom, ranking: document.getElementById("ranking").getBoundingClientRect().top, total: document.querySelector('#ranking tfoot td[data-total-col="served"]').dataset.value, sat: document.querySelector('#figures [data-figure="sat"] b').textContent})"##)
        let screen = (try? JSONSerialization.jsonObject(with: Data(((first["value"] as? String) ?? "{}").utf8))) as? [String: Any] ?? [:]
        #expect(screen["served"] as? String == String(served) && screen["total"] as? String == String(served), "\(screen)")
        #expect(((screen["figures"] as? NSNumber)?.doubleValue ?? 999) < 768 && ((screen["ranking"] as? NSNumber)?.doubleValue ?? 999) < 700,
                "headline and ranking on the first screen: \(screen)")
        #expect((screen["sat"] as? String)?.hasSuffix("%") == true, "\(screen)")
        // 环比 is hidden when the period before has no data (September had no traffic: "+N" against nothing says
        // nothing); the ranking shows each row's ratings per level, 非常满意 first, and they add up to its rated count.
        let mom = try await browser.send(##"eval document.querySelector('#figures small.mom') === null && !document.getElementById("headlineRange").textContent.includes("对比上期")"##)
        #expect(mom["value"] as? Bool == true, "环比 shown against an empty period: \(mom)")
        let levelCell = try await browser.send(##"eval (() => { const r = document.querySelector('#ranking tbody tr[data-key]'); return [r.querySelector('td[data-col="ratings"]').textContent, r.querySelector('td[data-col="rated"]').textContent]; })()"##)
        let pair = levelCell["value"] as? [String] ?? []
        #expect(pair.count == 2 && pair[0].split(separator: "·").compactMap { Int($0) }.reduce(0, +) == Int(pair[1]), "\(levelCell)")
        // The chart series add up to the same month: services per day, per hour and per waiting time, ratings per level.
        let dash = try await RawHTTP.request(port: http, "GET", "/api/dashboard?from=\(Self.from)&to=\(Self.to)", token: "t-manager").json
        let previous = dash["previous"] as? [String: Any] ?? [:]
        #expect(previous["from"] as? String == "2026-09-01" && previous["to"] as? String == "2026-09-30"
                && (previous["windows"] as? [String: Any])?["served"] as? Int == 0, "\(previous)")
        let daily = (dash["daily"] as? [[String: Any]]) ?? []
        #expect(daily.count == 31 && daily.reduce(0) { $0 + (($1["served"] as? Int) ?? 0) } == served)
        #expect(((dash["served_by_hour"] as? [Int]) ?? []).reduce(0, +) == served)
        #expect(((dash["wait_histogram"] as? [[String: Any]]) ?? []).reduce(0) { $0 + (($1["count"] as? Int) ?? 0) } == served)
        let levels = (0..<5).map { k in daily.reduce(0) { $0 + ((($1["ratings"] as? [Int]) ?? [0, 0, 0, 0, 0])[k]) } }
        let ctlLevels = (0..<5).map { k in ctlRows.reduce(0) { $0 + ((($1["ratings"] as? [Int]) ?? [0, 0, 0, 0, 0])[k]) } }
        #expect(levels == ctlLevels && levels.reduce(0, +) > 0, "\(levels) vs \(ctlLevels)")
        // Charts: 31 days of lines and bars, the waiting-time histogram and 24 hours.
        let charts = try await browser.send(##"eval ["chartDaily", "chartLevels", "chartWait", "chartHours"].map(id => document.querySelectorAll("#" + id + " svg path.series, #" + id + " svg rect.bar").length).join(",")"##)
        let counts = ((charts["value"] as? String) ?? "").split(separator: ",").compactMap { Int($0) }
        #expect(counts.count == 4 && counts[0] == 2 && counts.dropFirst().allSatisfy { $0 > 0 }, "\(charts)")
        // Sorting by a header click: served, descending.
        _ = try await browser.send(##"eval document.querySelector('#ranking th[data-col="served"]').click()"##)
        let sorted = try await browser.send(##"eval [...document.querySelectorAll('#ranking td[data-col="served"]')].map(td => Number(td.dataset.value)).join(",")"##)
        let order = ((sorted["value"] as? String) ?? "").split(separator: ",").compactMap { Int($0) }
        #expect(order == order.sorted(by: >), "\(sorted)")
        _ = try await browser.send("shot \(artifacts.appendingPathComponent("dashboard.png").path)")
        _ = try await browser.send("open \(base)/dashboard?token=t-manager&from=\(Self.from)&to=\(Self.to) 1920 1080")
        _ = try await browser.send(##"wait 10 document.body.dataset.loaded === "2026-10-01/2026-10-31""##)
        _ = try await browser.send("shot \(artifacts.appendingPathComponent("dashboard-1920.png").path)")
        _ = try await browser.send("open \(base)/dashboard?token=t-manager&from=\(Self.from)&to=\(Self.to) 1366 768")
        _ = try await browser.send(##"wait 10 document.body.dataset.loaded === "2026-10-01/2026-10-31""##)
        // The print view names itself: title, period, 制表时间 and the signature line (not shown on screen).
        let printHead = try await browser.send(##"eval JSON.stringify({text: document.getElementById("printHead").textContent + "|" + document.getElementById("printFoot").textContent, shown: getComputedStyle(document.getElementById("printHead")).display})"##)
        let head = (try? JSONSerialization.jsonObject(with: Data(((printHead["value"] as? String) ?? "{}").utf8))) as? [String: String] ?? [:]
        #expect((head["text"] ?? "").contains("2026-10-01 至 2026-10-31") && (head["text"] ?? "").contains("制表时间") && (head["text"] ?? "").contains("审核人")
                && head["shown"] == "none", "\(head)")
        // Prints on A4: the ranking and charts, without the live parts and buttons.
        let pdf = try await browser.send("pdf \(artifacts.appendingPathComponent("dashboard-a4.pdf").path)")
        #expect(pdf["ok"] as? Bool == true && ((pdf["pages"] as? Int) ?? 0) >= 1 && ((pdf["pages"] as? Int) ?? 9) <= 4, "\(pdf)")
        // A4 landscape, and the ranking's last columns (即办率, 本期超期) are on page 1; the backlog and the case list are not printed.
        let page1 = try await Command.run(URL(fileURLWithPath: "/usr/bin/pdftotext"),
                                          ["-f", "1", "-l", "1", "-layout", artifacts.appendingPathComponent("dashboard-a4.pdf").path, "-"])
        #expect(page1.status == 0 && page1.out.contains("即办率") && page1.out.contains("本期超期"), "page 1 of the print: \(page1.out.prefix(600)) \(page1.err)")
        let whole = try await Command.run(URL(fileURLWithPath: "/usr/bin/pdftotext"), ["-layout", artifacts.appendingPathComponent("dashboard-a4.pdf").path, "-"])
        #expect(whole.out.contains("本期差评工单") && !whole.out.contains("累计超期差评") && whole.out.contains("审核人"), "\(whole.out.suffix(800))")
        let info = try await Command.run(URL(fileURLWithPath: "/usr/bin/pdfinfo"), [artifacts.appendingPathComponent("dashboard-a4.pdf").path])
        #expect(info.out.contains("(A4)") && info.out.contains("Page size:       841.9"), "not A4 landscape: \(info.out)")
        let printHidden = try await browser.send(##"eval (() => { const s = [...document.styleSheets[0].cssRules].find(r => r.media && r.media.mediaText === "print"); return !!s && s.cssText.includes(".no-print"); })()"##)
        #expect(printHidden["value"] as? Bool == true)
        _ = try await browser.send(##"eval document.getElementById("lang").click()"##)
        let english = try await browser.send(##"wait 3 document.querySelector('#ranking th[data-col="served"]').textContent === "Served""##)
        #expect(english["ok"] as? Bool == true, "\(english)")
        _ = try await browser.send("shot \(artifacts.appendingPathComponent("dashboard-en.png").path)")

        // Cases: the month's bad ratings, due 15 working days later (holidays and the 调休 Saturday counted).
        let all = try await RawHTTP.request(port: http, "GET", "/api/cases?from=\(Self.from)&to=\(Self.to)&state=all", token: "t-manager")
        let cases = (all.json["cases"] as? [[String: Any]]) ?? []
        let bad = ctlRows.reduce(0) { $0 + ((($1["ratings"] as? [Int]) ?? [0, 0]).prefix(2).reduce(0, +)) }
        #expect(cases.count == bad && bad > 0, "cases \(cases.count), bad ratings \(bad)")
        // Rated on Thursday 10-08: 10-09, the 调休 Saturday 10-10, then weekdays: the 15th working day is 10-28.
        let dues = Set(cases.filter { $0["day"] as? String == "2026-10-08" }.compactMap { $0["due_day"] as? String })
        #expect(dues.isEmpty || dues == ["2026-10-28"], "\(dues)")
        let octoberFirst = Set(cases.filter { $0["day"] as? String == "2026-10-01" }.compactMap { $0["due_day"] as? String })
        #expect(octoberFirst.isEmpty || octoberFirst == ["2026-10-27"], "from a holiday: 10-08 is the first working day, then 10-09 and the 调休 10-10: \(octoberFirst)")
        #expect(cases.allSatisfy { $0["overdue"] as? Bool == true }, "October's open cases are overdue by now")
        // The page lists the open cases overdue first, by due day, 20 a page: take the first it shows.
        let openList = try await RawHTTP.request(port: http, "GET", "/api/cases?state=open", token: "t-manager")
        let id = try #require(((openList.json["cases"] as? [[String: Any]]) ?? []).first?["id"] as? String)
        // Through the page: contact, then rectify, then close.
        _ = try await browser.send("open \(base)/dashboard?token=t-manager&from=\(Self.from)&to=\(Self.to)&lang=zh 1366 768")
        for step in ["contact", "rectify", "close"] {
            let ready = try await browser.send(##"wait 5 document.querySelector('#cases tr[data-case="\##(id)"] button[data-do="\##(step)"]') !== null"##)
            #expect(ready["ok"] as? Bool == true, "no \(step) button: \(ready)")
            _ = try await browser.send(##"eval (() => { const tr = document.querySelector('#cases tr[data-case="\##(id)"]'); for (const i of tr.querySelectorAll("input")) if (!i.value) i.value = "已处理"; tr.querySelector('button[data-do="\##(step)"]').click(); })()"##)
        }
        _ = try await browser.send(##"wait 5 document.querySelector('#cases tr[data-case="\##(id)"]') === null"##)
        let one = try await RawHTTP.request(port: http, "GET", "/api/cases?from=\(Self.from)&to=\(Self.to)&state=all", token: "t-manager")
        let closed = ((one.json["cases"] as? [[String: Any]]) ?? []).first { $0["id"] as? String == id }
        #expect(closed?["state"] as? String == "closed" && closed?["contacted_by"] as? String != nil && closed?["rectify_note"] as? String == "已处理")
        // Another case through the API, closed with the citizen's verdict; an unknown verdict is a 400 that names it.
        let second = try #require(cases.first { $0["id"] as? String != id }?["id"] as? String)
        _ = try await RawHTTP.request(port: http, "POST", "/api/cases/\(second)/contact", token: "t-manager", json: #"{"method":"电话","citizen_said":"窗口人员态度差"}"#)
        _ = try await RawHTTP.request(port: http, "POST", "/api/cases/\(second)/rectify", token: "t-manager", json: #"{"note":"已批评教育"}"#)
        let badVerdict = try await RawHTTP.request(port: http, "POST", "/api/cases/\(second)/close", token: "t-manager", json: #"{"verdict":"happy"}"#)
        #expect(badVerdict.status == 400 && badVerdict.errorCode == "malformed_json" && badVerdict.text.contains("basically_satisfied") && badVerdict.text.contains("基本满意"), "\(badVerdict.text)")
        let withVerdict = try await RawHTTP.request(port: http, "POST", "/api/cases/\(second)/close", token: "t-manager", json: #"{"verdict":"basically_satisfied"}"#)
        #expect(withVerdict.status == 200 && withVerdict.json["citizen_verdict_name"] as? String == "基本满意", "\(withVerdict.text)")
        // 回访率 and 整改率: two of the month's cases called back and rectified.
        let summary = try await RawHTTP.request(port: http, "GET", "/api/cases?from=\(Self.from)&to=\(Self.to)&state=all", token: "t-manager").json
        let s = summary["summary"] as? [String: Any] ?? [:]
        let rate = (Double(2) * 1000 / Double(cases.count)).rounded() / 10
        #expect(s["opened"] as? Int == cases.count && s["contacted"] as? Int == 2 && s["rectified"] as? Int == 2 && s["closed"] as? Int == 2, "\(s)")
        #expect(s["callback_rate"] as? Double == rate && s["rectify_rate"] as? Double == rate && (s["verdicts"] as? [String: Int]) == ["basically_satisfied": 1], "\(s)")
        let byClerk = (summary["by_clerk"] as? [[String: Any]]) ?? []
        #expect(byClerk.reduce(0) { $0 + (($1["opened"] as? Int) ?? 0) } == cases.count && !byClerk.isEmpty)
        _ = try await browser.send("open \(base)/dashboard?token=t-manager&from=\(Self.from)&to=\(Self.to)&lang=zh 1366 768")
        let rateText = rate == rate.rounded() ? String(Int(rate)) : String(rate)  // as JavaScript prints it
        let shown = try await browser.send(##"wait 5 document.getElementById("caseCounts").textContent.includes("回访率 \##(rateText)%（2/\##(cases.count)）")"##)
        #expect(shown["ok"] as? Bool == true, "\(shown)")
        // The month's traffic came from keypads (levels only): the reasons table says there are none.
        let reasons = try await browser.send(##"wait 5 document.querySelector("#badReasons thead") !== null && document.querySelector("#badReasons tbody").innerText"##)
        #expect((reasons["value"] as? String)?.isEmpty == false, "\(reasons)")

        // A wrong step is refused with the state machine's reason.
        let again = try await RawHTTP.request(port: http, "POST", "/api/cases/\(id)/contact", token: "t-manager", json: #"{"method":"电话","citizen_said":"x"}"#)
        #expect(again.status == 409 && again.text.contains("wrong_case_state"))
        #expect(try await RawHTTP.request(port: http, "GET", "/api/cases", token: "t-w1").status == 403)

        // Exports: CSV with BOM read back by Python's csv; XLSX read back by openpyxl.
        let csv = try await RawHTTP.request(port: http, "GET", "/api/export/windows.csv?from=\(Self.from)&to=\(Self.to)", token: "t-manager")
        #expect(csv.status == 200 && Array(csv.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let csvFile = dir.appendingPathComponent("w.csv"), xlsxFile = dir.appendingPathComponent("cases.xlsx")
        try csv.body.write(to: csvFile)
        let xlsx = try await RawHTTP.request(port: http, "GET", "/api/export/cases.xlsx?from=\(Self.from)&to=\(Self.to)", token: "t-manager")
        #expect(xlsx.status == 200 && xlsx.headers["content-type"]?.contains("spreadsheetml") == true)
        try xlsx.body.write(to: xlsxFile)
        let python = DaemonTests.repo.appendingPathComponent(".venv/bin/python")
        let check = try await Command.run(python, ["-W", "error::UserWarning", "-c", """
            import csv, json, sys, openpyxl
            rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
            wb = openpyxl.load_workbook(sys.argv[2])
            ws = wb.active
            cells = [[c.value for c in r] for r in ws.iter_rows()]
            print(json.dumps({"csv_header": rows[0], "csv_rows": len(rows) - 1, "served": [r[3] for r in rows[1:]],
                              "sheet": ws.title, "xlsx_header": cells[0], "xlsx_rows": len(cells) - 1, "first": cells[1]}, ensure_ascii=False))
            """, csvFile.path, xlsxFile.path])
        #expect(check.status == 0, "\(check.err)")
        let read = (try? JSONSerialization.jsonObject(with: Data(check.out.utf8))) as? [String: Any] ?? [:]
        #expect((read["csv_header"] as? [String])?.prefix(4) == ["排名", "编号", "窗口", "办结"], "\(read)")
        #expect(read["csv_rows"] as? Int == 2)
        #expect(Set((read["served"] as? [String]) ?? []) == Set(ctlRows.map { "\($0["served"] ?? "")" }))
        #expect(read["sheet"] as? String == "差评工单" && read["xlsx_rows"] as? Int == cases.count)
        #expect((read["xlsx_header"] as? [String])?.prefix(3) == ["号码", "日期", "窗口"])
        #expect(((read["first"] as? [Any])?[5] as? String).map { ["不满意", "非常不满意"].contains($0) } == true, "\(read)")

        // A configured webhook (unreachable here) does not hold up a stop.
        let stopAt = Date()
        kill(daemon.processIdentifier, SIGTERM)
        _ = await eventually(10) { !daemon.isRunning }
        let took = Date().timeIntervalSince(stopAt)
        #expect(!daemon.isRunning, "counterd still running 10 s after SIGTERM")
        #expect(!daemon.isRunning && daemon.terminationStatus == 0 && took < 5, "stopped in \(took) s")
    }
}
