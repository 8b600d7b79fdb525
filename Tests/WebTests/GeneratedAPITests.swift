import HTTPTypes
import Foundation
import HallAPI
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import Testing
@testable import Web
import Yams

/// The operations generated from openapi.yaml (HallAPI), driven by the generated client over a real socket: the
/// 差评 case steps answer the contract's types, a role without the operation's permission is refused, and what
/// the generated server cannot read is a 4xx in the API's error shape, never an empty 500.
@Suite struct GeneratedAPITests {
    /// A 差评 on window 1 (level 1, reason 115), so there is one open case.
    static func badRating(_ s: TestServer) async throws {
        #expect(try await s.call("POST", "/api/windows/1/sign-in", token: "t-window-1", json: #"{"clerk":"c1"}"#).status == 200)
        #expect(try await s.call("POST", "/api/tickets", token: "t-kiosk", json: #"{"category":"hukou"}"#).status == 201)
        #expect(try await s.call("POST", "/api/windows/1/call-next", token: "t-window-1", json: "{}").status == 200)
        #expect(try await s.call("POST", "/api/windows/1/finish", token: "t-window-1", json: #"{"outcome":"immediate"}"#).status == 200)
        let rated = try await s.call("POST", "/api/windows/1/rating", token: "t-window-1", json: #"{"level":1,"reasons":["115"]}"#)
        #expect(rated.status == 201, "\(rated.text)")
    }

    static func client(_ port: Int, token: String) -> Client {
        Client(serverURL: URL(string: "http://127.0.0.1:\(port)")!, configuration: HallAPIService.configuration,
                   transport: AsyncHTTPClientTransport(), middlewares: [Bearer(token: token)])
    }

    struct Bearer: ClientMiddleware {
        let token: String
        func intercept(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
                       next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)) async throws -> (HTTPResponse, HTTPBody?) {
            var request = request
            request.headerFields[.authorization] = "Bearer \(token)"
            return try await next(request, body, baseURL)
        }
    }

    @Test(.timeLimit(.minutes(2))) func aCaseGoesThroughItsStepsWithTheGeneratedClient() async throws {
        try await TestServer.with { s in
            try await Self.badRating(s)
            let manager = Self.client(s.port, token: "t-manager")
            let list = try await manager.cases(query: .init(state: .open)).ok.body.json
            let opened = try #require(list.cases.first)
            #expect(list.cases.count == 1 && opened.state == .open && opened.level == 1 && opened.reasons.map(\.code) == ["115"]
                    && opened.windowName == "1号窗口" && opened.clerkName == "张敏" && list.summary.opened == 1, "\(list)")

            let contacted = try await manager.caseContact(path: .init(id: opened.id), body: .json(.init(method: "电话", citizenSaid: "等太久"))).ok.body.json
            #expect(contacted.state == .contacted && contacted.contactMethod == "电话" && contacted.citizenSaid == "等太久")
            // The same step again: the case is past it, a 409 with the API's error body.
            guard case .conflict(let again) = try await manager.caseContact(path: .init(id: opened.id), body: .json(.init(method: "电话", citizenSaid: "再问"))) else {
                Issue.record("a second contact was not refused with 409")
                return
            }
            #expect(try again.body.json.error.code.isEmpty == false)

            _ = try await manager.caseRectify(path: .init(id: opened.id), body: .json(.init(note: "已批评教育"))).ok
            let closed = try await manager.caseClose(path: .init(id: opened.id), body: .json(.init(note: "回访满意", verdict: .satisfied))).ok.body.json
            #expect(closed.state == .closed && closed.citizenVerdict == .satisfied && closed.citizenVerdictName == "满意" && closed.closeNote == "回访满意")

            let after = try await manager.cases(query: .init(state: .all)).ok.body.json
            #expect(after.summary.contacted == 1 && after.summary.rectified == 1 && after.summary.closed == 1 && after.summary.callbackRate == 100
                    && after.summary.verdicts.additionalProperties == ["satisfied": 1], "\(after.summary)")

