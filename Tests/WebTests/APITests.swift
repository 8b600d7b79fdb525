import Foundation
import HallModel
import HallRuntime
import TestSupport
import Testing

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

@Suite struct APITests {
    @Test func tokensAndRoles() async throws {
        try await TestServer.with { s in
            let none = try await s.call("GET", "/api/state", token: nil)
            // No credential at all: sign in or send a token; a wrong token is a wrong token.
            #expect(none.status == 401 && none.errorCode == "not_signed_in" && none.headers["www-authenticate"] == "Bearer")
            let wrong = try await s.call("GET", "/api/state", token: "wrong")
            #expect(wrong.status == 401 && wrong.errorCode == "unauthorized")
            for t in ["t-display", "t-kiosk", "t-manager", "t-window-2"] {
                #expect(try await s.call("GET", "/api/state", token: t).status == 200, "\(t)")
            }
            #expect(try await s.call("POST", "/api/tickets", token: "t-display", json: #"{"category":"hukou"}"#).status == 403)
            #expect(try await s.call("POST", "/api/tickets", token: "t-manager", json: #"{"category":"hukou"}"#).status == 403)
            let other = try await s.call("POST", "/api/windows/1/sign-in", token: "t-window-2", json: #"{"clerk":"c1"}"#)
            #expect(other.status == 403 && other.errorCode == "forbidden")
            #expect(try await s.call("GET", "/api/reports/windows", token: "t-display").status == 403)
            #expect(try await s.call("GET", "/api/reports/windows", token: "t-manager").status == 200)
            #expect(try await s.call("GET", "/api/state?token=t-display", token: nil).status == 200)
        }
    }

    @Test func ticketCallServeRate() async throws {
        try await TestServer.with { s in
            let t = try await s.call("POST", "/api/tickets", token: "t-kiosk", json: #"{"category":"hukou"}"#)
            #expect(t.status == 201)
            #expect(t.json["number"] as? String == "A001" && t.json["category_name"] as? String == "户籍")
            #expect(t.json["checklist"] as? [String] == ["身份证", "户口簿"] && t.json["waiting_ahead"] as? Int == 0)
            let second = try await s.call("POST", "/api/tickets", token: "t-kiosk", json: #"{"category":"hukou","priority":false}"#)
            #expect(second.json["waiting_ahead"] as? Int == 1)

            #expect(try await s.call("POST", "/api/windows/1/sign-in", token: "t-window-1", json: #"{"clerk":"c1"}"#).status == 200)
            s.clock.advance(by: 60)
            let call = try await s.call("POST", "/api/windows/1/call-next", token: "t-window-1")
            #expect(call.status == 200)
            let events = call.json["events"] as? [[String: Any]] ?? []
            #expect(events.first?["kind"] as? String == "ticket_called" && events.first?["number"] as? String == "A001")
            #expect(events.first?["wait_seconds"] as? Double == 60)
            #expect((call.json["window"] as? [String: Any])?["phase"] as? String == "serving")

            s.clock.advance(by: 240)
            let fin = try await s.call("POST", "/api/windows/1/finish", token: "t-window-1", json: #"{"outcome":"immediate"}"#)
            #expect(fin.status == 200 && (fin.json["window"] as? [String: Any])?["phase"] as? String == "awaiting_rating")
            s.clock.advance(by: 5)
            let rate = try await s.call("POST", "/api/windows/1/rating", token: "t-window-1", json: #"{"level":5}"#)
            #expect(rate.status == 201 && rate.json["accepted"] as? Bool == true && rate.json["ticket"] as? String == "2026-11-23/A001")
            #expect(rate.json["level_name"] as? String == "非常满意")
            let again = try await s.call("POST", "/api/windows/1/rating", token: "t-window-1", json: #"{"level":1,"reasons":["115"]}"#)
            #expect(again.status == 409 && again.errorCode == "rating_duplicate")
            let nothing = try await s.call("POST", "/api/windows/2/rating", token: "t-window-2", json: #"{"level":3}"#)
            #expect(nothing.status == 409 && nothing.errorCode == "rating_no_clerk")

            let report = try await s.call("GET", "/api/reports/windows?from=2026-11-23&to=2026-11-23", token: "t-manager")
            let rows = report.json["rows"] as? [[String: Any]] ?? []
            // Window 2 is listed for its ignored press only.
            #expect(rows.map { $0["key"] as? String } == ["1", "2"])
            #expect(rows.first?["served"] as? Int == 1 && rows.first?["score"] as? Double == 100)
            #expect(rows.first?["mean_wait_seconds"] as? Double == 60 && rows.first?["ignored_presses"] as? Int == 1)
            #expect(rows.last?["served"] as? Int == 0 && rows.last?["ignored_presses"] as? Int == 1)
            let state = try await s.call("GET", "/api/state", token: "t-display")
            let windows = state.json["windows"] as? [[String: Any]] ?? []
            #expect(windows.first?["phase"] as? String == "idle")
            #expect((windows.first?["clerk"] as? [String: Any])?["name"] as? String == "张敏")
            #expect((state.json["waiting"] as? [[String: Any]])?.first?["number"] as? String == "A002")
        }
    }

    @Test func wrongStateAndUnknownThingsAre4xx() async throws {
        try await TestServer.with { s in
            let noClerk = try await s.call("POST", "/api/windows/1/call-next", token: "t-window-1")
            #expect(noClerk.status == 409 && noClerk.errorCode == "no_clerk_signed_in")
            #expect((noClerk.json["error"] as? [String: Any])?["message_zh"] as? String == "1 号窗口没有工作人员签到")
            let unknownWindow = try await s.call("POST", "/api/windows/9/call-next", token: "t-window-1")
            #expect(unknownWindow.status == 404 && unknownWindow.errorCode == "unknown_window")
            let notNumber = try await s.call("POST", "/api/windows/abc/call-next", token: "t-window-1")
            #expect(notNumber.status == 404)
            let unknownCategory = try await s.call("POST", "/api/tickets", token: "t-kiosk", json: #"{"category":"visa"}"#)
            #expect(unknownCategory.status == 404 && unknownCategory.errorCode == "unknown_category")
            #expect(try await s.call("POST", "/api/windows/1/sign-in", token: "t-window-1", json: #"{"clerk":"zz"}"#).errorCode == "unknown_clerk")
            _ = try await s.call("POST", "/api/windows/1/sign-in", token: "t-window-1", json: #"{"clerk":"c1"}"#)
            let empty = try await s.call("POST", "/api/windows/1/call-next", token: "t-window-1")
            #expect(empty.status == 409 && empty.errorCode == "queue_empty")
            let finish = try await s.call("POST", "/api/windows/1/finish", token: "t-window-1")
            #expect(finish.status == 409 && finish.errorCode == "no_ticket_in_service")
            let badOutcome = try await s.call("POST", "/api/windows/1/finish", token: "t-window-1", json: #"{"outcome":"done"}"#)
            #expect(badOutcome.status == 400 && badOutcome.errorCode == "unknown_outcome")
            let transfer = try await s.call("POST", "/api/windows/1/transfer", token: "t-window-1", json: "{}")
            #expect(transfer.status == 409)
            let badReport = try await s.call("GET", "/api/reports/windows?from=2026-02-30", token: "t-manager")
            #expect(badReport.status == 400 && badReport.errorCode == "invalid_range")
            #expect(try await s.call("GET", "/api/reports/tellers", token: "t-manager").status == 404)
        }
    }

    @Test func malformedRequestsNeverGet5xx() async throws {
        try await TestServer.with { s in
            let p = s.port
            let bad = try await RawHTTP.request(port: p, "POST", "/api/tickets", token: "t-kiosk", body: Array("{bad".utf8))
            #expect(bad.status == 400 && bad.errorCode == "malformed_json")
            let missing = try await RawHTTP.request(port: p, "POST", "/api/tickets", token: "t-kiosk", body: Array("{}".utf8))
            #expect(missing.status == 400 && missing.errorCode == "malformed_json" && missing.text.contains("category"))
            let wrongType = try await RawHTTP.request(port: p, "POST", "/api/windows/1/rating", token: "t-window-1", body: Array(#"{"level":"5"}"#.utf8))
            #expect(wrongType.status == 400)
            let level9 = try await RawHTTP.request(port: p, "POST", "/api/windows/1/rating", token: "t-window-1", body: Array(#"{"level":9}"#.utf8))
            #expect(level9.status == 400 && level9.errorCode == "invalid_level")
            let form = try await RawHTTP.request(port: p, "POST", "/api/tickets", token: "t-kiosk", body: Array("category=hukou".utf8),
                                                 contentType: "application/x-www-form-urlencoded")
            #expect(form.status == 415)
            let huge = try await RawHTTP.request(port: p, "POST", "/api/tickets", token: "t-kiosk",
                                                 body: Array(("{\"category\":\"" + String(repeating: "x", count: 100_000) + "\"}").utf8))
            #expect(huge.status == 413)
            let route = try await RawHTTP.request(port: p, "GET", "/api/nothing", token: "t-kiosk")
            #expect(route.status == 404 && route.errorCode == "not_found")
            let method = try await RawHTTP.request(port: p, "GET", "/api/tickets", token: "t-kiosk")
            #expect((400..<500).contains(method.status) && method.errorCode != nil)

            // Random bytes as bodies on every POST route.
            var rng = SystemRandomNumberGenerator()
            let routes = ["/api/tickets", "/api/windows/1/sign-in", "/api/windows/1/transfer", "/api/windows/1/finish",
                          "/api/windows/1/rating", "/api/windows/2/call-next"]
            for i in 0..<120 {
                let body = (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                let token = i % 3 == 0 ? "t-kiosk" : "t-window-1"
                let r = try await RawHTTP.request(port: p, "POST", routes[i % routes.count], token: token, body: body)
                #expect(r.status < 500, "\(routes[i % routes.count]) answered \(r.status)")
                #expect(r.status < 300 || r.errorCode != nil)
            }
            #expect(try await s.call("GET", "/api/state", token: "t-display").status == 200)
        }
    }

    @Test func eventStreamIsLiveAndResumesWithoutGaps() async throws {
        try await TestServer.with { s in
            async let live = RawHTTP.events(port: s.port, path: "/api/events?token=t-display", token: nil, count: 3)
            // Events are committed once the stream has subscribed.
            #expect(await eventually(5) { s.hall.hub.subscriberCount == 1 }, "subscribers: \(s.hall.hub.subscriberCount)")
            _ = try await s.call("POST", "/api/tickets", token: "t-kiosk", json: #"{"category":"hukou"}"#)
            _ = try await s.call("POST", "/api/tickets", token: "t-kiosk", json: #"{"category":"social"}"#)
            let (status, messages) = try await live
            #expect(status == 200)
            #expect(messages.map(\.id) == [1, 2, 3])
            #expect(messages.map(\.event) == ["day_started", "ticket_issued", "ticket_issued"])
            let payload = try JSONSerialization.jsonObject(with: Data(messages[2].data.utf8)) as? [String: Any]
            #expect(payload?["number"] as? String == "B001" && payload?["seq"] as? Int == 3)

            // A client that saw event 1 reconnects: it gets 2 and 3 from the log, then live 4.
            // No wait needed: committed before it subscribes, event 4 comes from the log; after, live.
            async let resumed = RawHTTP.events(port: s.port, path: "/api/events", token: "t-display", lastEventID: 1, count: 3)
            _ = try await s.call("POST", "/api/windows/1/sign-in", token: "t-window-1", json: #"{"clerk":"c1"}"#)
            let (_, again) = try await resumed
            #expect(again.map(\.id) == [2, 3, 4])
            #expect(again.last?.event == "clerk_signed_in")

            let denied = try await RawHTTP.events(port: s.port, path: "/api/events", token: nil, count: 1)
            #expect(denied.0 == 401)
        }
    }
}

/// The API contract's rules on the wire: 405 for a known path's other methods, ISO 8601 dates, and error
/// messages in the API's own words.
@Suite struct APIContractTests {
    @Test func aKnownPathAnswersOtherMethodsWith405AndAllow() async throws {
        try await TestServer.with { s in
            let delete = try await s.call("DELETE", "/api/state", token: "t-manager")
            #expect(delete.status == 405 && delete.headers["allow"] == "GET" && delete.errorCode == "method_not_allowed", "\(delete)")
            let put = try await s.call("PUT", "/api/windows/1/finish", token: "t-window-1", json: "{}")
            #expect(put.status == 405 && put.headers["allow"] == "POST", "\(put)")
            #expect(try await s.call("DELETE", "/api/nothing-here", token: "t-manager").status == 404)
        }
    }

    @Test func rangeErrorsNameTheQueryParameters() async throws {
        try await TestServer.with { s in
            let r = try await s.call("GET", "/api/reports/windows?from=2026-11-24&to=2026-11-23", token: "t-manager")
            #expect(r.status == 400 && r.errorCode == "invalid_range")
            #expect(r.text.contains("from 2026-11-24 is after to 2026-11-23") && !r.text.contains("--"), "\(r.text)")
        }
    }

    @Test func caseContactTimesAreISO8601NotInTheFutureNorBeforeTheCase() async throws {
        try await TestServer.with { s in
            try await s.hall.execute(.signIn(window: 1, clerk: "c1"))
            try await s.hall.execute(.issueTicket(category: "hukou", priority: false))
            try await s.hall.execute(.callNext(window: 1))
            try await s.hall.execute(.finish(window: 1, outcome: .immediate))
            try await s.hall.execute(.rate(window: 1, level: .dissatisfied))
            s.clock.advance(by: 3600)
            let path = "/api/cases/2026-11-23-A001/contact"
            func contact(_ at: String) async throws -> HTTPResult {
                try await s.call("POST", path, token: "t-manager", json: #"{"at":\#(at),"method":"电话","citizen_said":"已解释"}"#)
            }
            let number = try await contact("1764572400")
            #expect(number.status == 400 && number.errorCode == "malformed_json", "a number is not a date-time: \(number.text)")
            let future = try await contact(#""2030-01-01T00:00:00Z""#)
            #expect(future.status == 400 && future.errorCode == "invalid_contact_time", "\(future.text)")
            let early = try await contact(#""2026-11-22T09:00:00Z""#)
            #expect(early.status == 400 && early.errorCode == "invalid_contact_time", "\(early.text)")
            #expect(try s.hall.store.badRatingCase("2026-11-23/A001")?.state == .open, "nothing stored by a refused step")
            // 09:30 Beijing, after the rating at 09:00 and before now (10:00).
            let ok = try await contact(#""2026-11-23T01:30:00Z""#)
            #expect(ok.status == 200, "\(ok.text)")
            let stored = try #require(try s.hall.store.badRatingCase("2026-11-23/A001"))
            #expect(stored.contactedAtMs == 1_795_397_400_000 && stored.citizenSaid == "已解释")
        }
    }
}
