import Foundation
import TestSupport
import Testing

/// No secret reaches the log: the daemon runs at debug level while tokens (in the header and in ?token=),
/// passwords (right and wrong), a session cookie with its CSRF value and clerk PINs (right and wrong) are
/// used, and none of them appears anywhere in what it wrote — nor in the error answers.
@Suite struct SecretsInLogsTests {
    @Test func noTokenPasswordCookieOrPINIsLogged() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("secrets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("counterd.toml")
        try TestHall.toml(name: "保密大厅", windows: [1], tokens: ["t-w1", "t-kiosk", "t-manager"]).write(to: config, atomically: true, encoding: .utf8)
        let add = try await Command.run(Daemon.bin.appendingPathComponent("counterctl"),
                                        ["user", "add", "root", "--role", "admin", "--config", config.path,
                                         "--database", dir.appendingPathComponent("hall.sqlite").path], input: "Secret-Pass-9x\n")
        #expect(add.status == 0, "\(add.err)")
        let (daemon, port, log) = try await Daemon.startLogged(["--config", config.path, "--database", dir.appendingPathComponent("hall.sqlite").path,
                                                                "--runtime-dir", dir.appendingPathComponent("run").path, "--listen", "127.0.0.1:0",
                                                                "--no-udev", "--log-level", "trace"])
        defer { kill(daemon.processIdentifier, SIGKILL) }
        try #require(port > 0, "\(log.all)")
        var answers: [String] = []
        func call(_ method: String, _ path: String, token: String? = nil, json: String? = nil, headers: [String: String] = [:]) async throws -> HTTPResult {
            let r = try await RawHTTP.request(port: port, method, path, token: token, body: json.map { Array($0.utf8) }, extraHeaders: headers)
            answers.append(r.text)
            return r
        }
        // Tokens: right and withdrawn, in the header and in the query.
        #expect(try await call("GET", "/api/state", token: "t-w1").status == 200)
        #expect(try await call("GET", "/api/kiosk?token=t-kiosk").status == 200)
        #expect(try await call("GET", "/api/state", token: "t-not-a-token-4711").status == 401)
        #expect(try await call("GET", "/api/kiosk?token=t-not-a-token-4712").status == 401)
        // Passwords: wrong, then right; the session cookie and its CSRF value.
        #expect(try await call("POST", "/api/login", json: #"{"login":"root","password":"Wrong-Pass-7y"}"#).status == 401)
        let login = try await call("POST", "/api/login", json: #"{"login":"root","password":"Secret-Pass-9x"}"#)
        #expect(login.status == 200)
        let cookie = String((login.headers["set-cookie"] ?? "").split(separator: ";").first ?? "")
        let cookieValue = String(cookie.split(separator: "=", maxSplits: 1).last ?? "")
        let csrf = login.json["csrf"] as? String ?? ""
        try #require(cookieValue.count > 16 && csrf.count > 8)
        // A PIN set by the admin, then a wrong and a right sign-in with it.
        let set = try await call("POST", "/api/admin/clerks/c1/pin", json: #"{"pin":"864213"}"#, headers: ["Cookie": cookie, "X-CSRF-Token": csrf])
        #expect(set.status == 200 || set.status == 204, "\(set.text)")
        #expect(try await call("POST", "/api/windows/1/sign-in", token: "t-w1", json: #"{"clerk":"c1","pin":"135790"}"#).status == 403)
        #expect(try await call("POST", "/api/windows/1/sign-in", token: "t-w1", json: #"{"clerk":"c1","pin":"864213"}"#).status == 200)
        #expect(try await call("GET", "/api/audit", headers: ["Cookie": cookie]).status == 200)
        // The barrier: a second wrong PIN, whose warning is logged after everything above; once it is in the log, the
        // log is complete.
        #expect(try await call("POST", "/api/windows/1/sign-in", token: "t-w1", json: #"{"clerk":"c1","pin":"135791"}"#).status == 403)
        #expect(await eventually(5) { log.count("wrong sign-in PIN") >= 2 }, "the daemon did not log the second wrong PIN")
        let text = log.all
        #expect(text.contains("debug") || text.contains("trace"), "the daemon did not log at debug level")
        for secret in ["t-w1", "t-kiosk", "t-not-a-token-4711", "t-not-a-token-4712", "Secret-Pass-9x", "Wrong-Pass-7y", cookieValue, csrf,
                       "864213", "135790", "135791"] {
            #expect(!text.contains(secret), "the log holds \(secret)")
            #expect(secret == csrf || !answers.contains { $0.contains(secret) }, "an answer holds \(secret)")
        }
    }
}

/// Failed authentication, counted and slowed (issue 18, part 3): twenty wrong tokens a minute are answered at
/// once, then each further wrong one waits longer (50 ms doubling); a right token is never held back; the
/// failures are on /metrics by kind.
@Suite struct AuthFailureSlowdownTests {
    @Test func wrongTokensAreCountedAndSlowedRightOnesAreNot() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("authfail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("counterd.toml")
        try TestHall.toml(name: "大厅", tokens: ["t-w1", "t-manager"]).write(to: config, atomically: true, encoding: .utf8)
        let (daemon, port) = try await DaemonRatingTests.startDaemon(config: config, dir: dir)
        defer { kill(daemon.processIdentifier, SIGKILL); daemon.waitUntilExit() }
        try #require(port > 0)
        var took: [Duration] = []
        for i in 0..<25 {
            let start = ContinuousClock.now
            let r = try await RawHTTP.request(port: port, "GET", "/api/state", token: "t-guess-\(i)")
            took.append(ContinuousClock.now - start)
            #expect(r.status == 401 && r.errorCode == "unauthorized")
        }
        // The 21st to 25th wrong answers waited 50, 100, 200, 400 and 800 ms at least.
        #expect(took[23] >= .milliseconds(400) && took[24] >= .milliseconds(800), "\(took.suffix(5))")
        let ok = try await RawHTTP.request(port: port, "GET", "/api/state", token: "t-manager")
        #expect(ok.status == 200)
        let metrics = try await RawHTTP.request(port: port, "GET", "/metrics", token: nil)
        #expect(metrics.text.contains(#"counterd_auth_failures_total{kind="token"} 25"#), "\(metrics.text.split(separator: "\n").filter { $0.contains("auth_failures") })")
    }
}
