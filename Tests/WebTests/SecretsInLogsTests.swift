import Foundation
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
        try await Task.sleep(for: .milliseconds(200))
        let text = log.all
        #expect(text.contains("debug") || text.contains("trace"), "the daemon did not log at debug level")
        for secret in ["t-w1", "t-kiosk", "t-not-a-token-4711", "t-not-a-token-4712", "Secret-Pass-9x", "Wrong-Pass-7y", cookieValue, csrf,
                       "864213", "135790"] {
            #expect(!text.contains(secret), "the log holds \(secret)")
            #expect(secret == csrf || !answers.contains { $0.contains(secret) }, "an answer holds \(secret)")
        }
    }
}
