import Foundation
import HallModel
import TestSupport

/// A small hall: two categories, three windows, three clerks; Beijing time.
enum Fixture {
    static let setup = HallSetup(
        name: "测试大厅",
        categories: [
            ServiceCategory(code: "hukou", name: "户籍", prefix: "A", checklist: ["身份证"], timeLimitMinutes: 20),
            ServiceCategory(code: "social", name: "社保", prefix: "B"),
            ServiceCategory(code: "tax", name: "税务", prefix: "C"),
        ],
        windows: [
            ServiceWindow(number: 1, name: "1号窗口", categories: ["hukou", "social"]),
            ServiceWindow(number: 2, name: "2号窗口", categories: ["social", "hukou"]),
            ServiceWindow(number: 3, name: "3号窗口", categories: ["tax"]),
        ],
        clerks: [Clerk(id: "c1", name: "张敏"), Clerk(id: "c2", name: "李娜"), Clerk(id: "c3", name: "王强")],
        rules: HallRules(ratingTimeoutSeconds: 30, maxRecalls: 3, timeZone: "Asia/Shanghai"))

    /// 2026-11-23 09:00 in Beijing (01:00 UTC).
    static let morning = Date(timeIntervalSince1970: 1_795_395_600)
}

/// Drives the pure engine the way the Hall actor does: decide, then apply.
struct Driver {
    var engine = HallEngine(setup: Fixture.setup)
    var state = HallState(setup: Fixture.setup)
    var now = Fixture.morning
    var log: [EventRecord] = []

    @discardableResult
    mutating func run(_ command: HallCommand) throws(Rejection) -> [EventRecord] {
        let events = try engine.decide(state, command, now: now)
        for e in events { state.apply(e) }
        log += events
        return events
    }

    /// Runs a command that must be rejected; returns the reason.
    mutating func reject(_ command: HallCommand) -> Rejection? {
        let before = state
        do {
            _ = try engine.decide(state, command, now: now)
            return nil
        } catch {
            precondition(state == before)
            return error
        }
    }

    mutating func advance(_ seconds: TimeInterval) { now = now.addingTimeInterval(seconds) }

    func kinds(_ events: [EventRecord]) -> [EventKind] { events.map(\.kind) }
}
