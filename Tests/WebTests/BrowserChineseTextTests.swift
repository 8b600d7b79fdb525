import Foundation
import Testing

/// No English word on the Chinese pages: each page is rendered in headless Chromium against the real daemon
/// with its data loaded, and its visible text (textareas of TOML and the addresses of files excepted) is
/// scanned for words of Latin letters. The few that are names, not English, are listed here with why.
@Suite(.serialized) struct BrowserChineseTextTests {
    /// Not English to a Chinese reader: file formats and brand names the Chinese UI uses as they are, and
    /// the command an administrator types. Names (logins, device ids, file paths: `.ident`) and the
    /// language switch ("English", which names the other language) are left out of the scan.
    static let allowed: Set<String> = ["CSV", "Excel", "PIN", "TOML", "JPEG", "PNG"]

    /// The Latin words in `text` that are not allowed; a single letter (A055's "A") is never a word.
    static func englishWords(_ text: String) -> [String] {
        var words: [String] = [], current = ""
        for ch in text.unicodeScalars {
            if ("a"..."z").contains(ch) || ("A"..."Z").contains(ch) { current.unicodeScalars.append(ch) } else {
                if current.count >= 2 && !allowed.contains(current) { words.append(current) }
                current = ""
            }
        }
        if current.count >= 2 && !allowed.contains(current) { words.append(current) }
        return words
    }

    @Test func theWordFilterFindsEnglishAndPassesChinese() {
        #expect(Self.englishWords("评价排名 A055 号 · CSV · Excel") == [])
        #expect(Self.englishWords("设备 connected，故障 backoff") == ["connected", "backoff"])
        #expect(Self.englishWords("paper_out") == ["paper", "out"])
    }

    @Test(.timeLimit(.minutes(4))) func everyChinesePageReadsInChinese() async throws {
        let hall = try await BrowserAccountTests.busyHall("chinese-text")
        defer { hall.stop() }
        guard let browser = try await BrowserAccountTests.chromium() else { return }
        let base = "http://127.0.0.1:\(hall.port)"
        // The visible text, without the TOML editors and the file paths shown in <b>.
        let visible = ##"(() => { const c = document.body.cloneNode(true); c.querySelectorAll("textarea, script, style, .ident, #lang").forEach(e => e.remove()); return c.innerText; })()"##
        func scan(_ path: String, ready: String) async throws {
            _ = try await browser.send("open \(base)\(path) 1366 768")
            let ok = try await browser.send("wait 10 \(ready)")
            #expect(ok["ok"] as? Bool == true, "\(path) did not become ready: \(ok)")
            let text = try await browser.send("eval \(visible)")["value"] as? String ?? ""
            #expect(!text.isEmpty, "\(path): no text")
            let words = Self.englishWords(text)
            #expect(words.isEmpty, "\(path) shows English: \(Array(Set(words)).sorted())")
        }
        try await scan("/login", ready: ##"document.body.dataset.ready === "1""##)
        for (page, token) in [("/display/tv", "t-kiosk"), ("/display/hall", "t-kiosk"), ("/display/window/1", "t-kiosk")] {
            try await scan("\(page)?token=\(token)", ready: ##"document.getElementById("waiting").innerText.length > 0 || document.getElementById("main").innerText.length > 0"##)
        }
        try await scan("/kiosk?token=t-kiosk", ready: ##"document.querySelectorAll("button").length > 1"##)
        try await scan("/guide/a", ready: ##"!document.getElementById("error").classList.contains("hidden")"##)
        try await scan("/console/window/1?token=t-w1", ready: ##"document.body.innerText.includes("张敏")"##)
        try await scan("/evaluator/window/1?token=t-w1", ready: ##"document.body.innerText.length > 20"##)
        // Signed in as the admin: the dashboard (every section, the supervisor's and the audit's too) and /admin.
        _ = try await browser.send("open \(base)/login 1366 768")
        _ = try await browser.send(##"wait 10 document.body.dataset.ready === "1""##)
        _ = try await browser.send(##"eval document.getElementById("login").value = "root"; document.getElementById("password").value = "pass-root-123"; document.getElementById("submit").click()"##)
        _ = try await browser.send(##"wait 10 location.pathname === "/dashboard""##)
        try await scan("/dashboard", ready: ##"document.body.dataset.loaded && !document.getElementById("superviseSection").classList.contains("hidden") && !document.getElementById("auditSection").classList.contains("hidden") && document.querySelector("#devices tr") !== null"##)
        try await scan("/admin", ready: ##"document.body.dataset.loaded === "1""##)
        // /admin with a refused edit: a window given a category that does not exist.
        _ = try await browser.send(##"eval (() => { const sec = document.querySelector('#sections section[data-section="windows"]'); const ta = sec.querySelector("textarea"); ta.value = '[[windows]]\nnumber = 1\nname = "1号窗口"\ncategories = ["a", "社保医保"]\n'; sec.querySelector("[data-save-toml]").click(); })()"##)
        let refused = try await browser.send(##"wait 10 document.getElementById("msg-windows").textContent.includes("社保医保") && document.getElementById("msg-windows").textContent"##)
        #expect((refused["value"] as? String)?.contains("可选：") == true, "the refusal names no choices: \(refused)")
        let adminText = try await browser.send("eval \(visible)")["value"] as? String ?? ""
        #expect(Self.englishWords(adminText).isEmpty, "/admin with a refused edit shows English: \(Array(Set(Self.englishWords(adminText))).sorted())")
        // The ticket history of the 差评 (A002): what was said, who did each step, all in Chinese.
        _ = try await browser.send("open \(base)/dashboard 1366 768")
        _ = try await browser.send(##"wait 10 document.body.dataset.loaded"##)
        _ = try await browser.send(##"eval document.getElementById("lookupNumber").value = "A002"; document.getElementById("lookupGo").click()"##)
        let history = try await browser.send(##"wait 10 document.querySelectorAll("#history li").length > 3 && document.getElementById("history").innerText"##)
        let historyText = history["value"] as? String ?? ""
        #expect(historyText.contains("208") && historyText.contains("评价"), "\(history)")
        #expect(Self.englishWords(historyText).isEmpty, "the ticket history shows English: \(Array(Set(Self.englishWords(historyText))).sorted()) in \(historyText)")
    }
}
