import Foundation
import HallModel
import Testing

/// Ratings a clerk cannot steer, through the API on a real socket: while window 1 awaits A001's rating,
/// call-next and sign-out are a 409 that names the number and the seconds left, each attempt is in the
/// log as rating_skip_refused, and once the citizen rates (or the wait ends) the call goes through.
@Suite struct ConsoleRuleTests {
    @Test func movingOnBeforeTheRatingIsRefusedLoggedAndExplained() async throws {
        try await TestServer.with { s in
            for _ in 0..<2 { _ = try await s.call("POST", "/api/tickets", token: "t-kiosk", json: #"{"category":"hukou"}"#) }
            #expect(try await s.call("POST", "/api/windows/1/sign-in", token: "t-window-1", json: #"{"clerk":"c1"}"#).status == 200)
            #expect(try await s.call("POST", "/api/windows/1/call-next", token: "t-window-1").status == 200)
            s.clock.advance(by: 120)
            #expect(try await s.call("POST", "/api/windows/1/finish", token: "t-window-1", json: #"{"outcome":"immediate"}"#).status == 200)
            s.clock.advance(by: 5)
            let next = try await s.call("POST", "/api/windows/1/call-next", token: "t-window-1")
            let zh = (next.json["error"] as? [String: Any])?["message_zh"] as? String ?? ""
            #expect(next.status == 409 && next.errorCode == "awaiting_rating", "\(next.status) \(next.json)")
            #expect(zh.contains("A001") && zh.contains("25 秒") && zh.contains("已记录"), "\(zh)")
            let out = try await s.call("POST", "/api/windows/1/sign-out", token: "t-window-1")
            #expect(out.status == 409 && out.errorCode == "awaiting_rating")
            // Both attempts are in the log, with what was tried.
            let refused = try s.hall.store.events(after: 0).compactMap { e -> String? in
                if case .ratingSkipRefused(let r) = e.record.event { r.attempted } else { nil }
            }
            #expect(refused == ["call_next", "sign_out"])
            #expect(await s.hall.state.window(1).awaiting?.number == "A001")
            // The citizen rates; now the next call goes through.
            #expect(try await s.call("POST", "/api/windows/1/rating", token: "t-window-1", json: #"{"level":4}"#).status == 201)
            #expect(try await s.call("POST", "/api/windows/1/call-next", token: "t-window-1").status == 200)
        }
    }
}
