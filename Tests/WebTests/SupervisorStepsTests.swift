import Foundation
import Testing

/// A forced sign-out of a window serving a citizen: refused with the reason, and the steps it needs (过号, or the
/// ticket back in its queue) are there for the supervisor; then the sign-out goes through. Real daemon, real accounts.
@Suite(.serialized) struct SupervisorStepsTests {
    @Test(.timeLimit(.minutes(3))) func aServingWindowIsFreedThenSignedOut() async throws {
        let hall = try await AccountTests.hall("supervisor-steps")
        defer { hall.stop() }
        try #require(hall.port > 0)
        let port = hall.port
        let add = try await hall.user(["add", "li", "--role", "supervisor", "--name", "李值班"], password: "pass-li-123")
        #expect(add.status == 0, "\(add.err)")
        let (_, cookie, csrf) = try await AccountTests.login(port, "li", "pass-li-123")
        func supervise(_ path: String) async throws -> HTTPResult {
            try await RawHTTP.request(port: port, "POST", "/api/supervise/\(path)", body: Array("{}".utf8), extraHeaders: ["Cookie": cookie, "X-CSRF-Token": csrf])
        }
        #expect(try await RawHTTP.request(port: port, "POST", "/api/windows/1/sign-in", token: "t-w1", json: #"{"clerk":"c1"}"#).status == 200)
        for _ in 0..<2 { #expect(try await RawHTTP.request(port: port, "POST", "/api/tickets", token: "t-kiosk", json: #"{"category":"a"}"#).status == 201) }
        #expect(try await RawHTTP.request(port: port, "POST", "/api/windows/1/call-next", token: "t-w1", json: "{}").status == 200)

        let refused = try await supervise("windows/1/sign-out")
        #expect(refused.status == 409 && refused.errorCode == "ticket_in_service", "\(refused.text)")
        let requeued = try await supervise("windows/1/requeue")
        #expect(requeued.status == 200, "\(requeued.text)")
        let state = try await RawHTTP.request(port: port, "GET", "/api/state", token: "t-kiosk").json
        let waiting = (state["waiting"] as? [[String: Any]] ?? []).compactMap { $0["number"] as? String }
        #expect(waiting.sorted() == ["A001", "A002"], "A001 is back in the queue: \(waiting)")
        let out = try await supervise("windows/1/sign-out")
        #expect(out.status == 200, "\(out.text)")
        // 过号 the same way, on window 1 again.
        #expect(try await RawHTTP.request(port: port, "POST", "/api/windows/1/sign-in", token: "t-w1", json: #"{"clerk":"c1"}"#).status == 200)
        #expect(try await RawHTTP.request(port: port, "POST", "/api/windows/1/call-next", token: "t-w1", json: "{}").status == 200)
        let noShow = try await supervise("windows/1/no-show")
        #expect(noShow.status == 200 && noShow.text.contains("ticket_no_show"), "\(noShow.text.prefix(300))")
        let audit = try await RawHTTP.request(port: port, "GET", "/api/audit", token: "t-manager")
        #expect(audit.text.contains("supervise_transfer") && audit.text.contains("supervise_no_show"), "\(audit.text.prefix(300))")
    }
}
