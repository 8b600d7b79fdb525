import Foundation
import Testing

/// The clerk's console in headless Chromium with real key presses: each action says what it did to which ticket
/// and where it went; after 「请先选择办件类型」 choosing the class gives the F key back; a move refused because the
/// citizen has not rated yet clears itself once the rating comes.
@Suite(.serialized) struct BrowserConsoleMessagesTests {
    @Test(.timeLimit(.minutes(3))) func messagesNameTheTicketAndClearThemselves() async throws {
        let hall = try await AccountTests.hall("console-messages")
        defer { hall.stop() }
        try #require(hall.port > 0)
        let port = hall.port
        guard let browser = try await BrowserAccountTests.chromium() else { return }
        #expect(try await RawHTTP.request(port: port, "POST", "/api/windows/1/sign-in", token: "t-w1", json: #"{"clerk":"c1"}"#).status == 200)
        for _ in 0..<2 { #expect(try await RawHTTP.request(port: port, "POST", "/api/tickets", token: "t-kiosk", json: #"{"category":"a"}"#).status == 201) }
        _ = try await browser.send("open http://127.0.0.1:\(port)/console/window/1?token=t-w1 1366 768")
        _ = try await browser.send(##"wait 10 document.getElementById("phase").textContent === "空闲""##)
        func message() async throws -> String { try await browser.send(##"eval document.getElementById("message").textContent"##)["value"] as? String ?? "" }
        /// Waits for the console's message to say `text`; records what it said instead.
        func expectSaid(_ text: String) async throws {
            let r = try await browser.send("wait 5 document.getElementById(\"message\").textContent.includes(\(String(decoding: try JSONEncoder().encode(text), as: UTF8.self)))")
            let now = try await message()
            #expect(r["ok"] as? Bool == true, "wanted 「\(text)」, the console says 「\(now)」")
        }

        // Like a clerk, each key waits for the console to show the state the last one left (the page acts on what it shows).
        func showing(_ js: String) async throws {
            let r = try await browser.send("wait 5 \(js)")
            #expect(r["ok"] as? Bool == true, "the console did not come to \(js)")
        }
        _ = try await browser.send("key n")
        try await expectSaid("已叫号 A001")
        try await showing(##"document.getElementById("phase").textContent === "办理中" && (document.getElementById("currentNumber") || {}).textContent === "A001""##)
        _ = try await browser.send("key r")
        try await expectSaid("已重呼 A001（第 1 次）")
        // Transfer to 乙 at window 2: the message says where it went.
        _ = try await browser.send(##"eval document.getElementById("toCategory").value = "b"; document.getElementById("toWindow").value = "2"; document.querySelector("#transfer button").click()"##)
        try await expectSaid("A001 已转到“乙”排队，指定 2 号窗口")
        // F without a class: told to choose; the class chosen, F finishes.
        _ = try await browser.send(##"wait 5 document.getElementById("phase").textContent === "空闲""##)
        _ = try await browser.send("key n")
        try await expectSaid("已叫号 A002")
        try await showing(##"document.getElementById("phase").textContent === "办理中" && (document.getElementById("currentNumber") || {}).textContent === "A002""##)
        _ = try await browser.send("key f")
        try await expectSaid("请先选择办件类型")
        let focused = try await browser.send(##"eval document.activeElement.id"##)
        #expect(focused["value"] as? String == "outcome", "\(focused)")
        _ = try await browser.send(##"eval (() => { const o = document.getElementById("outcome"); o.value = "immediate"; o.dispatchEvent(new Event("change", {bubbles: true})); return document.activeElement.id; })()"##)
        _ = try await browser.send("key f")
        try await expectSaid("A002 已办结（即办件）")
        // Calling the next before the citizen rated is refused; the refusal goes once the rating comes.
        #expect(try await RawHTTP.request(port: port, "POST", "/api/tickets", token: "t-kiosk", json: #"{"category":"a"}"#).status == 201)
        try await showing(##"document.getElementById("phase").textContent === "等待评价" && document.body.innerText.includes("A003")"##)
        _ = try await browser.send("key n")
        let refused = try await browser.send(##"wait 5 document.getElementById("message").dataset.awaiting === "1" && document.getElementById("message").textContent"##)
        #expect(refused["ok"] as? Bool == true, "no awaiting-rating refusal: \(refused)")
        #expect(try await RawHTTP.request(port: port, "POST", "/api/windows/1/rating", token: "t-w1", json: #"{"level":5,"reasons":[]}"#).status == 201)
        let cleared = try await browser.send(##"wait 10 document.getElementById("message").textContent === """##)
        let after = try await message()
        #expect(cleared["ok"] as? Bool == true, "the refusal stayed after the rating: \(after)")
    }
}