            // The reports and the push's status through the generated client: the served and rated ticket is in window 1's row.
            let report = try await manager.report(path: .init(scope: .windows)).ok.body.json
            let window = try #require(report.rows.first { $0.key == "1" }, "\(report)")
            #expect(report.scope == .windows && window.scope == .window && window.served == 1 && window.rated == 1 && window.ratings == [1, 0, 0, 0, 0]
                    && window.cases == 1, "\(window)")
            let platform = try await manager.platform().ok.body.json
            // No platform configured: the outbox keeps the rating and the three case steps for a later export; their age is on the hall's clock.
            #expect(platform.configured == false && platform.pending == 4 && (platform.oldestPendingSeconds ?? -1) >= 0
                    && (platform.oldestPendingSeconds ?? .infinity) < 3600 && platform.message?.contains("未配置好差评平台") == true, "\(platform)")

            // The kiosk's token may read the hall, not the cases; no token at all is a 401.
            guard case .forbidden = try await Self.client(s.port, token: "t-kiosk").cases(query: .init()) else {
                Issue.record("the kiosk's token read the cases")
                return
            }
            guard case .unauthorized = try await Self.client(s.port, token: "wrong").caseRectify(path: .init(id: opened.id), body: .json(.init(note: "x"))) else {
                Issue.record("a wrong token was not answered 401")
                return
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func whatTheGeneratedServerCannotReadIsA4xxWithTheErrorShape() async throws {
        try await TestServer.with { s in
            try await Self.badRating(s)
            let id = try #require(((try await s.call("GET", "/api/cases?state=open", token: "t-manager")).json["cases"] as? [[String: Any]])?.first?["id"] as? String)
            let cases: [(String, String, String?, Int, String, String)] = [
                // method, path, JSON body, status, error code, what the message must name
                ("POST", "/api/cases/\(id)/contact", #"{"method": 5, "citizen_said": "x"}"#, 400, "malformed_json", "method"),
                ("POST", "/api/cases/\(id)/contact", #"{"method": "电话"}"#, 400, "malformed_json", "citizen_said"),
                ("POST", "/api/cases/\(id)/contact", "{not json", 400, "malformed_json", "JSON"),
                ("POST", "/api/cases/\(id)/close", #"{"verdict": "happy"}"#, 400, "malformed_json", "basically_satisfied"),
                ("POST", "/api/cases/\(id)/rectify", nil, 400, "malformed_json", "缺少请求内容"),
                ("GET", "/api/cases?state=bogus", nil, 400, "invalid_parameter", "all、open、overdue"),
                ("GET", "/api/cases?mine=maybe", nil, 400, "invalid_parameter", "mine"),
                ("POST", "/api/cases/not-a-case/rectify", #"{"note": "x"}"#, 404, "unknown_case", "差评工单"),
                ("GET", "/api/reports/weeks", nil, 404, "not_found", "windows、clerks、categories"),
                ("GET", "/api/reports/windows?from=2026-13-40", nil, 400, "invalid_range", "from"),
            ]
            for (method, path, json, status, code, names) in cases {
                let r = try await s.call(method, path, token: "t-manager", json: json)
                #expect(r.status == status && r.errorCode == code && r.text.contains(names) && r.headers["content-type"]?.hasPrefix("application/json") == true,
                        "\(method) \(path) \(json ?? "-"): \(r.status) \(r.text)")
            }
            // A body over 64 KiB is refused before it is read into memory, as on the hand-routed operations.
            let huge = try await s.call("POST", "/api/cases/\(id)/rectify", token: "t-manager",
                                        json: #"{"note": ""# + String(repeating: "长", count: 30_000) + #""}"#)
            #expect(huge.status == 413 && huge.errorCode == "body_too_large", "\(huge.status) \(huge.text.prefix(200))")
            let plain = try await RawHTTP.request(port: s.port, "POST", "/api/cases/\(id)/rectify", token: "t-manager", body: Array("note".utf8),
                                                  contentType: "text/plain")
            #expect(plain.status == 415 && plain.errorCode == "unsupported_media_type", "\(plain.status) \(plain.text)")
        }
    }

    /// Every generated operation has its permission in one table, and the table names only generated operations.
    @Test func everyGeneratedOperationHasItsPermission() throws {
        let config = try String(contentsOf: OpenAPITests.repo.appendingPathComponent("Sources/HallAPI/openapi-generator-config.yaml"), encoding: .utf8)
        let filter = try #require((try Yams.load(yaml: config) as? [String: Any])?["filter"] as? [String: Any])
        let generated = Set(try #require(filter["operations"] as? [String]))
        #expect(!generated.isEmpty && generated == Set(HallAPIService.access.keys))
    }

    /// The refusal of a value outside an enum names what the contract allows, read from openapi.yaml itself.
    @Test func contractFieldsNameTheAllowedValues() {
        let field = ContractFields.shared.field(operation: "caseClose", path: ["verdict"])
        #expect(field?.allowed == ["satisfied", "basically_satisfied", "dissatisfied"] && field?.description?.contains("基本满意") == true)
        #expect(ContractFields.shared.field(operation: "caseClose", path: ["note"]) == nil)
    }
}
