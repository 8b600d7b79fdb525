import Foundation
import HallModel
import Logging
import Store

/// A month of hall days for the demo's first start, so the week and month views, the charts and the 考核
/// workbook have something to show: each past working day simulated through the real engine with the
/// demo's planner (its arrival shape, service times and ratings) and written to the log like live events.
public enum DemoHistory {
    /// Seeds the working days among the `days` before `now`'s day; returns how many events it wrote.
    public static func seed(store: EventStore, setup: HallSetup, days: Int, now: Date, step: Double = 10, load: Double = 0.8,
                            logger: Logger = Logger(label: "counterd.demo")) async throws -> Int {
        let calendar = BusinessCalendar(identifier: setup.rules.timeZone)
        let engine = HallEngine(setup: setup)
        var state = HallState(setup: setup)
        var planner = DemoPlanner(speed: 1, seed: 20_261_201)
        planner.peakLoad = load
        var written = 0
        let today = calendar.day(of: now)
        guard let todayStart = calendar.start(of: today) else { return 0 }
        for back in stride(from: days, through: 1, by: -1) {
            let dayStart = todayStart.addingTimeInterval(-Double(back) * 86_400 + 3_600)
            let day = calendar.day(of: dayStart)
            guard let start = calendar.start(of: day), isWorkingDay(day, start: start, setup: setup) else { continue }
            var events: [EventRecord] = []
            func run(_ command: HallCommand, at t: Date) {
                guard var decided = try? engine.decide(state, command, now: t) else { return }
                for i in decided.indices where decided[i].source == nil { decided[i].source = "demo:history" }
                for e in decided { state.apply(e) }
                events += decided
            }
            let open = start.addingTimeInterval(8 * 3600 + 25 * 60)
            for (w, clerk) in zip(setup.windows, setup.clerks) { run(.signIn(window: w.number, clerk: clerk.id), at: open) }
            var t = open
            let close = start.addingTimeInterval(17 * 3600 + 30 * 60)
            while t < close {
                t = t.addingTimeInterval(step)
                run(.tick, at: t)
                let minute = Int(t.timeIntervalSince(start) / 60)
                for action in planner.step(state: state, setup: setup, now: t, minute: minute, dt: step) {
                    switch action {
                    case .issue(let c, let reason):
                        run(.issueTicket(category: c, priority: reason != nil, details: IssueDetails(priorityReason: reason)), at: t)
                    case .call(let w): run(.callNext(window: w), at: t)
                    case .finish(let w, let outcome): run(.finish(window: w, outcome: outcome), at: t)
                    case .rate(let w, let level): run(.rate(window: w, level: level), at: t)
                    }
                }
            }
            // Evening: the last ratings time out, everyone signs out.
            t = t.addingTimeInterval(setup.rules.ratingTimeoutSeconds + 1)
            run(.tick, at: t)
            for w in setup.windows where state.window(w.number).serving != nil { run(.finish(window: w.number, outcome: .immediate), at: t) }
            t = t.addingTimeInterval(setup.rules.ratingTimeoutSeconds + 1)
            run(.tick, at: t)
            for w in setup.windows where state.window(w.number).clerk != nil { run(.signOut(window: w.number), at: t) }
            written += try await store.append(events).count
        }
        logger.notice("demo history seeded", metadata: ["days": "\(days)", "events": "\(written)"])
        return written
    }

    static func isWorkingDay(_ day: String, start: Date, setup: HallSetup) -> Bool {
        setup.rules.workingCalendar.isWorkingDay(day)
    }
}
