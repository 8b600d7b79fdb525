import Access
import Foundation
import Testing

/// The setup pages finish the job on the real daemon: an admin makes a device token for a window (the secret shown
/// once, then only its fingerprint), the token works at once and stops at once when revoked; a refused edit says in
/// Chinese what is wrong and the valid choices; a saved edit says what changed.
@Suite(.serialized) struct SetupPagesTests {
    @Test(.timeLimit(.minutes(3))) func tokensAreMadeListedAndRevokedAndEditsSpeakChinese() async throws {
        let hall = try await AccountTests.hall("setup-pages")
        defer { hall.stop() }
        try #require(hall.port > 0)
        let port = hall.port
        let add = try await hall.user(["add", "root", "--role", "admin", "--name", "管理员"], password: "pass-root-123")
        #expect(add.status == 0, "\(add.err)")
        let (_, cookie, csrf) = try await AccountTests.login(port, "root", "pass-root-123")
        let person = ["Cookie": cookie, "X-CSRF-Token": csrf]
        func call(_ method: String, _ path: String, _ json: String? = nil) async throws -> HTTPResult {
            try await RawHTTP.request(port: port, method, path, body: json.map { Array($0.utf8) }, extraHeaders: person)
        }

        // A window token for window 2: shown once; it opens that window's console at once.
        let noWindow = try await call("POST", "/api/admin/tokens", #"{"role":"window","window":9}"#)
        #expect(noWindow.status == 400 && noWindow.errorCode == "invalid_window", "\(noWindow.text)")
        let made = try await call("POST", "/api/admin/tokens", #"{"role":"window","window":2,"label":"2号窗口平板"}"#)
        #expect(made.status == 201, "\(made.text)")
        let token = try #require(made.json["token"] as? String)
        let fingerprint = try #require((made.json["made"] as? [String: Any])?["fingerprint"] as? String)
        let signIn = try await RawHTTP.request(port: port, "POST", "/api/windows/2/sign-in", token: token, json: #"{"clerk":"c2"}"#)
        #expect(signIn.status == 200, "the new token does not work: \(signIn.text)")
        let list = try await call("GET", "/api/admin/tokens")
        #expect(list.text.contains(fingerprint) && list.text.contains("2号窗口平板") && !list.text.contains(token), "\(list.text)")
        // Revoked: refused at once.
        let revoked = try await call("DELETE", "/api/admin/tokens/\(fingerprint)")
        #expect(revoked.status == 200, "\(revoked.text)")
        let after = try await RawHTTP.request(port: port, "GET", "/api/state", token: token)
        #expect(after.status == 401, "a revoked token still works: \(after.status)")
        let audit = try await call("GET", "/api/audit")
        #expect(audit.text.contains("token_new") && audit.text.contains("token_revoke") && !audit.text.contains(token), "\(audit.text.prefix(400))")

        // A refused edit: Chinese, the field in words, the choices by name.
        let badWindows = "[[windows]]\nnumber = 1\nname = \"1号窗口\"\ncategories = [\"a\"]\n\n[[windows]]\nnumber = 2\nname = \"2号窗口\"\ncategories = [\"a\", \"社保医保\"]\n"
        let refused = try await call("PUT", "/api/admin/setup/windows", #"{"toml":\#(String(decoding: try JSONEncoder().encode(badWindows), as: UTF8.self))}"#)
        let zh = (refused.json["error"] as? [String: Any])?["message_zh"] as? String ?? ""
        #expect(refused.status == 409 && zh.contains("第 2 个窗口的第 2 项业务：没有名为“社保医保”的业务类别，可选：甲、乙"), "\(refused.text)")
        #expect(!zh.contains("windows[") && !zh.contains("unknown"), "\(zh)")
        // The same on /admin in Chromium: a window token made (shown once), then revoked with two presses.
        guard let browser = try await BrowserAccountTests.chromium() else { return }
        try await BrowserAccountTests.signIn(browser, base: "http://127.0.0.1:\(port)", next: "/admin", login: "root")
        _ = try await browser.send(##"wait 10 document.body.dataset.loaded === "1" && document.querySelectorAll("#tokens tbody tr").length > 0"##)
        _ = try await browser.send(##"eval document.getElementById("tokenRole").value = "window"; document.getElementById("tokenWindow").value = "1"; document.getElementById("tokenLabel").value = "1号窗口平板"; document.getElementById("tokenNew").click()"##)
        let shown = try await browser.send(##"wait 5 document.getElementById("newToken") && document.getElementById("newToken").textContent"##)
        let pageToken = try #require(shown["value"] as? String)
        let works = try await RawHTTP.request(port: port, "GET", "/api/state", token: pageToken).status
        #expect(pageToken.count == 48 && works == 200, "\(shown) \(works)")
        let pageFingerprint = String(AccessControl.hash(pageToken).prefix(12))
        let tokenRow = ##"document.querySelector('#tokens tr[data-fingerprint="\##(pageFingerprint)"]')"##
        _ = try await browser.send("wait 5 \(tokenRow) !== null")
        _ = try await browser.send("eval \(tokenRow).querySelector('[data-revoke]').click()")
        _ = try await browser.send("eval \(tokenRow).querySelector('[data-revoke]').click()")
        _ = try await browser.send("wait 5 \(tokenRow) === null")
        let revokedStatus = try await RawHTTP.request(port: port, "GET", "/api/state", token: pageToken).status
        #expect(revokedStatus == 401, "the token revoked on the page still works: \(revokedStatus)")
        // A saved edit says what changed.
        let saved = try await call("PUT", "/api/admin/setup/calendar", #"{"toml":"[calendar]\nholidays = [\"2027-01-01\"]\n"}"#)
        #expect(saved.status == 200 && (saved.json["summary"] as? String ?? "").contains("新增节假日 2027-01-01"), "\(saved.text)")
    }
}
