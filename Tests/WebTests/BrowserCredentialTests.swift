import Foundation
import Access
import TestSupport
import Testing

/// A wrong or withdrawn token says so on the page — never "connection lost": the dashboard (status line
/// and alerts panel), the TV display and the kiosk, in headless Chromium against the real daemon. And the
/// dashboard's device states and wait-chart axis read in Chinese, without "NaN".
@Suite(.serialized) struct BrowserCredentialTests {
    @Test(.timeLimit(.minutes(2))) func aRefusedTokenIsNotANetworkFault() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("credential-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("counterd.toml")
        try TestHall.toml(name: "大厅", tokens: ["t-w1", "t-kiosk", "t-manager", "t-display"],
                          extra: TestHall.evaluatorLine(port: dir.appendingPathComponent("no-such-tty").path)).write(to: config, atomically: true, encoding: .utf8)
        let (daemon, port) = try await DaemonRatingTests.startDaemon(config: config, dir: dir)
        defer { kill(daemon.processIdentifier, SIGKILL); daemon.waitUntilExit() }
        try #require(port > 0)
        let browser: BrowserDisplayTests.Browser
        do { browser = try BrowserDisplayTests.Browser() } catch {
            Issue.record("no test virtualenv: run `make test`")
            return
        }
        _ = BrowserDisplayTests.Browser.parse(try await offload { browser.line() })
        let base = "http://127.0.0.1:\(port)"
        for (path, text) in [("/dashboard?token=withdrawn", "管理令牌无效"), ("/display/tv?token=withdrawn", "显示令牌无效"), ("/kiosk?token=withdrawn", "取号机令牌无效")] {
            _ = try await browser.send("open \(base)\(path) 1366 768")
            let shown = try await browser.send(##"wait 10 document.body.dataset.credential === "refused" && document.body.innerText"##)
            let body = shown["value"] as? String ?? ""
            #expect(body.contains(text) && body.contains("不是网络故障"), "\(path): \(body.prefix(300))")
            #expect(!body.contains("连接中断"), "\(path) calls a refused token a lost connection")
        }
        // The dashboard's alerts panel says why, instead of "无".
        _ = try await browser.send("open \(base)/dashboard?token=withdrawn 1366 768")
        let alerts = try await browser.send(##"wait 10 document.body.dataset.credential === "refused" && document.getElementById("alerts").innerText"##)
        #expect((alerts["value"] as? String ?? "").contains("管理令牌无效"), "\(alerts)")
        // And with the right token nothing of the kind shows.
        _ = try await browser.send("open \(base)/dashboard?token=t-manager 1366 768")
        let ok = try await browser.send(##"wait 10 document.getElementById("status").textContent === "实时连接正常" && !document.body.dataset.credential"##)
        #expect(ok["value"] as? Bool == true, "\(ok)")
        // The device that is not there, in Chinese; the wait chart's last label is "60+", never "NaN".
        let device = try await browser.send(##"wait 10 document.querySelector('#devices tr[data-device="bus-a"] td[data-state]')?.textContent"##)
        #expect(["未找到设备", "故障，等待重试", "连接中"].contains(device["value"] as? String ?? ""), "\(device)")
        let axis = try await browser.send(##"wait 10 document.querySelector("#chartWait svg") && document.querySelector("#chartWait").textContent"##)
        let axisText = axis["value"] as? String ?? ""
        #expect(axisText.contains("60+") && !axisText.contains("NaN"), "\(axisText)")
    }
}

/// `[server] metrics_token_sha256`: /metrics refuses a scrape without that token, and names what it wants.
@Suite struct MetricsTokenTests {
    @Test func metricsNeedTheConfiguredToken() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("counterd.toml")
        try TestHall.toml(name: "大厅", extra: "[server]\nmetrics_token_sha256 = \"\(AccessControl.hash("scrape-me"))\"\n")
            .write(to: config, atomically: true, encoding: .utf8)
        let (daemon, port) = try await DaemonRatingTests.startDaemon(config: config, dir: dir)
        defer { kill(daemon.processIdentifier, SIGKILL); daemon.waitUntilExit() }
        try #require(port > 0)
        let open = try await RawHTTP.request(port: port, "GET", "/metrics", token: nil)
        #expect(open.status == 401 && open.errorCode == "metrics_token" && open.text.contains("metrics_token_sha256"), "\(open.text)")
        let wrong = try await RawHTTP.request(port: port, "GET", "/metrics", token: "t-w1")
        #expect(wrong.status == 401)
        let ok = try await RawHTTP.request(port: port, "GET", "/metrics", token: "scrape-me")
        #expect(ok.status == 200 && ok.text.contains("counterd_"), "\(ok.text.prefix(200))")
        // Every metric has its # HELP line right before its # TYPE line.
        let lines = ok.text.split(separator: "\n")
        let types = lines.indices.filter { lines[$0].hasPrefix("# TYPE ") }
        #expect(!types.isEmpty && types.allSatisfy { $0 > 0 && lines[$0 - 1].hasPrefix("# HELP \(lines[$0].split(separator: " ")[2]) ") }, "\(ok.text.prefix(600))")
        #expect(ok.text.contains("# HELP counterd_commit_seconds Time of one SQLite commit"), "\(ok.text.prefix(600))")
    }
}
