import Foundation
import HallModel
import Store
import TestSupport
import Testing

/// Keypad, then tablet: the citizen presses 不满意 on the window's Modbus evaluator (pymodbus on a pty);
/// the window's tablet page in headless Chromium then asks for that level's reasons, and what is tapped
/// there attaches to the same rating as its own event. The tablet shows the clerk's name, 工号 and photo.
@Suite(.serialized) struct BrowserKeypadReasonsTests {
    /// A 2×2 PNG, so the page has a real image to load.
    static let png: [UInt8] = [
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x02,
        0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xFD, 0xD4, 0x9A, 0x73, 0x00, 0x00, 0x00, 0x14, 0x49, 0x44, 0x41,
        0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0, 0x1F, 0x08, 0x19, 0x18, 0xFE, 0x03, 0x00, 0x3F, 0xE6, 0x06, 0xFA, 0xDE,
        0x7D, 0x2E, 0x3E, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]

    @Test func keypadLevelThenTabletReasonsAttachToTheSameRating() async throws {
        let keypads: DaemonRatingTests.Keypads
        do { keypads = try DaemonRatingTests.Keypads() } catch {
            Issue.record("no test virtualenv with pymodbus at .venv: run `make test`, which creates it")
            return
        }
        let devicePort = try await offload { keypads.line() }
        let pty = ((try? JSONSerialization.jsonObject(with: Data(devicePort.utf8))) as? [String: String])?["port"] ?? ""
        try #require(pty.hasPrefix("/dev/pts/"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("keypad-reasons-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let photo = dir.appendingPathComponent("c1.png")
        try Data(Self.png).write(to: photo)
        let config = dir.appendingPathComponent("counterd.toml")
        var toml = TestHall.toml(name: "评价测试大厅", clerks: [], tokens: ["t-w1", "t-kiosk", "t-manager"], windowNames: true,
                                 extra: TestHall.evaluatorLine(port: pty))
        toml += "[[clerks]]\nid = \"c1\"\nname = \"张敏\"\nstaff_no = \"GH0371\"\nphoto = \"\(photo.path)\"\n"
        try toml.write(to: config, atomically: true, encoding: .utf8)
        let (daemon, http) = try await DaemonRatingTests.startDaemon(config: config, dir: dir)
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        try #require(http > 0, "counterd did not start")
        func post(_ path: String, _ token: String, _ json: String = "{}") async throws -> HTTPResult {
            try await RawHTTP.request(port: http, "POST", path, token: token, json: json)
        }
        let browser: BrowserDisplayTests.Browser
        do { browser = try BrowserDisplayTests.Browser() } catch {
            Issue.record("no test virtualenv (.venv with websocket-client): run `make test`")
            return
        }
        let ready = BrowserDisplayTests.Browser.parse(try await offload { browser.line() })
        try #require(ready["ready"] as? Bool == true, "chromium did not start")

        #expect(try await post("/api/windows/1/sign-in", "t-w1", #"{"clerk":"c1"}"#).status == 200)
        #expect(try await post("/api/tickets", "t-kiosk", #"{"category":"a"}"#).status == 201)
        #expect(try await post("/api/windows/1/call-next", "t-w1").status == 200)
        _ = try await browser.send("open http://127.0.0.1:\(http)/evaluator/window/1?token=t-w1 1280 800")
        let who = try await browser.send(##"wait 5 document.getElementById("who").textContent.includes("GH0371")"##)
        #expect(who["ok"] as? Bool == true, "the tablet does not show the clerk's 工号: \(who)")
        let img = try await browser.send(##"wait 5 document.querySelector("#who img") && document.querySelector("#who img").naturalWidth === 2"##)
        #expect(img["ok"] as? Bool == true, "the clerk's photo did not load: \(img)")
        #expect(try await post("/api/windows/1/finish", "t-w1", #"{"outcome":"immediate"}"#).status == 200)
        func prompts() async -> [Int] { (try? await offload { keypads.prompts() }) ?? [] }
        #expect(await eventually(5) { await prompts().last == 1 }, "the evaluator was not asked to rate")

        // 不满意 on the keypad: the tablet asks for its reasons.
        keypads.send("press 1 2")
        let asked = try await browser.send(##"wait 8 !!document.querySelector("#reasons .rp-title") && document.querySelector("#reasons .rp-title").textContent.includes("您选择了“不满意”，请选择原因")"##)
        #expect(asked["ok"] as? Bool == true, "the tablet did not ask for the keypad level's reasons: \(asked)")
        let offered = try await browser.send(##"wait 5 [...document.querySelectorAll("#reasons .rp-reasons button")].map(b => b.dataset.code).join(",")"##)
        #expect(offered["value"] as? String == "207,208,209,210,211,212,213,214", "\(offered)")
        _ = try await browser.send("shot \(BrowserPeopleTests.artifacts.appendingPathComponent("tablet-keypad-reasons.png").path)")
        _ = try await browser.send(##"tap #reasons button[data-code="209"]"##)
        _ = try await browser.send("tap #reasons .rp-submit")
        let thanked = try await browser.send(##"wait 5 !document.getElementById("thanks").classList.contains("hidden")"##)
        #expect(thanked["ok"] as? Bool == true, "\(thanked)")

        let store = try EventStore.readOnly(path: dir.appendingPathComponent("hall.sqlite").path)
        let events = try store.events(after: 0)
        let rated = events.compactMap { e -> TicketRated? in if case .ticketRated(let r) = e.event { r } else { nil } }
        let added = events.compactMap { e -> RatingReasonsAdded? in if case .ratingReasonsAdded(let r) = e.event { r } else { nil } }
        #expect(rated.count == 1 && rated.first?.level == .dissatisfied && rated.first?.via == .evaluator && rated.first?.reasons == nil, "\(rated)")
        #expect(added.count == 1 && added.first?.ticket == rated.first?.ticket && added.first?.reasons == ["209"] && added.first?.level == .dissatisfied,
                "\(added)")
        let reasons = try await RawHTTP.request(port: http, "GET", "/api/reports/windows/reasons", token: "t-manager").json
        #expect("\(reasons)".contains("209"), "the reasons report does not count the tablet's reason: \(reasons)")
        // Once attached, the same ticket's reasons cannot be added again.
        let again = try await post("/api/windows/1/rating/reasons", "t-w1", #"{"ticket":"\#(rated.first?.ticket ?? "")","reasons":["213"]}"#)
        #expect(again.status == 409 && again.errorCode == "reasons_not_awaited", "\(again.text)")
        kill(daemon.processIdentifier, SIGTERM)
        try await offload { daemon.waitUntilExit() }
    }
}
