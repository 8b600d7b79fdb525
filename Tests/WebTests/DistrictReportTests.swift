import Access
import Foundation
import PostgresHarness
import HallModel
import Store
import TestSupport
import Testing

/// The district's reports are the halls' own: real halls ship to the real district on a private
/// PostgreSQL, and each hall's report (windows, clerks, categories, reasons) read at the district equals
/// the report the hall serves itself, field for field. Halls are ranked by level, a hall that stops is
/// reported silent during its opening hours, the 考核 table exports, the dashboard shows it in Chromium,
/// and SIGTERM stops the district.
@Suite(.serialized) struct DistrictReportTests {
    static func decodeRows(_ text: String) throws -> [ReportRow] {
        struct Rows: Decodable { var rows: [ReportRow] }
        return try WireCoding.apiDecoder().decode(Rows.self, from: Data(text.utf8)).rows
    }

    /// Equal counts exactly; equal derived figures to 1e-9 (the two stores add the same doubles in another order).
    static func same(_ a: [ReportRow], _ b: [ReportRow]) -> String? {
        guard a.count == b.count else { return "\(a.count) rows at the hall, \(b.count) at the district" }
        for (x, y) in zip(a, b) {
            func close(_ p: Double?, _ q: Double?) -> Bool { p == nil ? q == nil : q.map { abs($0 - p!) < 1e-9 } ?? false }
            var x2 = x, y2 = y
            for path in [\ReportRow.meanWaitSeconds, \.p90WaitSeconds, \.meanServiceSeconds, \.p90ServiceSeconds, \.participationRate,
                         \.satisfactionRate, \.score, \.immediateRate] {
                guard close(x[keyPath: path], y[keyPath: path]) else { return "\(x.key): \(path) \(String(describing: x[keyPath: path])) vs \(String(describing: y[keyPath: path]))" }
                x2[keyPath: path] = nil
                y2[keyPath: path] = nil
            }
            if x2 != y2 { return "\(x.key): \(x2) vs \(y2)" }
        }
        return nil
    }

