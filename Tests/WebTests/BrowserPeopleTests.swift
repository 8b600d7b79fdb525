import Foundation
import HallModel
import HallRuntime
import Simulators
import Store
import TestSupport
import Testing

/// The kiosk, the clerk console, the window tablet evaluator and the phone rating page in headless Chromium
/// (real touch and key events over the DevTools protocol), against the real counterd binary printing to a
/// simulated ESC/POS network printer on 127.0.0.1. Screenshots are kept in .build/test-artifacts/.
@Suite(.serialized) struct BrowserPeopleTests {
    struct Hall {
        let dir: URL
        let daemon: Process
        let http: Int
        let printer: SimulatedPrinter
        let browser: BrowserDisplayTests.Browser
        var base: String { "http://127.0.0.1:\(http)" }

        static func start(_ name: String) async throws -> Hall? {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("people-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let printer = try SimulatedPrinter.network()
            let extra = """
                [[devices]]
                id = "kiosk-printer"
                role = "printer"
                transport = "tcp"
                host = "127.0.0.1:\(printer.port)"
                [kiosk]
                rating_url = "http://hall.example:8080"
                staff_pin = "2468"
                paper_mm = 58

                """
            let config = dir.appendingPathComponent("counterd.toml")
            try TestHall.toml(name: name, windows: [1, 2], categories: [("a", "户籍办理", "A")], tokens: ["t-w1", "t-w2", "t-kiosk", "t-display", "t-manager"],
                              // Moving on before the rating (A002 below) is allowed here: the rule is tested in ConsoleRuleTests.
                              windowNames: true, hallLines: "rating_blocks_next = false\n", extra: extra).write(to: config, atomically: true, encoding: .utf8)
            let (daemon, http) = try await Daemon.start(["--config", config.path, "--database", dir.appendingPathComponent("hall.sqlite").path,
                                                         "--runtime-dir", dir.appendingPathComponent("run").path, "--listen", "127.0.0.1:0",
                                                         "--no-udev", "--log-level", "notice"])
            let browser: BrowserDisplayTests.Browser
            do { browser = try BrowserDisplayTests.Browser() } catch {
                Issue.record("no test virtualenv (.venv with websocket-client): run `make test`")
                kill(daemon.processIdentifier, SIGKILL)
                return nil
            }
            let ready = BrowserDisplayTests.Browser.parse(try await offload { browser.line() })
            #expect(ready["ready"] as? Bool == true, "chromium did not start")
            return Hall(dir: dir, daemon: daemon, http: http, printer: printer, browser: browser)
        }

        func stop() {
            if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) }
            try? FileManager.default.removeItem(at: dir)
        }

        func send(_ command: String) async throws -> [String: Any] { try await browser.send(command) }

        func post(_ path: String, _ token: String, _ json: String = "{}") async throws -> HTTPResult {
            try await RawHTTP.request(port: http, "POST", path, token: token, json: json)
        }

        func get(_ path: String, _ token: String?) async throws -> HTTPResult {
            try await RawHTTP.request(port: http, "GET", path, token: token, body: nil)
        }

