import Foundation
import TestSupport
import Testing

/// The managers' and supervisors' flow in headless Chromium against the real daemon: sign in → dashboard
/// → drill-down window → clerk → ticket → its history → a supervisor's move of a waiting ticket → logout;
/// the admin's setup page refusing a category edit that would strand a waiting ticket and applying one
/// that is sound; and no English word on the Chinese pages (the rendered text of each is scanned).
@Suite(.serialized) struct BrowserAccountTests {
    /// Headless Chromium, started and ready; nil (with the reason recorded) without the test virtualenv.
    static func chromium() async throws -> BrowserDisplayTests.Browser? {
        let browser: BrowserDisplayTests.Browser
        do { browser = try BrowserDisplayTests.Browser() } catch {
            Issue.record("no test virtualenv: run `make test`")
            return nil
        }
        _ = BrowserDisplayTests.Browser.parse(try await offload { browser.line() })
        return browser
    }

    static func open(_ browser: BrowserDisplayTests.Browser, _ url: String, _ w: Int = 1366, _ h: Int = 768) async throws {
        _ = try await browser.send("open \(url) \(w) \(h)")
    }

    static func wait(_ browser: BrowserDisplayTests.Browser, _ js: String, seconds: Int = 10) async throws -> Any? {
        try await browser.send("wait \(seconds) \(js)")["value"] ?? nil
    }

