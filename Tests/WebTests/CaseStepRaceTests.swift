import Foundation
import HallModel
import Testing

/// The same case step sent several times at once is taken once: the Hall looks the case up inside its actor, so
/// the others meet the step already taken and get a 409. (Before, each handler checked a row it read outside the
/// actor, and concurrent identical steps all passed, writing the 回访 twice.)
@Suite struct CaseStepRaceTests {
    @Test(.timeLimit(.minutes(2))) func identicalStepsAtOnceOneIsTakenTheRestAre409() async throws {
        try await TestServer.with { s in
            #expect(try await s.call("POST", "/api/tickets", token: "t-kiosk", json: #"{"category":"hukou"}"#).status == 201)
            #expect(try await s.call("POST", "/api/windows/1/sign-in", token: "t-window-1", json: #"{"clerk":"c1"}"#).status == 200)
            #expect(try await s.call("POST", "/api/windows/1/call-next", token: "t-window-1").status == 200)
            #expect(try await s.call("POST", "/api/windows/1/finish", token: "t-window-1", json: #"{"outcome":"immediate"}"#).status == 200)
            let rated = try await s.call("POST", "/api/windows/1/rating", token: "t-window-1", json: #"{"level":1,"reasons":["115"]}"#)
            #expect(rated.status == 201, "\(rated.text)")
            let list = try await s.call("GET", "/api/cases?state=open", token: "t-manager")
            let id = try #require((list.json["cases"] as? [[String: Any]])?.first?["id"] as? String, "\(list.text)")

            // Eight identical 回访 at once, then eight identical 整改 at once.
            for (step, body) in [("contact", #"{"method":"电话","citizen_said":"已致歉"}"#), ("rectify", #"{"note":"调整排班"}"#)] {
                let statuses = try await withThrowingTaskGroup(of: HTTPResult.self) { group in
                    for _ in 0..<8 {
                        group.addTask { try await s.call("POST", "/api/cases/\(id)/\(step)", token: "t-manager", json: body) }
                    }
                    var all: [HTTPResult] = []
                    for try await r in group { all.append(r) }
                    return all
                }
                #expect(statuses.filter { $0.status == 200 }.count == 1, "\(step): \(statuses.map(\.status))")
                #expect(statuses.filter { $0.status == 409 }.count == 7, "\(step): \(statuses.map { "\($0.status) \($0.text)" })")
            }
            let kinds = try s.hall.store.events(after: 0).map(\.record.kind)
            #expect(kinds.filter { $0 == .caseContacted }.count == 1 && kinds.filter { $0 == .caseRectified }.count == 1, "\(kinds)")
        }
    }
}
