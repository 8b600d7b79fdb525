import Foundation
import TestSupport
import Testing

/// The window, hall and TV pages in headless Chromium (Debian package chromium), driven over the DevTools
/// protocol by Tests/Fixtures/browser/cdp.py, against the real counterd binary. Screenshots are kept in
/// .build/test-artifacts/.
@Suite struct BrowserDisplayTests {
    final class Browser: @unchecked Sendable {
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        private var buffer = Data()

        init() throws {
            process.executableURL = DaemonTests.repo.appendingPathComponent(".venv/bin/python")
            process.arguments = [DaemonTests.repo.appendingPathComponent("Tests/Fixtures/browser/cdp.py").path]
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        func line() -> String {
            while true {
                if let nl = buffer.firstIndex(of: 0x0A) {
                    let text = String(decoding: buffer[..<nl], as: UTF8.self)
                    buffer = Data(buffer[(nl + 1)...])
                    return text
                }
                let more = output.fileHandleForReading.availableData
                if more.isEmpty { return #"{"error": "browser helper ended"}"# }
                buffer += more
            }
        }

        static func parse(_ line: String) -> [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
        }

        func send(_ command: String) async throws -> [String: Any] {
            let text = try await offload {
                self.input.fileHandleForWriting.write(Data((command + "\n").utf8))
                return self.line()
            }
            return Self.parse(text)
        }

        deinit {
            input.fileHandleForWriting.write(Data("quit\n".utf8))
            process.waitUntilExit()
        }
    }

    @Test func pagesShowEveryCommittedCallLiveAndRecoverAfterTheServiceRestarts() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pages-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let artifacts = DaemonTests.repo.appendingPathComponent(".build/test-artifacts")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let config = dir.appendingPathComponent("counterd.toml")
        try TestHall.toml(name: "页面测试大厅", windows: [1, 2], categories: [("a", "户籍办理", "A")], tokens: ["t-w1", "t-kiosk", "t-display"],
                          // The pages' subject is the calls: the next call need not wait for a rating here.
                          windowNames: true, hallLines: "rating_blocks_next = false\n").write(to: config, atomically: true, encoding: .utf8)
        func start(_ listen: String) async throws -> (Process, Int) {
            try await Daemon.start(["--config", config.path, "--database", dir.appendingPathComponent("hall.sqlite").path,
                                    "--runtime-dir", dir.appendingPathComponent("run").path, "--listen", listen, "--no-udev",
                                    "--log-level", "notice"])
        }
        var (daemon, http) = try await start("127.0.0.1:0")
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        try #require(http > 0)
        func post(_ path: String, _ token: String, _ json: String = "{}") async throws -> Int {
            try await RawHTTP.request(port: http, "POST", path, token: token, json: json).status
        }
        #expect(try await post("/api/windows/1/sign-in", "t-w1", #"{"clerk":"c1"}"#) == 200)
        for _ in 0..<3 { #expect(try await post("/api/tickets", "t-kiosk", #"{"category":"a"}"#) == 201) }

        let browser: Browser
        do { browser = try Browser() } catch {
            Issue.record("no test virtualenv (.venv with websocket-client): run `make test`")
            return
        }
        let ready = Browser.parse(try await offload { browser.line() })
        #expect(ready["ready"] as? Bool == true, "chromium did not start")
        let base = "http://127.0.0.1:\(http)"
        _ = try await browser.send("open \(base)/display/hall?token=t-display 1920 1080")
        let waiting = try await browser.send(#"wait 5 document.getElementById("waiting").innerText.includes("3")"#)
        #expect(waiting["ok"] as? Bool == true, "the hall page did not load the waiting count: \(waiting)")

        // A call through the API reaches the open page through the event stream.
        #expect(try await post("/api/windows/1/call-next", "t-w1") == 200)
        let called = try await browser.send(##"wait 5 document.querySelector("#calls tbody") && document.querySelector("#calls tbody").innerText"##)
        #expect((called["value"] as? String)?.contains("A001") == true, "\(called)")
        let flashing = try await browser.send(##"eval document.querySelectorAll("#calls .flash").length"##)
        #expect(flashing["value"] as? Int == 1, "the new call does not flash")
        _ = try await browser.send("shot \(artifacts.appendingPathComponent("display-hall.png").path)")

        // The service restarts (same port, same database) while the page stays open: it reconnects by
        // itself, fetches the whole state again, and shows the call made meanwhile.
        kill(daemon.processIdentifier, SIGTERM)
        let first = daemon
        try await offload { first.waitUntilExit() }
        let down = try await browser.send(#"wait 5 document.getElementById("status").className === "down""#)
        #expect(down["ok"] as? Bool == true, "the page does not show the lost connection")
        (daemon, http) = try await start("127.0.0.1:\(http)")
        try #require(http > 0, "counterd did not restart on the same port")
        #expect(try await post("/api/windows/1/finish", "t-w1") == 200)
        #expect(try await post("/api/windows/1/call-next", "t-w1") == 200)
        let again = try await browser.send(##"wait 10 document.querySelector("#calls tbody").innerText.includes("A002") && document.getElementById("status").className === """##)
        #expect(again["ok"] as? Bool == true, "after the restart the page did not show A002: \(again)")
        // The last calls, newest first: A002 being served, A001 (finished) below it, dimmed.
        let list = try await browser.send(##"eval [...document.querySelectorAll("#calls tbody tr")].map(r => r.dataset.number + ":" + (r.classList.contains("current") ? "current" : "done")).join(",")"##)
        #expect(list["value"] as? String == "A002:current,A001:done", "\(list)")

        _ = try await browser.send("open \(base)/display/window/1?token=t-display 1080 1920")
        let window = try await browser.send(#"wait 5 document.getElementById("current") && document.getElementById("current").textContent"#)
        #expect(window["value"] as? String == "A002", "\(window)")
        let line = try await browser.send(#"eval document.getElementById("line").textContent"#)
        #expect(line["value"] as? String == "请A002号到1号窗口")
        _ = try await browser.send("shot \(artifacts.appendingPathComponent("display-window.png").path)")

        _ = try await browser.send("open \(base)/display/tv?token=t-display 1920 1080")
        let tv = try await browser.send(#"wait 5 document.getElementById("latest-number") && document.getElementById("latest-number").textContent"#)
        #expect(tv["value"] as? String == "A002", "\(tv)")
        _ = try await browser.send("shot \(artifacts.appendingPathComponent("display-tv.png").path)")
        #expect(FileManager.default.fileExists(atPath: artifacts.appendingPathComponent("display-tv.png").path))
    }
}
