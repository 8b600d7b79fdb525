import Foundation
import HallModel
import Logging

/// The demo's hall day: citizens take tickets, clerks call and finish them, citizens rate.
/// It sends the same commands as people and devices do, through the Hall, so reports fill for real.
public struct DemoTraffic: Sendable {
    public let hall: Hall
    /// How many times faster than a real hall the demo runs.
    public let speed: Double
    private let logger: Logger

    public init(hall: Hall, speed: Double = 10, logger: Logger = Logger(label: "counterd.demo")) {
        self.hall = hall
        self.speed = speed
        self.logger = logger
    }

    private struct Plan {
        var finishAt: Date?
        var rateAt: Date?
        var rateLevel: RatingLevel?
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
                if ws.clerk == nil { continue }
                if ws.serving != nil {
                    if plan.finishAt == nil {
                        plan.finishAt = now.addingTimeInterval(Double.random(in: 60...420, using: &rng) / speed)
                    } else if let f = plan.finishAt, f <= now {
                        let outcome: Outcome = Int.random(in: 0..<10, using: &rng) < 8 ? .immediate : Outcome.allCases.randomElement(using: &rng)!
                        if (try? await hall.execute(.finish(window: w.number, outcome: outcome), source: "demo")) != nil {
                            plan.finishAt = nil
                            // Nine in ten citizens rate, a few seconds after the service.
                            if Int.random(in: 0..<10, using: &rng) < 9 {
                                plan.rateAt = now.addingTimeInterval(Double.random(in: 2...8, using: &rng))
                                plan.rateLevel = Self.level(using: &rng)
                            }
                        }
                    }
                } else if ws.awaiting != nil, let r = plan.rateAt, r <= now, let level = plan.rateLevel {
                    _ = try? await hall.execute(.rate(window: w.number, level: level), source: "demo")
                    plan.rateAt = nil
                } else if ws.awaiting == nil || plan.rateAt == nil {
                    if !ws.paused, !state.candidates(for: w).isEmpty, Int.random(in: 0..<4, using: &rng) == 0 {
                        _ = try? await hall.execute(.callNext(window: w.number), source: "demo")
                    }
                }
                plans[w.number] = plan
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