        func windowReport() async throws -> [String: Any] {
            let r = try await get("/api/reports/windows", "t-manager")
            return ((r.json["rows"] as? [[String: Any]]) ?? []).first { $0["key"] as? String == "1" } ?? [:]
        }
    }

    static let artifacts: URL = {
        let url = DaemonTests.repo.appendingPathComponent(".build/test-artifacts")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// The URL paths in the tickets' QR codes (GS ( k … 31 50 30 payload), in print order.
    static func qrPaths(_ bytes: [UInt8]) -> [String] {
        var out: [String] = []
        for i in 0..<(max(0, bytes.count - 8)) where bytes[i] == 0x1D && bytes[i + 1] == 0x28 && bytes[i + 2] == 0x6B
            && bytes[i + 5] == 0x31 && bytes[i + 6] == 0x50 && bytes[i + 7] == 0x30 {
            let len = Int(bytes[i + 3]) | Int(bytes[i + 4]) << 8
            let payload = String(decoding: bytes[(i + 8)..<(i + 5 + len)], as: UTF8.self)
            out.append(payload.replacingOccurrences(of: "http://hall.example:8080", with: ""))
        }
        return out
    }

    static func qrPath(_ bytes: [UInt8]) -> String? { qrPaths(bytes).first }

    @Test func kioskTapPrintsTheTicketAndAPrinterFaultIssuesNothing() async throws {
        guard let hall = try await Hall.start("取号测试大厅") else { return }
        defer { hall.stop() }
        #expect(try await hall.post("/api/windows/1/sign-in", "t-w1", #"{"clerk":"c1"}"#).status == 200)

        _ = try await hall.send("open \(hall.base)/kiosk?token=t-kiosk 1080 1920")
        let loaded = try await hall.send(##"wait 5 document.querySelector('button.cat[data-code="a"]') && !document.querySelector('button.cat').disabled"##)
        #expect(loaded["ok"] as? Bool == true, "the kiosk did not show an enabled category: \(loaded)")
        let label = try await hall.send(##"eval document.querySelector('button.cat').innerText"##)
        #expect((label["value"] as? String)?.contains("户籍办理") == true && (label["value"] as? String)?.contains("等候 0 人") == true, "\(label)")
        _ = try await hall.send("shot \(Self.artifacts.appendingPathComponent("kiosk-portrait.png").path)")

        // Tap → the number on screen → the ticket's bytes at the printer, and the ticket in the queue.
        let tap = try await hall.send(##"tap button.cat[data-code="a"]"##)
        #expect(tap["ok"] as? Bool == true, "\(tap)")
        // The category's guide comes first (its checklist, since this hall has no guide file); then the ticket.
        let guide = try await hall.send(##"wait 5 !document.getElementById("guide").classList.contains("hidden") && document.getElementById("guideTitle").textContent"##)
        #expect(guide["value"] as? String == "户籍办理", "\(guide)")
        let take = try await hall.send("tap #guideTake")
        #expect(take["ok"] as? Bool == true, "\(take)")
        let shown = try await hall.send(##"wait 5 !document.getElementById("result").classList.contains("hidden") && document.getElementById("number").textContent"##)
        #expect(shown["value"] as? String == "A001", "\(shown)")
        _ = try await hall.send("shot \(Self.artifacts.appendingPathComponent("kiosk-ticket.png").path)")
        let printed = hall.printer.printed
        #expect(printed.starts(with: [0x1B, 0x40]) && printed.suffix(3) == [0x1D, 0x56, 0x01], "ESC @ first, the cut last")
        #expect(printed.contains(subsequence: [0x1D, 0x21, 0x22, 0x1B, 0x45, 0x01] + Array("A001".utf8)), "the number 3× on 58 mm")
        #expect(Self.qrPath(printed)?.hasPrefix("/r/") == true)
        let state = try await hall.get("/api/state", "t-display").json
        #expect((state["waiting"] as? [[String: Any]])?.map { $0["number"] as? String } == ["A001"])

        // Landscape: the same page, three columns.
        _ = try await hall.send("open \(hall.base)/kiosk?token=t-kiosk 1920 1080")
        let columns = try await hall.send(##"wait 5 document.querySelector('button.cat') && getComputedStyle(document.getElementById("grid")).gridTemplateColumns.split(" ").length"##)
        #expect(columns["value"] as? Int == 3, "\(columns)")
        _ = try await hall.send("shot \(Self.artifacts.appendingPathComponent("kiosk-landscape.png").path)")

        // Paper out: the kiosk says so in Chinese and offers no ticket; a ticket asked through the API is
        // refused, the number voided in the log, nothing joins the queue.
        hall.printer.set { $0.paperOut = true }
        hall.printer.clearPrinted()
        let refused = try await hall.post("/api/kiosk/tickets", "t-kiosk", #"{"category":"a","request_id":"r-1"}"#)
        #expect(refused.status == 503 && refused.text.contains("打印纸已用完"), "\(refused.status) \(refused.text)")
        let banner = try await hall.send(##"wait 8 !document.getElementById("banner").classList.contains("hidden") && document.getElementById("banner").textContent"##)
        #expect((banner["value"] as? String)?.contains("打印纸已用完") == true, "\(banner)")
        let disabled = try await hall.send(##"eval document.querySelector('button.cat').disabled"##)
        #expect(disabled["value"] as? Bool == true)
        let after = try await hall.get("/api/state", "t-display").json
        #expect((after["waiting"] as? [[String: Any]])?.count == 1, "a refused ticket joined the queue")
        #expect(hall.printer.printed.isEmpty)
        // Staff are alerted: a supervision alert on the dashboard's list, with the reason.
        _ = await eventually(8) { (try? await hall.get("/api/alerts", "t-manager").text)?.contains("打印纸已用完") == true }
        let alerts = try await hall.get("/api/alerts", "t-manager").text
        #expect(alerts.contains("device_down:kiosk-printer") && alerts.contains("打印纸已用完"), "\(alerts)")
        let metrics = try await hall.get("/metrics", nil).text
        #expect(metrics.contains(#"counterd_tickets_voided_total{reason="paper_out"} 1"#), "the number was not voided in the log")

        // Refilled: the refused request, sent again with its id, is a new attempt (A003: A002 was voided); once
        // it printed, the same id again gets that ticket back, not a second one.
        hall.printer.set { $0.paperOut = false }
        let ok = try await hall.post("/api/kiosk/tickets", "t-kiosk", #"{"category":"a","request_id":"r-1"}"#)
        #expect(ok.status == 201 && ok.json["number"] as? String == "A003", "\(ok.text)")
        let again = try await hall.post("/api/kiosk/tickets", "t-kiosk", #"{"category":"a","request_id":"r-1"}"#)
        #expect(again.status == 200 && again.json["number"] as? String == "A003" && again.json["repeated"] as? Bool == true)
        // Staff reprint with the PIN: marked 补打, no new number.
        let wrong = try await hall.post("/api/kiosk/reprint", "t-kiosk", #"{"pin":"0000"}"#)
        #expect(wrong.status == 403)
        hall.printer.clearPrinted()
        let reprint = try await hall.post("/api/kiosk/reprint", "t-kiosk", #"{"pin":"2468"}"#)
        #expect(reprint.status == 200 && reprint.json["number"] as? String == "A003")
        #expect(hall.printer.printed.contains(subsequence: [0xA3, 0xA8, 0xB2, 0xB9, 0xB4, 0xF2, 0xA3, 0xA9]), "（补打） in GB18030")
        let final = try await hall.get("/api/state", "t-display").json
        #expect((final["waiting"] as? [[String: Any]])?.map { $0["number"] as? String } == ["A001", "A003"])
    }

    /// The console offers what the engine would accept now (disabled buttons say why, keys too), and
    /// no-show and sign-out ask first: a second press or Enter does it, Esc cancels.
    @Test func consoleButtonsFollowTheEngineAndAskBeforeNoShowAndSignOut() async throws {
        guard let hall = try await Hall.start("窗口测试大厅") else { return }
        defer { hall.stop() }
        for _ in 0..<2 { #expect(try await hall.post("/api/kiosk/tickets", "t-kiosk", #"{"category":"a"}"#).status == 201) }
        _ = try await hall.send("open \(hall.base)/console/window/1?token=t-w1 1366 768")
        func enabled() async throws -> [String] {
            let r = try await hall.send(##"eval [...document.querySelectorAll("#actions button[data-act], #transfer button[data-act]")].filter(b => !b.disabled).map(b => b.dataset.act).sort().join(",")"##)
            return ((r["value"] as? String) ?? "").split(separator: ",").map(String.init)
        }
        _ = try await hall.send(##"wait 5 !document.getElementById("signin").classList.contains("hidden")"##)
        #expect(try await enabled() == [], "signed out, nothing but sign-in")
        let why = try await hall.send(##"eval document.querySelector('[data-act="call-next"]').title"##)
        #expect(((why["value"] as? String) ?? "").isEmpty == false, "a disabled button says why: \(why)")
        _ = try await hall.send(##"eval document.getElementById("clerkSelect").value = "c1""##)
        _ = try await hall.send("tap #signinButton")
        _ = try await hall.send(##"wait 5 document.getElementById("clerk").textContent.includes("张敏")"##)
        let idle = try await enabled()
        #expect(idle.contains("call-next") && idle.contains("sign-out") && !idle.contains("finish") && !idle.contains("no-show"), "\(idle)")
        _ = try await hall.send("key n")
        _ = try await hall.send(##"wait 5 document.getElementById("currentNumber")"##)
        let serving = try await enabled()
        #expect(serving.contains("finish") && serving.contains("no-show") && !serving.contains("call-next") && !serving.contains("sign-out"), "\(serving)")
        // N while serving is refused on the page with the engine's reason; nothing is sent.
        _ = try await hall.send("key n")
        let refusedKey = try await hall.send(##"wait 5 document.getElementById("message").textContent"##)
        #expect(((refusedKey["value"] as? String) ?? "").isEmpty == false)
        // No-show asks; Esc cancels; X then Enter does it.
        _ = try await hall.send("key x")
        let asked = try await hall.send(##"wait 5 document.body.dataset.confirm === "no-show" && document.getElementById("message").textContent"##)
        #expect(((asked["value"] as? String) ?? "").contains("确认"), "\(asked)")
        #expect(try await hall.get("/api/state", "t-display").text.contains("\"A001\""))
        _ = try await hall.send(##"eval document.dispatchEvent(new KeyboardEvent("keydown", {key: "Escape"}))"##)
        let cancelled = try await hall.send(##"wait 5 document.body.dataset.confirm === "" && document.getElementById("currentNumber").textContent"##)
        #expect(cancelled["value"] as? String == "A001", "\(cancelled)")
        _ = try await hall.send("key x")
        _ = try await hall.send(##"wait 5 document.body.dataset.confirm === "no-show""##)
        _ = try await hall.send(##"eval document.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter"}))"##)
        let gone = try await hall.send(##"wait 5 !document.getElementById("currentNumber")"##)
        #expect(gone["ok"] as? Bool == true, "\(gone)")
        let events = try EventStore.readOnly(path: hall.dir.appendingPathComponent("hall.sqlite").path).events(after: 0).map(\.record.kind)
        #expect(events.filter { $0 == .ticketNoShow }.count == 1)
        // Sign-out asks too: one press changes nothing, the second signs out.
        _ = try await hall.send(##"wait 5 !document.querySelector('[data-act="sign-out"]').disabled"##)
        _ = try await hall.send(##"tap #actions button[data-act="sign-out"]"##)
        _ = try await hall.send(##"wait 5 document.body.dataset.confirm === "sign-out""##)
        #expect(try await hall.get("/api/state", "t-display").text.contains("张敏"))
        _ = try await hall.send(##"tap #actions button[data-act="sign-out"]"##)
        let out = try await hall.send(##"wait 5 document.getElementById("clerk").textContent === "未签到""##)
        #expect(out["ok"] as? Bool == true, "\(out)")
        _ = try await hall.send("shot \(Self.artifacts.appendingPathComponent("console-guarded.png").path)")
    }

    @Test func consoleCallsAndFinishesTabletAndPhoneRateOnce() async throws {
        guard let hall = try await Hall.start("窗口测试大厅") else { return }
        defer { hall.stop() }
        for _ in 0..<3 { #expect(try await hall.post("/api/kiosk/tickets", "t-kiosk", #"{"category":"a"}"#).status == 201) }
        let codes = Self.qrPaths(hall.printer.printed)
        try #require(codes.count == 3, "\(codes)")
        let qr = codes[0]

        // The clerk console: sign in, call with the N key, finish with the button.
        _ = try await hall.send("open \(hall.base)/console/window/1?token=t-w1 1366 768")
        let signin = try await hall.send(##"wait 5 !document.getElementById("signin").classList.contains("hidden") && document.getElementById("clerkSelect").options.length"##)
        // The blank "choose yourself" entry and the one clerk: nobody is pre-selected.
        #expect(signin["value"] as? Int == 2, "\(signin)")
        _ = try await hall.send("tap #signinButton")
        let nobody = try await hall.send(##"wait 5 document.getElementById("message").textContent.includes("请先选择您的姓名")"##)
        #expect(nobody["ok"] as? Bool == true, "\(nobody)")
        _ = try await hall.send(##"eval document.getElementById("clerkSelect").value = "c1""##)
        _ = try await hall.send("tap #signinButton")
        let signed = try await hall.send(##"wait 5 document.getElementById("clerk").textContent.includes("张敏") && document.getElementById("clerk").textContent"##)
        #expect((signed["value"] as? String)?.contains("张敏") == true, "\(signed)")
        _ = try await hall.send("key n")
        let current = try await hall.send(##"wait 5 document.getElementById("currentNumber") && document.getElementById("currentNumber").textContent"##)
        #expect(current["value"] as? String == "A001", "\(current)")
        var state = try await hall.get("/api/state", "t-display").json
        var w1 = (state["windows"] as? [[String: Any]])?.first { $0["number"] as? Int == 1 }
        #expect((w1?["serving"] as? [String: Any])?["number"] as? String == "A001")
        _ = try await hall.send("shot \(Self.artifacts.appendingPathComponent("console.png").path)")
        // The outcome class is the clerk's choice: finishing without one says what to do and does nothing.
        _ = try await hall.send(##"tap #actions button[data-act="finish"]"##)
        let unchosen = try await hall.send(##"wait 5 document.getElementById("message").textContent.includes("请先选择办件类型") && document.getElementById("currentNumber").textContent"##)
        #expect(unchosen["value"] as? String == "A001", "\(unchosen)")
        _ = try await hall.send(##"eval document.getElementById("outcome").value = "promised""##)
        _ = try await hall.send(##"tap #actions button[data-act="finish"]"##)
        let awaiting = try await hall.send(##"wait 5 document.getElementById("phase").textContent === "等待评价" && document.getElementById("outcome").value === """##)
        #expect(awaiting["ok"] as? Bool == true, "\(awaiting)")
        state = try await hall.get("/api/state", "t-display").json
        w1 = (state["windows"] as? [[String: Any]])?.first { $0["number"] as? Int == 1 }
        #expect(w1?["phase"] as? String == "awaiting_rating")

        // The window's tablet: tap → one rating stored; a second tap finds nothing to rate.
        _ = try await hall.send("open \(hall.base)/evaluator/window/1?token=t-w1 1280 800")
        let buttons = try await hall.send(##"wait 5 !document.getElementById("levels").classList.contains("hidden")"##)
        #expect(buttons["ok"] as? Bool == true, "the tablet shows no rating buttons: \(buttons)")
        _ = try await hall.send("shot \(Self.artifacts.appendingPathComponent("evaluator-tablet.png").path)")
        // 不满意: the eight reasons of that level appear; sending none is refused on the page; two reasons, a
        // comment and a callback number are stored with the rating.
        _ = try await hall.send(##"tap #levels button[data-level="2"]"##)
        let offered = try await hall.send(##"wait 5 [...document.querySelectorAll("#reasons .rp-reasons button")].map(b => b.dataset.code).join(",")"##)
        #expect(offered["value"] as? String == "207,208,209,210,211,212,213,214", "\(offered)")
        let title = try await hall.send(##"eval document.querySelector("#reasons .rp-title").textContent"##)
        #expect((title["value"] as? String)?.contains("您选择了“不满意”，请选择原因") == true, "\(title)")
        _ = try await hall.send("shot \(Self.artifacts.appendingPathComponent("evaluator-reasons.png").path)")
        _ = try await hall.send("tap #reasons .rp-submit")
        let refused = try await hall.send(##"wait 5 document.querySelector("#reasons .rp-error").textContent.includes("至少选择一项")"##)
        #expect(refused["ok"] as? Bool == true, "\(refused)")
        _ = try await hall.send(##"tap #reasons button[data-code="213"]"##)
        _ = try await hall.send(##"tap #reasons button[data-code="214"]"##)
        _ = try await hall.send(##"eval (() => { document.querySelector("#reasons .rp-comment").value = "等了很久"; document.querySelector("#reasons .rp-phone").value = "13800138000"; })()"##)
        _ = try await hall.send("tap #reasons .rp-submit")
        let thanks = try await hall.send(##"wait 5 !document.getElementById("thanks").classList.contains("hidden")"##)
        #expect(thanks["ok"] as? Bool == true)
        // The tap stored the level; the reasons, comment and phone followed as their own event for that rating.
        let log = try EventStore.readOnly(path: hall.dir.appendingPathComponent("hall.sqlite").path).events(after: 0)
        let stored = log.compactMap { e -> TicketRated? in if case .ticketRated(let r) = e.record.event { r } else { nil } }
        let added = log.compactMap { e -> RatingReasonsAdded? in if case .ratingReasonsAdded(let r) = e.record.event { r } else { nil } }
        #expect(stored.count == 1 && stored.first?.via == .tablet && stored.first?.level == .dissatisfied && stored.first?.reasons == nil, "\(stored)")
        #expect(added.count == 1 && added.first?.ticket == stored.first?.ticket && added.first?.reasons == ["213", "214"]
                && added.first?.comment == "等了很久" && added.first?.phone == "13800138000", "\(added)")
        let second = try await hall.post("/api/windows/1/rating", "t-w1", #"{"level":1,"reasons":["115"]}"#)
        #expect(second.status == 409)
        var report = try await hall.windowReport()
        #expect(report["rated"] as? Int == 1 && (report["ratings"] as? [Int]) == [0, 1, 0, 0, 0], "\(report)")

        // The phone page behind A001's QR code: already rated at the tablet, so nothing more counts.
        _ = try await hall.send("open \(hall.base)\(qr) 390 844")
        let phone = try await hall.send(##"wait 5 document.getElementById("message").textContent"##)
        #expect((phone["value"] as? String)?.contains("已评价") == true, "\(phone)")
        let direct = try await hall.post("/api/rate/\(qr.dropFirst(3))", "", #"{"level":1,"reasons":["115"]}"#)
        #expect(direct.status == 409)
        // A forged token (A001's with one digit changed, and A002's name with A001's code): not valid, nothing stored.
        var forged = Array(qr)
        forged[forged.count - 1] = forged[forged.count - 1] == "0" ? "1" : "0"
        _ = try await hall.send("open \(hall.base)\(String(forged)) 390 844")
        let bad = try await hall.send(##"wait 5 document.getElementById("ticket").textContent.includes("无效")"##)
        #expect(bad["ok"] as? Bool == true, "\(bad)")
        #expect(try await hall.post("/api/rate/\(String(forged).dropFirst(3))", "", #"{"level":1,"reasons":["115"]}"#).status == 404)
        let swapped = qr.replacingOccurrences(of: "-A001.", with: "-A002.")
        #expect(try await hall.post("/api/rate/\(swapped.dropFirst(3))", "", #"{"level":1,"reasons":["115"]}"#).status == 404)
        report = try await hall.windowReport()
        #expect(report["rated"] as? Int == 1, "\(report)")

        // A002, served and left unrated at the window (timeout): rated later from the phone, once.
        #expect(try await hall.post("/api/windows/1/call-next", "t-w1").status == 200)
        #expect(try await hall.post("/api/windows/1/finish", "t-w1").status == 200)
        #expect(try await hall.post("/api/windows/1/call-next", "t-w1").status == 200, "the next call ends A002's wait for a rating")
        _ = try await hall.send("open \(hall.base)\(codes[1]) 390 844")
        let levels = try await hall.send(##"wait 5 document.querySelectorAll("#levels button").length"##)
        #expect(levels["value"] as? Int == 5, "\(levels)")
        let page = try await hall.send(##"eval document.body.innerText"##)
        // The citizen sees whom the rating is for (issue 14 part 6): the clerk who served the ticket.
        #expect((page["value"] as? String)?.contains("工作人员 张敏") == true, "the phone page does not name the clerk: \(page)")
        // The hall and the day are named, and the prompt stands above the buttons.
        let order = try await hall.send(##"eval JSON.stringify({hall: document.getElementById("hallLine").textContent, prompt: document.getElementById("message").getBoundingClientRect().bottom, buttons: document.querySelector("#levels button").getBoundingClientRect().top, text: document.getElementById("message").textContent})"##)
        let layout = (try? JSONSerialization.jsonObject(with: Data(((order["value"] as? String) ?? "{}").utf8))) as? [String: Any] ?? [:]
        let hallLine = layout["hall"] as? String ?? ""
        #expect(hallLine.contains("年") && hallLine.contains("月") && hallLine.hasSuffix("日") && !hallLine.hasPrefix(" ·"), "\(layout)")
        #expect(((layout["prompt"] as? NSNumber)?.doubleValue ?? 9999) <= ((layout["buttons"] as? NSNumber)?.doubleValue ?? 0)
                && (layout["text"] as? String) == "请对本次服务作出评价", "\(layout)")
        _ = try await hall.send("shot \(Self.artifacts.appendingPathComponent("rate-phone.png").path)")
        _ = try await hall.send(##"tap #levels button[data-level="5"]"##)
        _ = try await hall.send(##"wait 5 document.querySelectorAll("#reasons .rp-reasons button").length === 8"##)
        // On a phone the reasons run below the fold: scrolled to, as a thumb would.
        _ = try await hall.send(##"eval document.querySelector('#reasons button[data-code="517"]').scrollIntoView({block: "center"})"##)
        _ = try await hall.send(##"tap #reasons button[data-code="517"]"##)
        _ = try await hall.send(##"eval document.querySelector("#reasons .rp-submit").scrollIntoView({block: "center"})"##)
        _ = try await hall.send("tap #reasons .rp-submit")
        let thanked = try await hall.send(##"wait 5 document.getElementById("message").textContent.includes("感谢")"##)
        #expect(thanked["ok"] as? Bool == true, "\(thanked)")
        #expect(try await hall.post("/api/rate/\(codes[1].dropFirst(3))", "", #"{"level":5}"#).status == 409)
        report = try await hall.windowReport()
        #expect(report["rated"] as? Int == 2 && (report["ratings"] as? [Int]) == [0, 1, 0, 0, 1] && report["not_rated"] as? Int == 0, "\(report)")
        // The managers' dashboard names window 1's 差评 reasons, as the tablet took them.
        _ = try await hall.send("open \(hall.base)/dashboard?token=t-manager&lang=zh 1366 768")
        let reasons = try await hall.send(##"wait 5 document.querySelector('#badReasons tr[data-window="1"]') && document.querySelector('#badReasons tr[data-window="1"]').innerText"##)
        let text = reasons["value"] as? String ?? ""
        #expect(text.contains("213 窗口人员业务不熟练（1）") && text.contains("214 服务态度生硬（1）") && !text.contains("517"), "\(reasons)")
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence s: [UInt8]) -> Bool {
        guard s.count <= count else { return false }
        return (0...(count - s.count)).contains { Array(self[$0..<($0 + s.count)]) == s }
    }
}