    /// A hall with two served and rated tickets at window 1 and one citizen waiting.
    static func busyHall(_ name: String) async throws -> AccountTests.Hall {
        let hall = try await AccountTests.hall(name)
        let port = hall.port
        for (login, role) in [("wang", "manager"), ("li", "supervisor"), ("root", "admin")] {
            let add = try await hall.user(["add", login, "--role", role], password: "pass-\(login)-123")
            #expect(add.status == 0, "\(add.err)")
        }
        _ = try await RawHTTP.request(port: port, "POST", "/api/windows/1/sign-in", token: "t-w1", json: ##"{"clerk": "c1"}"##)
        for level in [5, 2] {
            _ = try await RawHTTP.request(port: port, "POST", "/api/tickets", token: "t-kiosk", json: ##"{"category": "a"}"##)
            _ = try await RawHTTP.request(port: port, "POST", "/api/windows/1/call-next", token: "t-w1", json: "{}")
            _ = try await RawHTTP.request(port: port, "POST", "/api/windows/1/finish", token: "t-w1", json: ##"{"outcome": "immediate"}"##)
            let rated = try await RawHTTP.request(port: port, "POST", "/api/windows/1/rating", token: "t-w1", json: "{\"level\": \(level), \"reasons\": \(level <= 2 ? "[\"208\"]" : "[]")}")
            #expect(rated.status == 201, "\(rated.text)")
        }
        _ = try await RawHTTP.request(port: port, "POST", "/api/tickets", token: "t-kiosk", json: ##"{"category": "b"}"##)
        return hall
    }

    static func signIn(_ browser: BrowserDisplayTests.Browser, base: String, next: String, login: String) async throws {
        try await open(browser, "\(base)\(next)")
        // Not signed in: the page sends the person to /login and back.
        let atLogin = try await wait(browser, ##"location.pathname === "/login" && document.body.dataset.ready === "1""##)
        #expect(atLogin as? Bool == true, "\(next) did not send to /login")
        _ = try await browser.send(##"eval document.getElementById("login").value = "\##(login)"; document.getElementById("password").value = "wrong-one"; document.getElementById("submit").click()"##)
        let wrong = try await wait(browser, ##"document.getElementById("error").textContent"##)
        #expect((wrong as? String ?? "").contains("账号或密码不正确"), "\(String(describing: wrong))")
        _ = try await browser.send(##"eval document.getElementById("password").value = "pass-\##(login)-123"; document.getElementById("submit").click()"##)
    }

    @Test(.timeLimit(.minutes(4))) func signInDrillDownSuperviseAndSignOut() async throws {
        let hall = try await Self.busyHall("browser-accounts")
        defer { hall.stop() }
        guard let browser = try await BrowserAccountTests.chromium() else { return }
        let base = "http://127.0.0.1:\(hall.port)"
        let artifacts = DaemonTests.repo.appendingPathComponent(".build/test-artifacts")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)

        // The supervisor signs in and lands on the dashboard, no token in any address.
        try await Self.signIn(browser, base: base, next: "/dashboard", login: "li")
        let loaded = try await Self.wait(browser, ##"location.pathname === "/dashboard" && document.body.dataset.loaded && document.querySelector("#ranking tbody tr[data-key]") !== null"##)
        #expect(loaded as? Bool == true, "dashboard did not load after sign-in")
        let account = try await Self.wait(browser, ##"document.getElementById("account").innerText"##)
        #expect((account as? String ?? "").contains("值班主任") && (account as? String ?? "").contains("退出"), "\(String(describing: account))")
        let links = try await browser.send(##"eval [...document.querySelectorAll("a[href]")].map(a => a.getAttribute("href")).filter(h => h.includes("token=")).length"##)
        #expect(links["value"] as? Int == 0, "a link carries a token: \(links)")

        // Drill-down: window 1 → its clerk → a ticket → that ticket's every event and who did it.
        _ = try await browser.send(##"eval document.querySelector('#ranking tbody tr[data-key="1"] td[data-col=name]').click()"##)
        let clerks = try await Self.wait(browser, ##"document.querySelector('#drillClerks tr[data-drill-clerk="c1"]')?.innerText"##)
        #expect((clerks as? String ?? "").contains("张敏"), "\(String(describing: clerks))")
        _ = try await browser.send(##"eval document.querySelector('#drillClerks tr[data-drill-clerk="c1"]').click()"##)
        let tickets = try await Self.wait(browser, ##"document.getElementById("drillPath").innerText.includes("张敏") && document.querySelectorAll("#drillTickets tr[data-ticket]").length"##)
        #expect(tickets as? Int == 2, "\(String(describing: tickets))")
        _ = try await browser.send(##"eval [...document.querySelectorAll("#drillTickets tr[data-ticket]")].find(r => r.innerText.includes("A002")).click()"##)
        let history = try await Self.wait(browser, ##"document.querySelectorAll("#history li").length >= 5 && document.getElementById("history").innerText"##)
        let historyText = history as? String ?? ""
        #expect(historyText.contains("A002") && historyText.contains("取号") && historyText.contains("1 号窗口叫号") && historyText.contains("评价：不满意")
                && historyText.contains("取号机") && historyText.contains("生成差评工单"), "\(historyText)")
        // Lookup by day and number gives the same history.
        _ = try await browser.send(##"eval document.getElementById("lookupNumber").value = "a001"; document.getElementById("lookupGo").click()"##)
        let looked = try await Self.wait(browser, ##"document.getElementById("history").innerText.includes("A001") && document.getElementById("history").innerText"##)
        #expect((looked as? String ?? "").contains("评价：非常满意"), "\(String(describing: looked))")
        _ = try await browser.send("shot \(artifacts.appendingPathComponent("dashboard-drilldown.png").path)")

        // A supervisor's move: B001 (乙) to 甲, directed to window 2; the page and the hall agree.
        let row = try await Self.wait(browser, ##"document.querySelector("#supWaiting tr[data-sup-ticket]") !== null"##)
        #expect(row as? Bool == true, "no waiting list on the supervisor panel")
        _ = try await browser.send(##"eval (() => { const tr = document.querySelector("#supWaiting tr[data-sup-ticket]"); tr.querySelector("select[name=category]").value = "a"; tr.querySelector("select[name=window]").value = "2"; tr.querySelector("button[data-sup=move]").click(); })()"##)
        let moved = try await Self.wait(browser, ##"document.getElementById("supMessage").className === "ok" && document.getElementById("supMessage").textContent"##)
        #expect((moved as? String ?? "").contains("已执行"), "\(String(describing: moved))")
        let state = try await RawHTTP.request(port: hall.port, "GET", "/api/state", token: "t-kiosk")
        let waiting = (state.json["waiting"] as? [[String: Any]] ?? []).first
        #expect(waiting?["category"] as? String == "a" && waiting?["directed_window"] as? Int == 2, "\(String(describing: waiting))")
        // Force sign-out asks first, then the clerk is signed out; both in the audit record with the account.
        _ = try await browser.send(##"eval document.querySelector('#supWindows tr[data-sup-window="1"] button[data-sup=sign-out]').click()"##)
        let ask = try await Self.wait(browser, ##"document.getElementById("supMessage").className === "warn" && document.getElementById("supMessage").textContent"##)
        #expect((ask as? String ?? "").contains("再按一次确认"), "\(String(describing: ask))")
        _ = try await browser.send(##"eval document.querySelector('#supWindows tr[data-sup-window="1"] button[data-sup=sign-out]').click()"##)
        // The panel redraws from the event stream: wait for the row to change, not just for the message.
        let out = try await Self.wait(browser, ##"document.getElementById("supMessage").className === "ok" && !document.querySelector('#supWindows tr[data-sup-window="1"]').innerText.includes("张敏") && document.querySelector('#supWindows tr[data-sup-window="1"]').innerText"##)
        let said = try await browser.send(##"eval document.getElementById("supMessage").textContent"##)
        #expect(!(out as? String ?? "张敏").contains("张敏"), "\(String(describing: out)) \(said)")
        let audit = try await RawHTTP.request(port: hall.port, "GET", "/api/audit", token: "t-manager")
        let actions = (audit.json["entries"] as? [[String: Any]] ?? []).filter { $0["actor"] as? String == "li" }.compactMap { $0["action"] as? String }
        #expect(actions.contains("supervise_move") && actions.contains("supervise_sign_out") && actions.contains("login"), "\(actions)")

        // Logout: back at /login, and the dashboard sends there again.
        _ = try await browser.send(##"eval document.getElementById("logout").click()"##)
        let gone = try await Self.wait(browser, ##"location.pathname === "/login""##)
        #expect(gone as? Bool == true)
        try await Self.open(browser, "\(base)/dashboard")
        let again = try await Self.wait(browser, ##"location.pathname === "/login""##)
        #expect(again as? Bool == true, "after logout the dashboard must ask to sign in again")
    }

    @Test(.timeLimit(.minutes(4))) func theAdminEditsACategoryOnTheSetupPage() async throws {
        let hall = try await Self.busyHall("browser-admin")
        defer { hall.stop() }
        guard let browser = try await BrowserAccountTests.chromium() else { return }
        let base = "http://127.0.0.1:\(hall.port)"
        try await Self.signIn(browser, base: base, next: "/admin", login: "root")
        let loaded = try await Self.wait(browser, ##"location.pathname === "/admin" && document.body.dataset.loaded === "1" && document.querySelectorAll("#cats tbody tr").length"##)
        #expect(loaded as? Int == 2, "\(String(describing: loaded))")
        let rule = try await Self.wait(browser, ##"document.getElementById("rule").innerText"##)
        #expect((rule as? String ?? "").contains("setup-edits.toml") && (rule as? String ?? "").contains("以它为准"), "\(String(describing: rule))")
        // Removing 乙, for which B001 waits: refused, and the page says why; the hall still has 乙.
        _ = try await browser.send(##"eval [...document.querySelectorAll("#cats tbody tr")].find(r => r.querySelector("[name=code]").value === "b").querySelector("[data-remove]").click(); document.getElementById("catSave").click()"##)
        let refused = try await Self.wait(browser, ##"document.getElementById("catMsg").className === "msg bad" && document.getElementById("catMsg").textContent"##)
        let refusedText = refused as? String ?? ""
        #expect(refusedText.contains("设置未生效，原设置不变") && refusedText.contains("b"), "\(refusedText)")
        let still = try await RawHTTP.request(port: hall.port, "GET", "/api/state", token: "t-kiosk")
        #expect((still.json["categories"] as? [[String: Any]] ?? []).count == 2)
        // A sound edit: 甲's time limit and checklist; applied at once, and the section now belongs to the page.
        _ = try await Self.open(browser, "\(base)/admin")
        _ = try await Self.wait(browser, ##"document.body.dataset.loaded === "1""##)
        _ = try await browser.send(##"eval (() => { const r = [...document.querySelectorAll("#cats tbody tr")].find(r => r.querySelector("[name=code]").value === "a"); r.querySelector("[name=time_limit_minutes]").value = "35"; r.querySelector("[name=checklist]").value = "居民身份证\n户口簿"; document.getElementById("catSave").click(); })()"##)
        let applied = try await Self.wait(browser, ##"document.getElementById("catMsg").className === "msg ok" && document.getElementById("catMsg").textContent"##)
        #expect((applied as? String ?? "").contains("已生效并记入日志") && (applied as? String ?? "").contains("修改类别：a"), "\(String(describing: applied))")
        let origin = try await Self.wait(browser, ##"document.getElementById("catOrigin").textContent"##)
        #expect((origin as? String ?? "").contains("由本页面维护"), "\(String(describing: origin))")
        let state = try await RawHTTP.request(port: hall.port, "GET", "/api/state", token: "t-kiosk")
        let a = (state.json["categories"] as? [[String: Any]] ?? []).first { $0["code"] as? String == "a" }
        #expect(a?["time_limit_minutes"] as? Int == 35 && (a?["checklist"] as? [String]) == ["居民身份证", "户口簿"], "\(String(describing: a))")
        // The windows form: window 2 gets a name; the calendar form: a holiday. Both through the same checks.
        _ = try await browser.send(##"eval (() => { const sec = document.querySelector('section[data-section="windows"]'); const tr = [...sec.querySelectorAll("tbody tr")].find(r => r.querySelector('td[data-key="number"] input').value === "2"); tr.querySelector('td[data-key="name"] input').value = "综合窗口"; sec.querySelector("[data-save]").click(); })()"##)
        let windowsSaved = try await Self.wait(browser, ##"document.getElementById("msg-windows").className !== "msg" && document.getElementById("msg-windows").textContent"##)
        #expect((windowsSaved as? String ?? "").contains("已生效") && (windowsSaved as? String ?? "").contains("修改窗口：2"), "\(String(describing: windowsSaved))")
        let named = try await RawHTTP.request(port: hall.port, "GET", "/api/state", token: "t-kiosk")
        #expect((named.json["windows"] as? [[String: Any]] ?? []).contains { $0["number"] as? Int == 2 && $0["name"] as? String == "综合窗口" }, "\(named.text.prefix(400))")
        _ = try await browser.send(##"eval (() => { const sec = document.querySelector('section[data-section="calendar"]'); sec.querySelector('td[data-key="holidays"] textarea').value = "2027-01-01"; sec.querySelector("[data-save]").click(); })()"##)
        let calendarSaved = try await Self.wait(browser, ##"document.getElementById("msg-calendar").className !== "msg" && document.getElementById("msg-calendar").textContent"##)
        #expect((calendarSaved as? String ?? "").contains("已生效"), "\(String(describing: calendarSaved))")
        // A bad value in a form is refused naming the field in words, and the page says the setup stays.
        _ = try await browser.send(##"eval (() => { const sec = document.querySelector('section[data-section="alerts"]'); sec.querySelector('td[data-key="opening_hours"] input').value = "8点到5点"; sec.querySelector("[data-save]").click(); })()"##)
        let alertsRefused = try await Self.wait(browser, ##"document.getElementById("msg-alerts").className === "msg bad" && document.getElementById("msg-alerts").textContent"##)
        #expect((alertsRefused as? String ?? "").contains("预警的开放时间") && (alertsRefused as? String ?? "").contains("原设置不变"), "\(String(describing: alertsRefused))")

        let audit = try await RawHTTP.request(port: hall.port, "GET", "/api/audit", token: "t-manager")
        let edits = (audit.json["entries"] as? [[String: Any]] ?? []).filter { $0["action"] as? String == "setup_edit" && $0["actor"] as? String == "root" }
        #expect(edits.count == 5 && edits.filter { $0["ok"] as? Bool == false }.count == 2, "\(edits)")
    }
}
