import Codecs
import Foundation
import Simulators
import TestSupport
import Testing

/// The kiosk for every citizen, in headless Chromium against the real daemon and a simulated ESC/POS
/// printer: portrait 1080×1920 and landscape 1920×1080 layouts, the 大字模式, an opaque ticket screen,
/// Noto Sans CJK for numbers, the 绿色通道 ticket with its reason, the 办事指南 before the ticket (shown,
/// printed, and on its own page for the ticket's QR code), and appointment check-in on the keypad.
/// Screenshots go to .build/test-artifacts/.
@Suite(.serialized) struct BrowserKioskTests {
    struct Kiosk {
        let dir: URL
        let daemon: Process
        let http: Int
        let printer: SimulatedPrinter
        let browser: BrowserDisplayTests.Browser
        var base: String { "http://127.0.0.1:\(http)" }

        func send(_ command: String) async throws -> [String: Any] { try await browser.send(command) }
        func value(_ js: String) async throws -> Any? { try await send("eval \(js)")["value"] }
        func post(_ path: String, _ token: String, _ json: String) async throws -> HTTPResult {
            try await RawHTTP.request(port: http, "POST", path, token: token, json: json)
        }
        func stop() {
            kill(daemon.processIdentifier, SIGKILL)
            try? FileManager.default.removeItem(at: dir)
        }
    }