    @Test(.timeLimit(.minutes(3))) func aHallsReportAtTheDistrictEqualsItsOwn() async throws {
        guard let pg = try await PrivatePostgres.start() else {
            Issue.record("PostgreSQL 15 is not installed: `make test` installs it (Debian's postgresql)")
            return
        }
        defer { pg.stop() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("district-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let districtConfig = dir.appendingPathComponent("district.toml")
        try DistrictShippingTests.districtToml(pg, halls: [("h1", "一街道中心", "street", "qu"), ("h2", "二社区中心", "community", "h1"),
                                                           ("h9", "九社区中心", "community", "h1")], extra: "[alerts]\nsilent_after_minutes = 0.1\n")
            .write(to: districtConfig, atomically: true, encoding: .utf8)
        let (district, dport) = try await DistrictShippingTests.district(config: districtConfig)
        defer { if district.isRunning { kill(district.processIdentifier, SIGKILL) } }
        try #require(dport > 0, "counterd-district did not start")
        // The district's page under its policy: no inline script, its script served beside it.
        let page = try await RawHTTP.request(port: dport, "GET", "/", token: nil)
        #expect(page.status == 200 && page.headers["content-security-policy"]?.contains("script-src 'self';") == true
                && page.text.contains(#"<script src="/assets/district.js"></script>"#))
        let script = try await RawHTTP.request(port: dport, "GET", "/assets/district.js", token: nil)
        #expect(script.status == 200 && script.text.contains("function"), "\(script.status)")

        var halls: [(id: String, dir: URL, process: Process, port: Int)] = []
        for id in ["h1", "h2"] {
            let (hdir, section) = try DistrictShippingTests.hallDir(dir, id: id, port: dport, batch: 5, heartbeat: 1)
            let config = hdir.appendingPathComponent("counterd.toml")
            try TestHall.toml(name: "大厅\(id)", windows: [1, 2], clerks: [("c1", "张敏"), ("c2", "李娜")],
                              tokens: ["t-w1", "t-w2", "t-kiosk", "t-manager"], windowNames: true,
                              extra: "[alerts]\nopening_hours = \"00:00-24:00\"\n" + section).write(to: config, atomically: true, encoding: .utf8)
            let (p, port) = try await DistrictShippingTests.hall(config: config, dir: hdir)
            try #require(port > 0)
            halls.append((id, hdir, p, port))
        }
        defer { for h in halls where h.process.isRunning { kill(h.process.processIdentifier, SIGKILL) } }
        for (i, h) in halls.enumerated() {
            #expect(try await RawHTTP.request(port: h.port, "POST", "/api/windows/1/sign-in", token: "t-w1", json: #"{"clerk":"c1"}"#).status == 200)
            #expect(try await RawHTTP.request(port: h.port, "POST", "/api/windows/2/sign-in", token: "t-w2", json: #"{"clerk":"c2"}"#).status == 200)
            try await DistrictShippingTests.serve(h.port, times: 6 - 2 * i)
            // Window 2: a 不满意 with two reasons, a 承诺件 and an 即办件.
            for (outcome, rating) in [("immediate", #"{"level":2,"reasons":["213","207"]}"#), ("promised", #"{"level":5}"#), ("immediate", #"{"level":4}"#)] {
                #expect(try await RawHTTP.request(port: h.port, "POST", "/api/tickets", token: "t-kiosk", json: #"{"category":"a"}"#).status == 201)
                #expect(try await RawHTTP.request(port: h.port, "POST", "/api/windows/2/call-next", token: "t-w2", json: "{}").status == 200)
                #expect(try await RawHTTP.request(port: h.port, "POST", "/api/windows/2/finish", token: "t-w2", json: #"{"outcome":"\#(outcome)"}"#).status == 200)
                #expect(try await RawHTTP.request(port: h.port, "POST", "/api/windows/2/rating", token: "t-w2", json: rating).status == 201)
            }
            // One waiting ticket: issued but not served.
            #expect(try await RawHTTP.request(port: h.port, "POST", "/api/tickets", token: "t-kiosk", json: #"{"category":"a"}"#).status == 201)
        }
        for h in halls {
            let last = try EventStore.readOnly(path: h.dir.appendingPathComponent("hall.sqlite").path).lastSeq()
            let shipped = await eventually(30) {
                (try? await pg.query("SELECT last_seq FROM hall_heads WHERE hall_id = '\(h.id)'")) == [[String(last)]]
            }
            #expect(shipped, "hall \(h.id) did not ship 1…\(last)")
        }

        // Field for field: the hall's own report and the district's, for a few days and for the whole month.
        let zone = BusinessCalendar(identifier: "Asia/Shanghai")
        let today = zone.day(of: Date()), yesterday = zone.day(of: Date().addingTimeInterval(-86_400))
        let month = String(today.prefix(7))
        let monthEnd = StatsPeriods.split(from: month + "-01", to: month + "-31").months != nil ? month + "-31"
            : StatsPeriods.split(from: month + "-01", to: month + "-30").months != nil ? month + "-30" : month + "-28"
        for h in halls {
            for (from, to) in [(yesterday, today), (month + "-01", monthEnd)] {
                for scope in ["windows", "clerks", "categories"] {
                    let own = try await RawHTTP.request(port: h.port, "GET", "/api/reports/\(scope)?from=\(from)&to=\(to)", token: "t-manager")
                    let there = try await RawHTTP.request(port: dport, "GET", "/api/v1/report?scope=\(scope)&hall=\(h.id)&from=\(from)&to=\(to)", token: "t-district")
                    #expect(own.status == 200 && there.status == 200, "\(own.text) \(there.text)")
                    let a = try Self.decodeRows(own.text), b = try Self.decodeRows(there.text)
                    #expect(!a.isEmpty && a.contains { $0.served > 0 }, "hall \(h.id) \(scope): no figures")
                    #expect(Self.same(a, b) == nil, "hall \(h.id) \(scope) \(from)…\(to): \(Self.same(a, b) ?? "")")
                }
                let ownReasons = try await RawHTTP.request(port: h.port, "GET", "/api/reports/windows/reasons?from=\(from)&to=\(to)", token: "t-manager").json
                let reasons = try await RawHTTP.request(port: dport, "GET", "/api/v1/reasons?scope=windows&hall=\(h.id)&from=\(from)&to=\(to)", token: "t-district").json
                let ownRows = (ownReasons["rows"] as? [[String: Any]]) ?? [], rows = (reasons["rows"] as? [[String: Any]]) ?? []
                func keys(_ r: [[String: Any]]) -> [String] { r.map { "\($0["key"] ?? "")/\($0["code"] ?? "")/\($0["count"] ?? "")/\($0["text"] ?? "")" } }
                #expect(!rows.isEmpty && keys(ownRows) == keys(rows), "reasons of \(h.id): \(keys(ownRows)) vs \(keys(rows))")
            }
        }

        // Halls ranked within their level; the hall that never shipped is there with nothing.
        let ranking = try await RawHTTP.request(port: dport, "GET", "/api/v1/report?scope=halls&from=\(yesterday)&to=\(today)", token: "t-district").json
        let rows = (ranking["rows"] as? [[String: Any]]) ?? []
        func report(_ id: String) -> [String: Any] { (rows.first { $0["hall_id"] as? String == id }?["report"] as? [String: Any]) ?? [:] }
        #expect(rows.map { $0["hall_id"] as? String ?? "" } == ["h1", "h2", "h9"], "\(rows.map { $0["hall_id"] ?? "" })")
        #expect(report("h1")["served"] as? Int == 9 && report("h2")["served"] as? Int == 7 && report("h9")["served"] as? Int == 0, "\(rows)")
        #expect(report("h1")["issued"] as? Int == 10 && report("h1")["cases"] as? Int == 3, "\(report("h1"))")
        #expect(report("h2")["rank"] as? Int == 1 && report("h9")["rank"] as? Int == 2)
        let across = try await RawHTTP.request(port: dport, "GET", "/api/v1/report?scope=windows&from=\(yesterday)&to=\(today)", token: "t-district").json
        #expect(((across["rows"] as? [[String: Any]]) ?? []).count == 4, "two windows in each of two halls: \(across)")

        // The 考核 table as CSV and XLSX.
        let csv = try await RawHTTP.request(port: dport, "GET", "/api/v1/export/assessment.csv?from=\(yesterday)&to=\(today)", token: "t-district")
        #expect(csv.status == 200 && csv.text.contains("级别内排名") && csv.text.contains("一街道中心") && csv.text.contains("街道,1,h1,"), "\(csv.text.prefix(400))")
        let xlsx = try await RawHTTP.request(port: dport, "GET", "/api/v1/export/assessment.xlsx?from=\(yesterday)&to=\(today)", token: "t-district")
        #expect(xlsx.status == 200 && xlsx.body.starts(with: Array("PK".utf8)))
        let refused = try await RawHTTP.request(port: dport, "GET", "/api/v1/report?scope=halls", token: "token-of-h1")
        #expect(refused.status == 401 && refused.errorCode == "unauthorized" && refused.text.contains("管理令牌") && refused.text.contains("message_en"), "a hall's token reads no reports: \(refused.text)")

        // A hall that stops is silent during its opening hours (offline outside them); one that never shipped says so.
        kill(halls[1].process.processIdentifier, SIGKILL)
        halls[1].process.waitUntilExit()
        let working = WorkingCalendar().isWorkingDay(today)
        let quiet = await eventually(30) {
            let links = (try? await RawHTTP.request(port: dport, "GET", "/api/v1/halls", token: "t-district").json["halls"] as? [[String: Any]]) ?? []
            let state = Dictionary(uniqueKeysWithValues: links.map { ($0["hall_id"] as? String ?? "", $0["state"] as? String ?? "") })
            return state == ["h1": "ok", "h2": working ? "silent" : "offline", "h9": "never"]
        }
        let links = try await RawHTTP.request(port: dport, "GET", "/api/v1/halls", token: "t-district").text
        #expect(quiet, "\(links)")
        let metrics = try await RawHTTP.request(port: dport, "GET", "/metrics").text
        #expect(metrics.contains("counterd_district_batches_total"), "\(metrics.prefix(300))")

        // The dashboard in Chromium: figures, halls by level, drill-down to a hall's windows, the silent hall.
        let browser: BrowserDisplayTests.Browser
        do { browser = try BrowserDisplayTests.Browser() } catch {
            Issue.record("no test virtualenv: run `make test`")
            return
        }
        _ = BrowserDisplayTests.Browser.parse(try await offload { browser.line() })
        _ = try await browser.send("open http://127.0.0.1:\(dport)/?from=\(yesterday)&to=\(today)#token=t-district 1366 768")
        let loaded = try await browser.send(##"wait 15 document.body.dataset.loaded && document.querySelectorAll("#halls tr[data-hall]").length"##)
        #expect(loaded["value"] as? Int == 1, "street level: one hall \(loaded)")
        let served = try await browser.send(##"eval document.querySelector('#figures [data-figure="办结"] b').textContent + "|" + document.querySelector('#halls tr[data-hall="h1"] td[data-col="served"]').dataset.value + "|" + document.querySelector("#alerts").textContent"##)
        let parts = ((served["value"] as? String) ?? "").split(separator: "|").map(String.init)
        #expect(parts.count == 3 && parts[0] == "16" && parts[1] == "9" && parts[2].contains("二社区中心") == true, "\(served)")
        _ = try await browser.send(##"eval document.querySelector('#halls tr[data-hall="h1"]').click()"##)
        let drilled = try await browser.send(##"wait 10 document.body.dataset.drilled === "h1/windows" && document.querySelectorAll("#drillTable tr[data-key]").length"##)
        #expect(drilled["value"] as? Int == 2, "\(drilled)")
        let noError = try await browser.send(##"eval getComputedStyle(document.getElementById("error")).display"##)
        #expect(noError["value"] as? String == "none")
        let artifacts = DaemonTests.repo.appendingPathComponent(".build/test-artifacts")
        try? FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        _ = try await browser.send("shot \(artifacts.appendingPathComponent("district-dashboard.png").path)")

        // SIGTERM: the API drains, then the pool closes; the process ends.
        kill(district.processIdentifier, SIGTERM)
        let stopped = await eventually(15) { !district.isRunning }
        #expect(stopped, "counterd-district did not stop on SIGTERM")
        for h in halls where h.process.isRunning { kill(h.process.processIdentifier, SIGTERM); h.process.waitUntilExit() }
    }
}
