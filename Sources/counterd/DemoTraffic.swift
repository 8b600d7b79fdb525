import Foundation
import HallModel
import HallRuntime
import Logging
import ServiceLifecycle

/// How the demo's clerks and citizens act: straight through Hall commands, or by pressing keys on
/// simulated devices that counterd drives through its real drivers.
public protocol DemoActions: Sendable {
    func call(window: Int) async
    func finish(window: Int) async
    func rate(window: Int, level: RatingLevel) async
}

/// Demo actions as Hall commands, for a demo without simulated devices.
public struct HallDemoActions: DemoActions {
    public let hall: Hall

    public init(hall: Hall) { self.hall = hall }

    public func call(window: Int) async { _ = try? await hall.execute(.callNext(window: window), source: "demo") }
    public func finish(window: Int) async {
        // Each window its own share of 即办件 (95 % down to 60 %), so the dashboard's 即办率 differs between them.
        let share = [0.95, 0.9, 0.8, 0.7, 0.85, 0.6][window % 6]
        let outcome: Outcome = Double.random(in: 0..<1) < share ? .immediate : [.promised, .joint, .reported, .replied].randomElement()!
        _ = try? await hall.execute(.finish(window: window, outcome: outcome), source: "demo")
    }
    public func rate(window: Int, level: RatingLevel) async { _ = try? await hall.execute(.rate(window: window, level: level), source: "demo") }
}

/// The demo's hall day: citizens take tickets, clerks call and finish them, citizens rate.
public struct DemoTraffic: Sendable {
    public let hall: Hall
    public let actions: any DemoActions
    /// How many times faster than a real hall the demo runs.
    public let speed: Double
    private let logger: Logger

    public init(hall: Hall, actions: (any DemoActions)? = nil, speed: Double = 10, logger: Logger = Logger(label: "counterd.demo")) {
        self.hall = hall
        self.actions = actions ?? HallDemoActions(hall: hall)
        self.speed = speed
        self.logger = logger
    }

    private struct Plan {
        var finishAt: Date?
        var rateAt: Date?
        var rateLevel: RatingLevel?
        /// The awaited ticket this plan was made for.
        var ratingFor: String?
        var pressed = false
    }

    public func run() async {
        var rng = SystemRandomNumberGenerator()
        let setup = await hall.setup
        var plans: [Int: Plan] = [:]
        // Sign one clerk in per window, as far as clerks go.
        for (w, clerk) in zip(setup.windows, setup.clerks) {
            _ = try? await hall.execute(.signIn(window: w.number, clerk: clerk.id), source: "demo")
        }
        let tick = 0.5
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(Int(tick * 1000)))
            let now = await hall.now
            // About one citizen every 40 hall-seconds per window.
            let arrivals = Double(setup.windows.count) * tick * speed / 40
            if Double.random(in: 0..<1, using: &rng) < arrivals, let c = setup.categories.randomElement(using: &rng) {
                _ = try? await hall.execute(.issueTicket(category: c.code, priority: Int.random(in: 0..<20, using: &rng) == 0), source: "demo")
            }
            let state = await hall.state
            for w in setup.windows {
                let ws = state.window(w.number)
                var plan = plans[w.number] ?? Plan()
                defer { plans[w.number] = plan }
                guard ws.clerk != nil else { continue }
                if ws.serving != nil {
                    if plan.finishAt == nil {
                        plan.finishAt = now.addingTimeInterval(Double.random(in: 60...420, using: &rng) / speed)
                    } else if let f = plan.finishAt, f <= now {
                        plan.finishAt = nil
                        await actions.finish(window: w.number)
                    }
                    continue
                }
                if let awaited = ws.awaiting {
                    if plan.ratingFor != awaited.ticket {
                        // Nine in ten citizens rate, a few seconds after the service.
                        plan.ratingFor = awaited.ticket
                        plan.pressed = false
                        let rates = Int.random(in: 0..<10, using: &rng) < 9
                        plan.rateAt = rates ? now.addingTimeInterval(Double.random(in: 2...8, using: &rng)) : nil
                        plan.rateLevel = Self.level(using: &rng)
                    }
                    if let r = plan.rateAt, r <= now, let level = plan.rateLevel {
                        plan.rateAt = nil
                        plan.pressed = true
                        await actions.rate(window: w.number, level: level)
                    }
                    // Leave the citizen time to press, and the press time to be stored, before the next call;
                    // where the hall's rule says so, a clerk whose citizen does not rate waits out the timeout.
                    if plan.rateAt != nil || plan.pressed || setup.rules.ratingBlocksNext { continue }
                }
                if !ws.paused, !state.candidates(for: w).isEmpty, Int.random(in: 0..<4, using: &rng) == 0 {
                    await actions.call(window: w.number)
                }
            }
        }
    }

    static func level(using rng: inout SystemRandomNumberGenerator) -> RatingLevel {
        switch Int.random(in: 0..<100, using: &rng) {
        case 0..<62: .verySatisfied
        case 62..<88: .satisfied
        case 88..<95: .basicallySatisfied
        case 95..<98: .dissatisfied
        default: .veryDissatisfied
        }
    }
}

/// Runs the demo traffic generator under a ServiceGroup.
public struct DemoTrafficService: Service {
    public let traffic: DemoTraffic

    public init(traffic: DemoTraffic) { self.traffic = traffic }

    public func run() async {
        await cancelWhenGracefulShutdown { await traffic.run() }
    }
}
