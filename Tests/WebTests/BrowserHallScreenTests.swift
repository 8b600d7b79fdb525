import Foundation
import Testing

/// The hall screen shows whole rows only, at 1366×768, 1600×1000 and 1920×1080 (issue 17, part 5): a row
/// that would run under the waiting footer or the notice is left off; the screens' clock is the hall's
/// time zone, not the PC's (headless Chromium here runs in UTC, the hall in Asia/Shanghai).
@Suite(.serialized) struct BrowserHallScreenTests {
    @Test(.timeLimit(.minutes(3))) func wholeRowsAtEverySizeAndTheHallsClock() async throws {
        let hall = try await AccountTests.hall("hall-screen")
        defer { hall.stop() }
        guard let browser = try await BrowserAccountTests.chromium() else { return }
        let port = hall.port
        _ = try await browser.send("open http://127.0.0.1:\(port)/display/hall?token=t-kiosk&calls=20 1366 768")
        _ = try await browser.send(##"wait 10 document.getElementById("waiting").innerText.length > 0"##)
        // Fourteen calls seen by the page, more than any of the sizes can show.
        _ = try await RawHTTP.request(port: port, "POST", "/api/windows/1/sign-in", token: "t-w1", json: #"{"clerk": "c1"}"#)
        for _ in 0..<14 {
            _ = try await RawHTTP.request(port: port, "POST", "/api/tickets", token: "t-kiosk", json: #"{"category": "a"}"#)
            let called = try await RawHTTP.request(port: port, "POST", "/api/windows/1/call-next", token: "t-w1", json: "{}")
            #expect(called.status == 200, "\(called.text)")
            _ = try await RawHTTP.request(port: port, "POST", "/api/windows/1/finish", token: "t-w1", json: #"{"outcome": "immediate"}"#)
            _ = try await RawHTTP.request(port: port, "POST", "/api/windows/1/rating", token: "t-w1", json: #"{"level": 5, "reasons": []}"#)
        }
        _ = try await browser.send(##"wait 10 document.querySelector('#calls tr[data-number="A014"]') !== null"##)
        let artifacts = DaemonTests.repo.appendingPathComponent(".build/test-artifacts")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let check = ##"(() => { const f = document.getElementById("waiting").getBoundingClientRect().top; const rows = [...document.querySelectorAll("#calls tbody tr")]; return JSON.stringify({rows: rows.length, cut: rows.filter(r => r.getBoundingClientRect().bottom > f + 0.5).length}); })()"##
        for (w, h) in [(1366, 768), (1600, 1000), (1920, 1080)] {
            _ = try await browser.send("size \(w) \(h)")
            _ = try await browser.send(##"wait 5 window.innerWidth === \##(w)"##)
            let r = try await browser.send("eval \(check)")
            let m = (try? JSONSerialization.jsonObject(with: Data(((r["value"] as? String) ?? "{}").utf8))) as? [String: Int] ?? [:]
            #expect((m["rows"] ?? 0) >= 2 && m["cut"] == 0, "\(w)×\(h): \(m)")
            _ = try await browser.send("shot \(artifacts.appendingPathComponent("hall-screen-\(w)x\(h).png").path)")
        }
        // The clock: the hall's date and hour (Asia/Shanghai), whatever the browser's zone.
        let f = DateFormatter()
        f.timeZone = TimeZone(identifier: "Asia/Shanghai")
        f.dateFormat = "yyyy-MM-dd HH"
        let expected = f.string(from: Date())
        let clock = try await browser.send(##"wait 5 document.getElementById("clock").textContent"##)
        #expect((clock["value"] as? String)?.hasPrefix(expected) == true, "clock \(String(describing: clock["value"])), hall time \(expected)")
    }
}
