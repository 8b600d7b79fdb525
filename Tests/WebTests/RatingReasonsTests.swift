import Foundation
import HallConfig
import HallModel
import Testing
@testable import Web

/// Reasons with every rating, through the API on a real socket: what is wrong is a 400 that names the
/// field and stores nothing; what is right is stored with the rating.
@Suite struct RatingReasonsTests {
    @Test func aRatingsReasonsCommentAndPhoneAreCheckedThenStored() async throws {
        try await TestServer.with { s in
            let list = try await s.call("GET", "/api/indicators", token: nil)
            let items = (list.json["indicators"] as? [[String: Any]]) ?? []
            #expect(list.status == 200 && list.json["version"] as? String == "national-2020-8x5" && items.count == 40)
            #expect(items.filter { $0["level"] as? Int == 2 }.compactMap { $0["code"] as? String } == (207...214).map(String.init))

            _ = try await s.call("POST", "/api/tickets", token: "t-kiosk", json: #"{"category":"hukou"}"#)
            #expect(try await s.call("POST", "/api/windows/1/sign-in", token: "t-window-1", json: #"{"clerk":"c1"}"#).status == 200)
            #expect(try await s.call("POST", "/api/windows/1/call-next", token: "t-window-1").status == 200)
            #expect(try await s.call("POST", "/api/windows/1/finish", token: "t-window-1", json: #"{"outcome":"immediate"}"#).status == 200)
            let long = String(repeating: "慢", count: 201)
            let wrong: [(String, String, String)] = [
                (#"{"level":2,"reasons":[]}"#, "reasons_required", "原因"),
                (#"{"level":2,"reasons":["999"]}"#, "invalid_reasons", "999"),
                (#"{"level":2,"reasons":["517"]}"#, "invalid_reasons", "非常满意"),
                (#"{"level":2,"reasons":["213","213"]}"#, "invalid_reasons", "重复"),
                (#"{"level":2,"reasons":["213"],"comment":"\#(long)"}"#, "invalid_comment", "文字评价"),
                (#"{"level":2,"reasons":["213"],"phone":"12345"}"#, "invalid_phone", "回访电话"),
                (#"{"level":9,"reasons":["213"]}"#, "invalid_level", "评价等级"),
            ]
            for (body, code, named) in wrong {
                let r = try await s.call("POST", "/api/windows/1/rating", token: "t-window-1", json: body)
                let zh = (r.json["error"] as? [String: Any])?["message_zh"] as? String ?? ""
                #expect(r.status == 400 && r.errorCode == code && zh.contains(named), "\(body): \(r.status) \(r.json)")
            }
            // Nothing was stored: the window still awaits the rating.
            #expect(await s.hall.state.window(1).awaiting != nil)
            #expect(try s.hall.store.events(after: 0).allSatisfy { $0.record.kind != .ticketRated })
            let ok = try await s.call("POST", "/api/windows/1/rating", token: "t-window-1",
                                      json: #"{"level":2,"reasons":["213","209"],"comment":" 等候太久 ","phone":"010-62345678"}"#)
            #expect(ok.status == 201, "\(ok.json)")
            let rated = try s.hall.store.events(after: 0).compactMap { e -> TicketRated? in
                if case .ticketRated(let r) = e.record.event { r } else { nil }
            }
            #expect(rated.count == 1 && rated[0].reasons == ["213", "209"] && rated[0].comment == "等候太久" && rated[0].phone == "010-62345678")
            // Counted per reason code for the window, the clerk and the category; the dashboard lists the window's 差评 reasons.
            for (scope, key) in [("windows", "1"), ("clerks", "c1"), ("categories", "hukou")] {
                let r = try await s.call("GET", "/api/reports/\(scope)/reasons", token: "t-manager")
                let rows = (r.json["rows"] as? [[String: Any]]) ?? []
                #expect(r.status == 200 && rows.compactMap { $0["code"] as? String }.sorted() == ["209", "213"]
                        && rows.allSatisfy { $0["key"] as? String == key && $0["count"] as? Int == 1 }, "\(scope): \(r.json)")
                #expect(rows.contains { $0["text"] as? String == "窗口人员业务不熟练" })
            }
            let dash = try await s.call("GET", "/api/dashboard", token: "t-manager")
            let bad = (dash.json["bad_reasons"] as? [String: [[String: Any]]])?["1"] ?? []
            #expect(bad.count == 2, "\(dash.json["bad_reasons"] ?? "none")")
            #expect(try await s.call("GET", "/api/reports/tellers/reasons", token: "t-manager").status == 404)
            #expect(try await s.call("GET", "/api/reports/windows/reasons", token: "t-window-1").status == 403)
        }
    }

    @Test func phoneNumbersAreMobileOrLandline() {
        for good in ["13800138000", "19912345678", "010-62345678", "0755-2345678", "01062345678"] { #expect(RatingInput.isPhone(good), "\(good)") }
        for bad in ["12800138000", "1380013800", "138-0013-8000", "62345678", "010-6234a678", "+8613800138000"] { #expect(!RatingInput.isPhone(bad), "\(bad)") }
    }

    /// A province's own list replaces the national one without code; a broken list is a config error that names it.
    @Test func aProvincesListReplacesTheNationalOne() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("indicators-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("province.toml"), bad = dir.appendingPathComponent("bad.toml")
        try "version = \"zj-2025\"\n[[indicator]]\ncode = \"Z21\"\nlevel = 2\ntext = \"窗口人员离岗\"\n".write(to: good, atomically: true, encoding: .utf8)
        try "version = \"x\"\n[[indicator]]\ncode = \"Z21\"\nlevel = 7\ntext = \"x\"\n".write(to: bad, atomically: true, encoding: .utf8)
        let base = "[hall]\nname = \"h\"\n[[categories]]\ncode = \"a\"\nname = \"甲\"\nprefix = \"A\"\n[[windows]]\nnumber = 1\ncategories = [\"a\"]\n"
        guard case .success(let cfg) = ConfigParser.parse(base + "[ratings]\nindicators = \"\(good.path)\"\nreason_required_for_bad = false\n") else {
            Issue.record("a province's list was not accepted")
            return
        }
        #expect(cfg.ratings.indicators.version == "zj-2025" && cfg.ratings.indicators.indicators.map(\.code) == ["Z21"] && !cfg.ratings.reasonRequiredForBad)
        guard case .failure(let f) = ConfigParser.parse(base + "[ratings]\nindicators = \"\(bad.path)\"\n") else {
            Issue.record("a broken list was accepted")
            return
        }
        #expect(f.issues.contains { $0.path == "ratings.indicators" && $0.message.contains("bad.toml") && $0.message.contains("level") }, "\(f.issues)")
        #expect(IndicatorList.national.indicators.count == 40 && IndicatorList.national.version == "national-2020-8x5")
    }
}
