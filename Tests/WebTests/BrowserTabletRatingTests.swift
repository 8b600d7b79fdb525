import Foundation
import HallModel
import Store
import TestSupport
import Testing

/// The window tablet must not lose a 差评: the level is stored at the tap, the reasons, comment and phone follow
/// within a reasons window that the page renews while the citizen is still typing. Real daemon, real SQLite,
/// headless Chromium with real touch and key events.
@Suite(.serialized) struct BrowserTabletRatingTests {
    @Test func aSlowUnhappyCitizenIsCountedWithReasonsAndOneWhoWalksAwayStillCounts() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tablet-rating-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("counterd.toml")
        // A short rating wait (6 s) and the shortest reasons window (10 s), so typing outlasts both.
        var toml = TestHall.toml(name: "平板评价测试大厅", tokens: ["t-w1", "t-kiosk", "t-manager"], windowNames: true,
                                 hallLines: "rating_timeout_seconds = 6\n")
        toml += "[ratings]\nreasons_window_seconds = 10\n"
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
        let store = try EventStore.readOnly(path: dir.appendingPathComponent("hall.sqlite").path)
        func events() throws -> [StoredEvent] { try store.events(after: 0) }

        #expect(try await post("/api/windows/1/sign-in", "t-w1", #"{"clerk":"c1"}"#).status == 200)
        _ = try await browser.send("open http://127.0.0.1:\(http)/evaluator/window/1?token=t-w1 1280 800")

