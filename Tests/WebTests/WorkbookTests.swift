import Foundation
import HallConfig
import Store
import Testing

/// The monthly 考核 workbook on a scripted month: `counterctl export report --month` and the dashboard's
/// `/api/export/workbook.xlsx`, read back by openpyxl and compared cell by cell with `counterctl report
/// --format json`: titles, the period, Chinese headers, frozen headers, widths, percent and minute formats,
/// and 合计 rows that are the month's own figures.
@Suite struct WorkbookTests {
    @Test(.timeLimit(.minutes(2))) func theMonthlyWorkbookHoldsTheReportsFormatted() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("book-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("counterd.toml")
        let toml = TestHall.toml(name: "考核测试大厅", windows: [1, 2], categories: [("a", "户籍办理", "A"), ("b", "社保医保", "B")],
                                 clerks: [("c1", "张敏"), ("c2", "李娜")], tokens: ["t-w1", "t-manager"], windowNames: true)
        try toml.write(to: config, atomically: true, encoding: .utf8)
        guard case .success(let cfg) = ConfigParser.parse(toml) else { Issue.record("test config rejected"); return }
        let db = dir.appendingPathComponent("hall.sqlite").path
        try DashboardTests.scriptMonth(store: try EventStore(path: db), setup: cfg.setup)
        let book = dir.appendingPathComponent("考核-2026-10.xlsx")
        let made = try await Command.run(CounterctlTests.counterctl, ["export", "report", "--month", "2026-10", "-o", book.path,
                                                                      "--config", config.path, "--database", db])
        #expect(made.status == 0, "\(made.err)")
        var reports: [String: [[String: Any]]] = [:]
        for scope in ["windows", "clerks", "categories"] {
            let out = try await Command.run(CounterctlTests.counterctl, ["report", scope, "--from", "2026-10-01", "--to", "2026-10-31", "--format", "json",
                                                                         "--config", config.path, "--database", db]).out
            let parsed = try? JSONSerialization.jsonObject(with: Data(out.utf8))
            reports[scope] = ((parsed as? [String: Any])?["rows"] as? [[String: Any]]) ?? (parsed as? [[String: Any]]) ?? []
        }
        // The dashboard's button gives the same workbook.
        let (daemon, http) = try await Daemon.start(["--config", config.path, "--database", db, "--runtime-dir", dir.appendingPathComponent("run").path,
                                                     "--listen", "127.0.0.1:0", "--no-udev"])
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        let fromPage = try await RawHTTP.request(port: http, "GET", "/api/export/workbook.xlsx?from=2026-10-01&to=2026-10-31", token: "t-manager")
        #expect(fromPage.status == 200 && fromPage.headers["content-type"]?.contains("spreadsheetml") == true)
        let pageBook = dir.appendingPathComponent("page.xlsx")
        try fromPage.body.write(to: pageBook)

        let python = DaemonTests.repo.appendingPathComponent(".venv/bin/python")
        let read = try await Command.run(python, ["-W", "error::UserWarning", "-c", """
            import json, sys, openpyxl
            out = {}
            for path in sys.argv[1:]:
                wb = openpyxl.load_workbook(path)
                sheets = {}
                for ws in wb.worksheets:
                    rows = [[c.value for c in r] for r in ws.iter_rows()]
                    formats = [c.number_format for c in ws[4]] if ws.max_row >= 4 else []
                    widths = {k: v.width for k, v in ws.column_dimensions.items()}
                    # The table ends at the last row with a value in column C; below it only notes (环比, the signature line).
                    last = max([r for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value is not None] or [ws.max_row])
                    notes = [ws.cell(r, 1).value for r in range(last + 1, ws.max_row + 1) if ws.cell(r, 1).value]
                    sheets[ws.title] = {"rows": rows[:last], "formats": formats, "freeze": ws.freeze_panes, "widths": widths,
                                        "bold_total": bool(ws.cell(last, 3).font.b), "notes": notes}
                out[path] = {"names": wb.sheetnames, "sheets": sheets}
            print(json.dumps(out, ensure_ascii=False, default=str))
            """, book.path, pageBook.path])
        try #require(read.status == 0, "\(read.err)")
        let all = try #require(try JSONSerialization.jsonObject(with: Data(read.out.utf8)) as? [String: [String: Any]])
        let cli = try #require(all[book.path]), page = try #require(all[pageBook.path])
        #expect(cli["names"] as? [String] == ["窗口", "工作人员", "业务类别", "差评工单", "评价原因"], "\(cli["names"] ?? "")")
        #expect(page["names"] as? [String] == cli["names"] as? [String])
        let sheets = try #require(cli["sheets"] as? [String: [String: Any]])
        func close(_ a: Any?, _ b: Double?, _ what: String) {
            let x = (a as? NSNumber)?.doubleValue
            #expect(b == nil ? (x == nil) : x.map { abs($0 - b!) < 1e-9 } ?? false, "\(what): workbook \(String(describing: a)), report \(String(describing: b))")
        }
        // The windows sheet ends with the signature line (and the 环比 when September had data: it had none).
        let windowNotes = sheets["窗口"]?["notes"] as? [String] ?? []
        #expect(windowNotes.contains { $0.contains("制表人") && $0.contains("审核人") } && !windowNotes.contains { $0.hasPrefix("环比") }, "\(windowNotes)")
        for (scope, name) in [("windows", "窗口"), ("clerks", "工作人员"), ("categories", "业务类别")] {
            let sheet = try #require(sheets[name]), rows = try #require(sheet["rows"] as? [[Any]])
            let title = rows[0][0] as? String ?? "", period = rows[1][0] as? String ?? ""
            #expect(title.contains("考核测试大厅") && title.contains("考核表"), "\(title)")
            #expect(period.contains("2026-10-01 至 2026-10-31") && period.contains("制表时间"), "\(period)")
            let headers = rows[2].map { $0 as? String ?? "" }
            #expect(sheet["freeze"] as? String == "A4", "\(name): frozen at \(sheet["freeze"] ?? "")")
            #expect(((sheet["widths"] as? [String: Any])?["C"] as? NSNumber)?.doubleValue ?? 0 >= 14)
            let formats = (sheet["formats"] as? [String]) ?? []
            func col(_ h: String) -> Int { headers.firstIndex(of: h) ?? -1 }
            for (h, f) in [("参评率", "0.0%"), ("满意率", "0.0%"), ("即办率", "0.0%"), ("平均等候(分钟)", "0.0"), ("得分", "0.0"), ("办结", "0")] {
                #expect(col(h) >= 0 && formats[safe: col(h)] == f, "\(name) \(h): format \(formats[safe: col(h)] ?? "none")")
            }
            let report = reports[scope] ?? []
            let data = Array(rows[3..<(rows.count - 1)]), total = rows[rows.count - 1]
            #expect(data.count == report.count && !report.isEmpty, "\(name): \(data.count) rows, report \(report.count)")
            for r in report {
                let key = "\(r["key"] ?? "")"
                guard let row = data.first(where: { "\($0[1])" == key }) else { Issue.record("\(name) \(key) missing"); continue }
                for (h, k) in [("排名", "rank"), ("办结", "served"), ("过号", "no_shows"), ("评价数", "rated"), ("未评价", "not_rated")] {
                    close(row[col(h)], (r[k] as? NSNumber)?.doubleValue, "\(name) \(key) \(h)")
                }
                for (h, k) in [("参评率", "participation_rate"), ("满意率", "satisfaction_rate"), ("得分", "score"), ("即办率", "immediate_rate")] {
                    close(row[col(h)], (r[k] as? NSNumber)?.doubleValue, "\(name) \(key) \(h)")
                }
                for (h, k) in [("平均等候(分钟)", "mean_wait_seconds"), ("90%等候(分钟)", "p90_wait_seconds"), ("平均办理(分钟)", "mean_service_seconds")] {
                    close(row[col(h)], (r[k] as? NSNumber).map { $0.doubleValue / 60 }, "\(name) \(key) \(h)")
                }
                let levels = (r["ratings"] as? [Int]) ?? []
                for (i, h) in ["非常不满意", "不满意", "基本满意", "满意", "非常满意"].enumerated() { close(row[col(h)], Double(levels[safe: i] ?? -1), "\(name) \(key) \(h)") }
            }
            // 合计: counts add up; the rates are the month's own.
            #expect(total[2] as? String == "合计" && sheet["bold_total"] as? Bool == true)
            let served = report.reduce(0) { $0 + (($1["served"] as? Int) ?? 0) }, rated = report.reduce(0) { $0 + (($1["rated"] as? Int) ?? 0) }
            let good = report.reduce(0) { $0 + ((($1["ratings"] as? [Int]) ?? [0, 0, 0, 0, 0])[3]) + ((($1["ratings"] as? [Int]) ?? [0, 0, 0, 0, 0])[4]) }
            close(total[col("办结")], Double(served), "\(name) 合计 办结")
            close(total[col("评价数")], Double(rated), "\(name) 合计 评价数")
            close(total[col("满意率")], Double(good) / Double(rated), "\(name) 合计 满意率")
            close(total[col("参评率")], Double(rated) / Double(served), "\(name) 合计 参评率")
            if scope == "categories" {
                close(total[col("取号")], Double(report.reduce(0) { $0 + (($1["issued"] as? Int) ?? 0) }), "合计 取号")
            }
        }
        let cases = try #require((sheets["差评工单"]?["rows"] as? [[Any]]))
        #expect(cases.count > 3 && (cases[2] as? [String])?.prefix(3) == ["号码", "日期", "窗口"], "\(cases.prefix(3))")
        let reasons = try #require((sheets["评价原因"]?["rows"] as? [[Any]]))
        #expect((reasons[2] as? [String])?.contains("占该评价比例") == true)
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
