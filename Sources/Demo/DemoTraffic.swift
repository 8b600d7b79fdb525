import Foundation
import HallModel
import HallRuntime
import Logging
import ServiceLifecycle

/// How the demo's clerks and citizens act: straight through Hall commands, or by pressing keys on
/// simulated devices that counterd drives through its real drivers.
public protocol DemoActions: Sendable {
    func call(window: Int) async
    /// `outcome`: what the plan chose; a keypad's evaluate key records the category's default instead.
    func finish(window: Int, outcome: Outcome) async
    func rate(window: Int, level: RatingLevel) async
}

/// Demo actions as Hall commands, for a demo without simulated devices.
public struct HallDemoActions: DemoActions {
    public let hall: Hall

    public init(hall: Hall) { self.hall = hall }

    public func call(window: Int) async { _ = try? await hall.execute(.callNext(window: window), source: "demo") }
    public func finish(window: Int, outcome: Outcome) async { _ = try? await hall.execute(.finish(window: window, outcome: outcome), source: "demo") }
    public func rate(window: Int, level: RatingLevel) async { _ = try? await hall.execute(.rate(window: window, level: level), source: "demo") }
}

/// The demo's hall day (`DemoPlanner`): citizens take tickets, clerks call and finish them, citizens rate.
/// The arrival shape follows the demo's own day, which starts at 09:00 and runs `speed` times faster than
/// a real one, from 08:30 to 17:00 and round again.
public struct DemoTraffic: Sendable {
    public let hall: Hall
    public let actions: any DemoActions
    /// How many times faster than a real hall the demo runs.
    public let speed: Double
    /// Takes a ticket (the kiosk, so the demo's tickets are printed); nil: a plain issue command.
    public let issue: (@Sendable (String, String?) async -> Void)?
    /// Waits one step (half a second); tests pass one that moves their clock instead.
    public let tick: @Sendable () async -> Void
    public static let step = 0.5
    /// The planner's seed; nil: a new one each run (tests fix it, so their figures repeat).
    public let seed: UInt64?
    private let logger: Logger

    public init(hall: Hall, actions: (any DemoActions)? = nil, speed: Double = 10,
                issue: (@Sendable (String, String?) async -> Void)? = nil,
                tick: @escaping @Sendable () async -> Void = { try? await Task.sleep(for: .milliseconds(Int(DemoTraffic.step * 1000))) },
                seed: UInt64? = nil, staff: [(window: Int, clerk: String)]? = nil, logger: Logger = Logger(label: "counterd.demo")) {
        self.seed = seed
        self.staff = staff
        self.hall = hall
        self.actions = actions ?? HallDemoActions(hall: hall)
        self.speed = speed
        self.issue = issue
        self.tick = tick
        self.logger = logger
    }

    /// The simulated clerks and their windows in config/demo.toml: c001 张敏 and window 1 stay free for a visitor,
    /// and a window added later (with c007, or anyone) is never staffed by the demo.
    public static let demoStaff: [(window: Int, clerk: String)] = [(2, "c002"), (3, "c003"), (4, "c004"), (5, "c005"), (6, "c006")]
    /// Who the demo signs in where; nil: every window but the first, each with the clerk listed at its place.
    public let staff: [(window: Int, clerk: String)]?

    /// The demo day's minute after `elapsed` hall-seconds of running.
    public static func demoMinute(elapsed: Double, speed: Double) -> Int {
        let start = 540, open = 510, close = 1020
        let m = start + Int(elapsed * speed / 60)
        return open + (m - open) % (close - open)
    }

    /// Runs until cancelled, or for `steps` steps (tests).
    public func run(steps: Int? = nil) async {
        var planner = DemoPlanner(speed: speed, seed: seed ?? UInt64(Date().timeIntervalSince1970))
        let setup = await hall.setup
        // Only the demo's own clerks at the demo's own windows: window 1 is left to a visitor (README invites one to
        // its console and tablet), and a window added later on the setup pages is never staffed behind its PIN.
        let pairs = staff ?? zip(setup.windows.dropFirst(), setup.clerks.dropFirst()).map { (window: $0.number, clerk: $1.id) }
        let staff = pairs.filter { setup.window($0.window) != nil && setup.clerk($0.clerk) != nil }
        planner.humanWindows = Set(setup.windows.map(\.number)).subtracting(staff.map(\.window))
        for (w, clerk) in staff where await hall.state.window(w).clerk == nil {
            _ = try? await hall.execute(.signIn(window: w, clerk: clerk), source: "demo")
        }
        let started = hall.now
        var done = 0
        while !Task.isCancelled, steps.map({ done < $0 }) ?? true {
            await tick()
            done += 1
            let (state, setup, now) = (await hall.state, await hall.setup, hall.now)
            let minute = Self.demoMinute(elapsed: now.timeIntervalSince(started), speed: speed)
            for action in planner.step(state: state, setup: setup, now: now, minute: minute, dt: Self.step) {
                switch action {
                case .issue(let category, let reason):
                    if let issue {
                        await issue(category, reason)
                    } else {
                        _ = try? await hall.execute(.issueTicket(category: category, priority: reason != nil,
                                                                 details: IssueDetails(priorityReason: reason)), source: "demo")
                    }
                case .call(let w): await actions.call(window: w)
                case .finish(let w, let outcome): await actions.finish(window: w, outcome: outcome)
                case .rate(let w, let level, let detail):
                    // A 差评 with its reasons comes from the window's tablet; every other rating is a keypad press.
                    if let detail {
                        _ = try? await hall.execute(.rate(window: w, level: level, detail: detail), source: "web-evaluator:\(w)")
                    } else {
                        await actions.rate(window: w, level: level)
                    }
                }
            }
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