        // 1. Finish; the citizen taps 不满意 near the end of the 6 s wait.
        #expect(try await post("/api/tickets", "t-kiosk", #"{"category":"a"}"#).status == 201)
        #expect(try await post("/api/windows/1/call-next", "t-w1").status == 200)
        #expect(try await post("/api/windows/1/finish", "t-w1", #"{"outcome":"promised"}"#).status == 200)
        let levels = try await browser.send(##"wait 8 !document.getElementById("levels").classList.contains("hidden")"##)
        try #require(levels["ok"] as? Bool == true, "the tablet did not offer the levels: \(levels)")
        _ = try await browser.send("wait 3.5 false")  // the citizen hesitates: about 2.5 s of the wait are left
        _ = try await browser.send(##"tap #levels button[data-level="2"]"##)
        #expect(await eventually(5) { ((try? events()) ?? []).contains { if case .ticketRated(let r) = $0.event { r.level == .dissatisfied } else { false } } },
                "the tap was not stored as a rating at once")
        let panel = try await browser.send(##"wait 5 !!document.querySelector("#reasons .rp-title")"##)
        try #require(panel["ok"] as? Bool == true, "no reasons panel after the tap: \(panel)")
        _ = try await browser.send(##"tap #reasons button[data-code="213"]"##)
        _ = try await browser.send(##"tap #reasons button[data-code="214"]"##)
        // A chosen reason looks chosen on the dark tablet: its fill differs from the page and from an unchosen one.
        let look = try await browser.send(##"eval (() => { const on = getComputedStyle(document.querySelector('#reasons button[data-code="213"]')).backgroundColor; const off = getComputedStyle(document.querySelector('#reasons button[data-code="207"]')).backgroundColor; const page = getComputedStyle(document.body).backgroundColor; return [on, off, page].join("|"); })()"##)
        let colours = (look["value"] as? String ?? "").split(separator: "|").map(String.init)
        #expect(colours.count == 3 && colours[0] != colours[1] && colours[0] != colours[2], "a chosen reason does not stand out: \(colours)")
        _ = try await browser.send("shot \(BrowserPeopleTests.artifacts.appendingPathComponent("tablet-reasons-chosen.png").path)")
        // Typing for 14 s: past the rating wait and past the 10 s reasons window, which the page renews.
        _ = try await browser.send(##"eval document.querySelector("#reasons .rp-comment").focus()"##)
        for ch in "slowtyping" {
            _ = try await browser.send("key \(ch)")
            _ = try await browser.send("wait 1.4 false")
        }
        _ = try await browser.send(##"eval (() => { const p = document.querySelector("#reasons .rp-phone"); p.value = "13812345678"; p.dispatchEvent(new Event("input", {bubbles: true})); return true; })()"##)
        let stillOpen = try await browser.send(##"eval !document.getElementById("reasons").classList.contains("hidden")"##)
        #expect(stillOpen["value"] as? Bool == true, "the reasons panel closed while the citizen was typing")
        _ = try await browser.send("tap #reasons .rp-submit")
        let thanked = try await browser.send(##"wait 5 !document.getElementById("thanks").classList.contains("hidden")"##)
        #expect(thanked["ok"] as? Bool == true, "no thanks after submitting: \(thanked)")

        var log = try events()
        let first = log.compactMap { e -> TicketRated? in if case .ticketRated(let r) = e.event { r } else { nil } }.first
        #expect(first?.level == .dissatisfied && first?.via == .tablet && first?.reasons == nil, "\(String(describing: first))")
        let added = log.compactMap { e -> RatingReasonsAdded? in if case .ratingReasonsAdded(let r) = e.event { r } else { nil } }
        #expect(added.count == 1 && added.first?.ticket == first?.ticket && added.first?.reasons == ["213", "214"]
                && added.first?.comment == "slowtyping" && added.first?.phone == "13812345678", "\(added)")
        #expect(log.contains { if case .ratingReasonsExtended(let x) = $0.event { x.ticket == first?.ticket } else { false } },
                "the page did not renew the reasons window while the citizen typed")
        #expect(log.contains { if case .caseOpened(let c) = $0.event { c.ticket == first?.ticket } else { false } }, "no 差评 case opened")
        #expect(!log.contains { if case .ratingNotGiven = $0.event { true } else { false } }, "the ticket was recorded as not rated")
        // The case carries what the citizen said; the phone masked until revealed.
        let cases = try await RawHTTP.request(port: http, "GET", "/api/cases?state=open", token: "t-manager")
        #expect(cases.text.contains("213") && cases.text.contains("窗口人员业务不熟练") && cases.text.contains("slowtyping")
                && cases.text.contains("138****5678") && !cases.text.contains("13812345678"), "\(cases.text)")

        // 2. The next citizen taps 非常不满意 and walks away: a rating without reasons, never "not rated".
        #expect(try await post("/api/tickets", "t-kiosk", #"{"category":"a"}"#).status == 201)
        #expect(try await post("/api/windows/1/call-next", "t-w1").status == 200)
        #expect(try await post("/api/windows/1/finish", "t-w1", #"{"outcome":"immediate"}"#).status == 200)
        let again = try await browser.send(##"wait 8 !document.getElementById("levels").classList.contains("hidden")"##)
        try #require(again["ok"] as? Bool == true, "the tablet did not offer the levels for the second ticket: \(again)")
        _ = try await browser.send(##"tap #levels button[data-level="1"]"##)
        // The panel goes by itself when the reasons window ends; the tablet greets the next citizen.
        let gone = try await browser.send(##"wait 20 document.getElementById("reasons").classList.contains("hidden") && document.getElementById("prompt").textContent === "欢迎您""##)
        #expect(gone["ok"] as? Bool == true, "the abandoned reasons panel did not close: \(gone)")
        log = try events()
        let rated = log.compactMap { e -> TicketRated? in if case .ticketRated(let r) = e.event { r } else { nil } }
        #expect(rated.count == 2 && rated.last?.level == .veryDissatisfied && rated.last?.reasons == nil, "\(rated)")
        #expect(log.filter { if case .caseOpened = $0.event { true } else { false } }.count == 2, "the walk-away 差评 opened no case")
        #expect(!log.contains { if case .ratingNotGiven = $0.event { true } else { false } }, "a tapped ticket was recorded as not rated")
        kill(daemon.processIdentifier, SIGTERM)
        try await offload { daemon.waitUntilExit() }
    }
}
