import Access
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
                if case .ratingSkipRefused(let r) = e.record.event { r.attempted.rawValue } else { nil }
            }
            #expect(refused == ["call_next", "sign_out"])
            #expect(await s.hall.state.window(1).awaiting?.number == "A001")
            // The citizen rates; now the next call goes through.
            #expect(try await s.call("POST", "/api/windows/1/rating", token: "t-window-1", json: #"{"level":4}"#).status == 201)
            #expect(try await s.call("POST", "/api/windows/1/call-next", token: "t-window-1").status == 200)
        }
    }

    /// A clerk with a PIN signs in only with it: missing, wrong and locked each say so (never a network
    /// error), five wrong PINs lock the window for five minutes on the hall's clock, and the right PIN works
    /// after the lock. A clerk without a PIN signs in as before.
    @Test func aClerkWithAPINSignsInOnlyWithIt() async throws {
        let stored = ClerkPIN.hash("2468", rounds: 1_000)
        try await TestServer.with(clerkPINs: ["c1": stored]) { s in
            func signIn(_ json: String) async throws -> (Int, String?, String) {
                let r = try await s.call("POST", "/api/windows/1/sign-in", token: "t-window-1", json: json)
                return (r.status, r.errorCode, (r.json["error"] as? [String: Any])?["message_zh"] as? String ?? "")
            }
            let missing = try await signIn(#"{"clerk":"c1"}"#)
            #expect(missing.0 == 400 && missing.1 == "pin_required" && missing.2.contains("PIN"), "\(missing)")
            for tries in (0..<4).reversed() {
                let wrong = try await signIn(#"{"clerk":"c1","pin":"1357"}"#)
                #expect(wrong.0 == 403 && wrong.1 == "wrong_pin" && wrong.2.contains("再输错 \(tries + 1) 次"), "\(wrong)")
            }
            let fifth = try await signIn(#"{"clerk":"c1","pin":"0000"}"#)
            #expect(fifth.0 == 403 && fifth.2.contains("已锁定"), "\(fifth)")
            // Locked: even the right PIN waits.
            let locked = try await signIn(#"{"clerk":"c1","pin":"2468"}"#)
            #expect(locked.0 == 429 && locked.1 == "pin_locked" && locked.2.contains("5 分钟"), "\(locked)")
            #expect(await s.hall.state.window(1).clerk == nil)
            s.clock.advance(by: 301)
            #expect(try await signIn(#"{"clerk":"c1","pin":"2468"}"#).0 == 200)
            #expect(await s.hall.state.window(1).clerk == "c1")
            // c2 has no PIN: signs in at window 2 with none.
            #expect(try await s.call("POST", "/api/windows/2/sign-in", token: "t-window-2", json: #"{"clerk":"c2"}"#).status == 200)
        }
    }

    @Test func pinHashesAreSaltedAndChecked() {
        let a = ClerkPIN.hash("1234"), b = ClerkPIN.hash("1234")
        #expect(a != b && a.hasPrefix("pbkdf2-sha256$100000$"))
        #expect(ClerkPIN.verify("1234", against: a) && !ClerkPIN.verify("1235", against: a) && !ClerkPIN.verify("1234", against: "x"))
        #expect(ClerkPIN.isWellFormed("0123") && !ClerkPIN.isWellFormed("123") && !ClerkPIN.isWellFormed("12a4") && !ClerkPIN.isWellFormed("123456789"))
    }
}
