import Foundation
import HallModel
import HallRuntime
import Logging
import Store

/// A month of hall days for the demo's first start, so the week and month views, the charts and the 考核
/// workbook have something to show: each past working day simulated through the real engine with the
/// demo's planner (its arrival shape, service times and ratings) and written to the log like live events.
public enum DemoHistory {
    /// Seeds the working days among the `days` before `now`'s day; returns how many events it wrote.
    /// `seed`: the traffic's random seed (the district demo gives each hall its own, so their figures differ).
    public static func seed(store: EventStore, setup: HallSetup, days: Int, now: Date, step: Double = 10, load: Double = 0.8,
                            seed: UInt64 = 20_261_201, logger: Logger = Logger(label: "counterd.demo")) async throws -> Int {
        // Seeding runs before the hall opens: the appender goes back to the store when this returns.
        let appender = try store.claimAppender()
        let calendar = BusinessCalendar(identifier: setup.rules.timeZone)
        let engine = HallEngine(setup: setup)
        var state = HallState(setup: setup)
        var planner = DemoPlanner(speed: 1, seed: seed)
        var followUp = SplitMix(seed: seed ^ 0xCA5E)
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
                    case .rate(let w, let level, let detail): run(.rate(window: w, level: level, detail: detail), at: t)
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
            // The manager follows up the day's 差评 the next working days: most are called back, fixed and closed with
            // the citizen's verdict, some only called back, a few left open (the last two days' stay for a visitor).
            if back > 2 {
                let opened = events.compactMap { e -> (CaseOpened, String)? in if case .caseOpened(let c) = e.event { (c, e.day) } else { nil } }
                for (c, openedDay) in opened {
                    let roll = followUp.next() % 20
                    guard roll < 19 else { continue }
                    var current = BadRatingCase(id: c.ticket, state: .open, window: c.window, clerk: c.clerk, level: c.level,
                                                openedDay: openedDay, dueDay: c.dueDay)
                    var at = t.addingTimeInterval(3_600)
                    let said = ["已致歉并说明原因，群众表示理解", "群众希望缩短等候时间", "已告知补正材料清单，群众认可"][Int(followUp.next() % 3)]
                    let steps: [CaseAction] = [.contact(at: at, method: "电话", citizenSaid: said), .rectify(note: "已对窗口人员进行业务培训并调整排班"),
                                               .close(note: "整改完成", verdict: [CaseVerdict.satisfied, .basicallySatisfied, .dissatisfied][Int(followUp.next() % 3)])]
                    for action in steps.prefix(roll < 17 ? 3 : 1) {
                        run(.caseAction(case: c.ticket, action: action, manager: "manager", current: current), at: at)
                        current.state = action.target ?? current.state
                        at = at.addingTimeInterval(600)
                    }
                }
            }
            written += try await appender.append(events).count
        }
        logger.notice("demo history seeded", metadata: ["days": "\(days)", "events": "\(written)"])
        return written
    }

    static func isWorkingDay(_ day: String, start: Date, setup: HallSetup) -> Bool {
        setup.rules.workingCalendar.isWorkingDay(day)
    }
}