    static func start() async throws -> Kiosk? {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("guides"), withIntermediateDirectories: true)
        try """
            title = "户口迁移登记"
            materials = ["居民身份证原件", "居民户口簿", "迁入地住所证明"]
            time_limit = "即办"
            fees = "不收费"
            legal_basis = ["《中华人民共和国户口登记条例》第十条"]
            location = "一楼 A 区 1 号窗口"
            notes = ["未成年人须由监护人陪同"]
            """.write(to: dir.appendingPathComponent("guides/a.toml"), atomically: true, encoding: .utf8)
        let printer = try SimulatedPrinter.network()
        let config = dir.appendingPathComponent("counterd.toml")
        try TestHall.toml(name: "示范区政务服务中心", windows: [1, 2], categories: [("a", "户籍办理", "A"), ("b", "社保医保", "B"), ("c", "企业开办", "C"),
                                                                        ("d", "税务登记", "D"), ("e", "综合咨询", "E")],
                          tokens: ["t-w1", "t-kiosk", "t-manager", "t-display"], windowNames: true, extra: """
                          [[devices]]
                          id = "kiosk-printer"
                          role = "printer"
                          transport = "tcp"
                          host = "127.0.0.1:\(printer.port)"
                          [kiosk]
                          rating_url = "http://hall.example:8080"
                          paper_mm = 80
                          appointments = true
                          priority_reasons = ["老年人", "残疾人", "军人"]
                          """).write(to: config, atomically: true, encoding: .utf8)
        let (daemon, http) = try await Daemon.start(["--config", config.path, "--database", dir.appendingPathComponent("hall.sqlite").path,
                                                     "--runtime-dir", dir.appendingPathComponent("run").path, "--guides", dir.appendingPathComponent("guides").path,
                                                     "--listen", "127.0.0.1:0", "--no-udev", "--log-level", "notice"])
        let browser: BrowserDisplayTests.Browser
        do { browser = try BrowserDisplayTests.Browser() } catch {
            Issue.record("no test virtualenv (.venv with websocket-client): run `make test`")
            kill(daemon.processIdentifier, SIGKILL)
            return nil
        }
        let ready = BrowserDisplayTests.Browser.parse(try await offload { browser.line() })
        #expect(ready["ready"] as? Bool == true, "chromium did not start")
        return Kiosk(dir: dir, daemon: daemon, http: http, printer: printer, browser: browser)
    }

    static let artifacts = BrowserPeopleTests.artifacts

    /// The layout checks both orientations must pass; returns the number of grid columns.
    static func checkLayout(_ k: Kiosk, width: Int, height: Int, name: String) async throws -> Int {
        _ = try await k.send("open \(k.base)/kiosk?token=t-kiosk \(width) \(height)")
        let loaded = try await k.send(##"wait 5 document.querySelectorAll("button.cat").length === 5 && !document.querySelector("button.cat").disabled"##)
        #expect(loaded["ok"] as? Bool == true, "\(loaded)")
        // The title and the clock never run into each other.
        let overlap = try await k.value(##"(() => { const a = document.querySelector("header h1").getBoundingClientRect(), b = document.getElementById("clock").getBoundingClientRect(); return !(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top); })()"##)
        #expect(overlap as? Bool == false, "\(name): title and clock overlap")
        // The tiles fill the screen: no half-empty screen, nothing cut off, every button on screen.
        let filled = try await k.value(##"(() => { const g = document.getElementById("grid"), r = g.getBoundingClientRect(); const tiles = [...g.querySelectorAll("button.cat")]; const last = tiles[tiles.length - 1].getBoundingClientRect(); return (last.bottom - r.top) / r.height; })()"##) as? Double ?? 0
        #expect(filled > 0.85, "\(name): the tiles fill only \(Int(filled * 100)) % of the grid")
        let scrolls = try await k.value(##"document.getElementById("grid").scrollHeight > document.getElementById("grid").clientHeight + 1"##)
        #expect(scrolls as? Bool == false, "\(name): the grid needs scrolling")
        let buttons = try await k.value(##"[...document.querySelectorAll("#actions button")].filter(b => !b.classList.contains("hidden")).every(b => { const r = b.getBoundingClientRect(); return r.height > 40 && r.bottom <= innerHeight; })"##)
        #expect(buttons as? Bool == true, "\(name): an action button is off screen")
        _ = try await k.send("shot \(artifacts.appendingPathComponent("kiosk-\(name).png").path)")
        return try await k.value(##"getComputedStyle(document.getElementById("grid")).gridTemplateColumns.split(" ").length"##) as? Int ?? 0
    }

    /// 大字模式 and the standard mode, portrait and landscape: no tile's text runs out of its tile or into another
    /// tile, and every category can be reached (a screenful at a time, with 更多业务, when they do not all fit).
    @Test func everyCategoryIsReachableAndNoTextOverprintsInEveryModeAndOrientation() async throws {
        guard let k = try await Self.start() else { return }
        defer { k.stop() }
        for (width, height) in [(1080, 1920), (1920, 1080), (768, 1024), (1280, 800)] {
            for large in [false, true] {
                let name = "\(width)x\(height)\(large ? "-large" : "")"
                _ = try await k.send("open \(k.base)/kiosk?token=t-kiosk \(width) \(height)")
                let loaded = try await k.send(##"wait 5 document.querySelectorAll("button.cat").length === 5"##)
                #expect(loaded["ok"] as? Bool == true, "\(name): \(loaded)")
                if large { _ = try await k.send("tap #largeButton") }
                var reached = Set<String>()
                for _ in 0..<6 {
                    let page = try await k.value(##"(() => { const g = document.getElementById("grid").getBoundingClientRect(); const tiles = [...document.querySelectorAll("button.cat")].filter(t => !t.classList.contains("hidden")); const inside = (a, b) => a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1; const apart = (a, b) => a.right <= b.left + 1 || b.right <= a.left + 1 || a.bottom <= b.top + 1 || b.bottom <= a.top + 1; const rects = tiles.map(t => t.getBoundingClientRect()); const textOut = tiles.some(t => [...t.querySelectorAll("span")].some(sp => !inside(sp.getBoundingClientRect(), t.getBoundingClientRect()))); const overlap = rects.some((a, i) => rects.some((b, j) => i < j && !apart(a, b))); const offGrid = rects.some(r => r.bottom > g.bottom + 1 || r.top < g.top - 1); return JSON.stringify({codes: tiles.map(t => t.dataset.code), textOut, overlap, offGrid, more: !document.getElementById("moreButton").classList.contains("hidden")}); })()"##) as? String ?? "{}"
                    let o = (try? JSONSerialization.jsonObject(with: Data(page.utf8))) as? [String: Any] ?? [:]
                    #expect(o["textOut"] as? Bool == false && o["overlap"] as? Bool == false && o["offGrid"] as? Bool == false, "\(name): \(page)")
                    reached.formUnion(o["codes"] as? [String] ?? [])
                    guard o["more"] as? Bool == true else { break }
                    _ = try await k.send("tap #moreButton")
                }
                #expect(reached == ["a", "b", "c", "d", "e"], "\(name): only \(reached.sorted()) can be reached")
                _ = try await k.send("shot \(Self.artifacts.appendingPathComponent("kiosk-tiles-\(name).png").path)")
            }
        }
    }

    @Test func bothOrientationsTheLargeModeAndTheFont() async throws {
        guard let k = try await Self.start() else { return }
        defer { k.stop() }
        #expect(try await Self.checkLayout(k, width: 1080, height: 1920, name: "portrait-1080x1920") == 2)
        let normal = try await k.value(##"parseFloat(getComputedStyle(document.querySelector("button.cat .name")).fontSize)"##) as? Double ?? 0
        _ = try await k.send("tap #largeButton")
        let large = try await k.value(##"document.body.classList.contains("large") && parseFloat(getComputedStyle(document.querySelector("button.cat .name")).fontSize)"##) as? Double ?? 0
        #expect(large >= normal * 1.4, "大字模式 \(large) px against \(normal) px")
        #expect(try await k.value(##"getComputedStyle(document.getElementById("grid")).gridTemplateColumns.split(" ").length"##) as? Int == 1)
        #expect(try await k.value(##"document.getElementById("largeButton").textContent"##) as? String == "标准模式")
        _ = try await k.send("shot \(Self.artifacts.appendingPathComponent("kiosk-portrait-large.png").path)")
        #expect(try await Self.checkLayout(k, width: 1920, height: 1080, name: "landscape-1920x1080") == 3)

        // The page runs under its Content-Security-Policy: an inline script put into it does not run.
        let blocked = try await k.value(##"(() => { const s = document.createElement("script"); s.textContent = "window.__inline = 1"; document.body.appendChild(s); return window.__inline === undefined; })()"##)
        #expect(blocked as? Bool == true, "an inline script ran: the policy is not in force")

        // Numbers in Noto Sans CJK (a plain zero), which the package depends on and the tests install.
        let family = try await k.value(##"getComputedStyle(document.getElementById("number")).fontFamily"##) as? String ?? ""
        #expect(family.hasPrefix("\"Noto Sans CJK SC\"") && !family.contains("Mono"), "\(family)")
        let match = try await Command.run(URL(fileURLWithPath: "/usr/bin/fc-match"), ["Noto Sans CJK SC"])
        #expect(match.out.contains("NotoSansCJK"), "fonts-noto-cjk is not installed: \(match.out)")
    }

    @Test func priorityTicketGuideAndAppointmentAtTheKiosk() async throws {
        guard let k = try await Self.start() else { return }
        defer { k.stop() }
        #expect(try await k.post("/api/windows/1/sign-in", "t-w1", #"{"clerk":"c1"}"#).status == 200)
        _ = try await k.send("open \(k.base)/kiosk?token=t-kiosk 1080 1920")
        _ = try await k.send(##"wait 5 !document.getElementById("priorityButton").classList.contains("hidden") && document.querySelector("button.cat")"##)

        // 绿色通道: a reason, then the category, its guide, the ticket.
        _ = try await k.send("tap #priorityButton")
        let reasons = try await k.value(##"[...document.querySelectorAll("#reasons button")].map(b => b.textContent).join("|")"##)
        #expect(reasons as? String == "老年人|残疾人|军人")
        _ = try await k.send(##"tap #reasons button[data-r="老年人"]"##)
        let mode = try await k.send(##"wait 3 !document.getElementById("mode").classList.contains("hidden") && document.getElementById("modeText").textContent"##)
        #expect((mode["value"] as? String)?.contains("绿色通道（老年人）") == true, "\(mode)")
        _ = try await k.send(##"tap button.cat[data-code="a"]"##)
        let guide = try await k.send(##"wait 5 document.getElementById("guideBody").textContent.includes("居民户口簿") && document.getElementById("guideBody").textContent"##)
        let guideText = guide["value"] as? String ?? ""
        #expect(guideText.contains("承诺时限") && guideText.contains("即办") && guideText.contains("不收费") && guideText.contains("12345"), "\(guideText)")
        #expect(try await k.value(##"document.getElementById("guideTitle").textContent"##) as? String == "绿色通道 · 户籍办理")
        // The guide on paper.
        k.printer.clearPrinted()
        _ = try await k.send("tap #guidePrint")
        let printedGuide = try await k.send(##"wait 5 document.getElementById("guideMessage").textContent.includes("已打印") && document.getElementById("guideMessage").textContent"##)
        #expect(printedGuide["ok"] as? Bool == true, "\(printedGuide)")
        #expect(k.printer.printed.contains(subsequence: GBText.encode("办事指南")) && k.printer.printed.contains(subsequence: GBText.encode("迁入地住所证明")))
        #expect(BrowserPeopleTests.qrPaths(k.printer.printed) == ["/guide/a"])
        k.printer.clearPrinted()
        _ = try await k.send("tap #guideTake")
        let shown = try await k.send(##"wait 5 !document.getElementById("result").classList.contains("hidden") && document.getElementById("number").textContent"##)
        #expect(shown["value"] as? String == "A001", "\(shown)")
        #expect(try await k.value(##"document.getElementById("ticketReason").textContent"##) as? String == "绿色通道（老年人）· 优先办理")
        #expect((try await k.value(##"document.getElementById("ticketWait").textContent"##) as? String)?.hasPrefix("预计") == true)
        // Opaque: nothing of the grid shows through.
        #expect(try await k.value(##"getComputedStyle(document.getElementById("result")).backgroundColor"##) as? String == "rgb(11, 58, 117)")
        _ = try await k.send("shot \(Self.artifacts.appendingPathComponent("kiosk-priority-ticket.png").path)")
        let ticket = k.printer.printed
        #expect(ticket.contains(subsequence: GBText.encode("绿色通道：老年人")) && ticket.contains(subsequence: GBText.encode("预计")), "the ticket names its reason and the estimate")
        #expect(BrowserPeopleTests.qrPaths(ticket).last == "/guide/a" && BrowserPeopleTests.qrPaths(ticket).first?.hasPrefix("/r/") == true)
        _ = try await k.send("tap #done")

        // Appointment on the keypad: a wrong code, then the right one.
        let day = AppointmentTests.hallNow().day
        let slot = try #require(AppointmentTests.slot(-10, 20))
        let booked = try await k.post("/api/appointments", "t-manager", AppointmentTests.appointment("20261202", day: day, slot, category: "b"))
        #expect(booked.status == 201, "\(booked.text)")
        func typeCode(_ code: String) async throws {
            _ = try await k.send("tap #appointmentButton")
            _ = try await k.send(##"wait 3 !document.getElementById("codePanel").classList.contains("hidden")"##)
            for c in code { _ = try await k.send(##"tap #codePad button[data-k="\##(c)"]"##) }
            _ = try await k.send(##"tap #codePad button[data-k="确定"]"##)
        }
        try await typeCode("99999999")
        let refused = try await k.send(##"wait 5 !document.getElementById("failure").classList.contains("hidden") && document.getElementById("failureText").textContent"##)
        #expect((refused["value"] as? String)?.contains("没有找到这个预约号") == true, "\(refused)")
        _ = try await k.send("tap #failureDone")
        try await typeCode("20261202")
        let checked = try await k.send(##"wait 5 !document.getElementById("result").classList.contains("hidden") && document.getElementById("number").textContent"##)
        #expect(checked["value"] as? String == "B001", "\(checked)")
        #expect(try await k.value(##"document.getElementById("ticketReason").textContent"##) as? String == "预约取号 · 优先办理")
        _ = try await k.send("shot \(Self.artifacts.appendingPathComponent("kiosk-appointment.png").path)")

        // The dashboard's 群众服务 section counts both: the 绿色通道 reason and the appointment that arrived.
        _ = try await k.send("open \(k.base)/dashboard?token=t-manager 1366 768")
        let citizens = try await k.send(##"wait 8 document.getElementById("citizenAppointments").textContent.includes("100.0%") && document.getElementById("citizenSection").innerText"##)
        let section = citizens["value"] as? String ?? ""
        #expect(section.contains("老年人") && section.contains("预约") && section.contains("社保医保"), "\(citizens)")

        // The guide's own page, as a phone opens it from the ticket's QR code.
        _ = try await k.send("open \(k.base)/guide/a 390 844")
        let page = try await k.send(##"wait 5 !document.getElementById("guide").classList.contains("hidden") && document.body.innerText"##)
        let text = page["value"] as? String ?? ""
        #expect(text.contains("户口迁移登记") && text.contains("居民身份证原件") && text.contains("一楼 A 区 1 号窗口") && text.contains("12345"), "\(text)")
        _ = try await k.send("shot \(Self.artifacts.appendingPathComponent("guide-phone.png").path)")
        _ = try await k.send("open \(k.base)/guide/b 390 844")
        let none = try await k.send(##"wait 5 !document.getElementById("error").classList.contains("hidden") && document.getElementById("error").textContent"##)
        #expect((none["value"] as? String)?.contains("暂无办事指南") == true, "\(none)")
    }
}
