import Foundation
import HallModel
import HallRuntime

/// What the demo's citizens and clerks do next.
public enum DemoAction: Sendable, Equatable {
    case issue(category: String, priorityReason: String?)
    case call(window: Int)
    case finish(window: Int, outcome: Outcome)
    /// `detail`: the reasons, comment and phone a citizen gives on the tablet with a 差评 (nil: a keypad press, level only).
    case rate(window: Int, level: RatingLevel, detail: RatingDetail?)
}

/// The demo's hall day as a pure step function: arrivals follow a day's shape (a morning peak, the lunch
/// dip, a smaller afternoon) at a rate the open windows can serve; clerks call, serve (1–7 minutes) and
/// finish, with each window its own share of 即办件; nine in ten citizens rate. Used by the live demo
/// and to seed its month of history, so both look alike.
public struct DemoPlanner: Sendable {
    /// Hall-seconds per real second.
    public var speed: Double
    /// Busy share of the windows at the peak: under 1, so the queue drains.
    public var peakLoad: Double = 0.8
    /// Windows a person works (the live demo leaves window 1 to a visitor): the planner never acts there.
    public var humanWindows: Set<Int> = []
    public static let meanServiceSeconds = 240.0
    /// Call, walk to the window and rate: time a window spends on a ticket besides the service.
    public static let overheadSeconds = 20.0

    private struct Plan {
        var finishAt: Date?
        var rateAt: Date?
        var rateLevel: RatingLevel?
        var ratingFor: String?
        var pressed = false
        var callAt: Date?
    }
    private var plans: [Int: Plan] = [:]
    private var rng: SplitMix

    public init(speed: Double = 10, seed: UInt64 = 0x5eed) {
        self.speed = speed
        self.rng = SplitMix(seed: seed)
    }

    /// Arrivals relative to the peak at a local time of day (minutes since midnight): closed before 08:30
    /// and after 17:00, a peak 09:00–11:00, a dip over lunch.
    public static func shape(minute m: Int) -> Double {
        switch m {
        case ..<510: 0
        case 510..<540: 0.5
        case 540..<660: 1.0
        case 660..<720: 0.75
        case 720..<810: 0.3
        case 810..<900: 0.7
        case 900..<990: 0.6
        case 990..<1020: 0.3
        default: 0
        }
    }

    /// One step of `dt` real seconds at hall time `now`; `minute` is the local time of day the arrival
    /// shape is read at (the live demo runs its own day, the history the real one).
    public mutating func step(state: HallState, setup: HallSetup, now: Date, minute: Int, dt: Double) -> [DemoAction] {
        var out: [DemoAction] = []
        let open = setup.windows.filter { state.window($0.number).clerk != nil && !state.window($0.number).paused }.count
        // Tickets per hall-second at the peak: what the open windows serve, times the load.
        let rate = Double(open) / (Self.meanServiceSeconds + Self.overheadSeconds) * peakLoad * Self.shape(minute: minute)
        var expected = rate * dt * speed
        while expected > 0, !setup.categories.isEmpty {
            if rng.unit() < min(1, expected) {
                let c = setup.categories[Int(rng.next() % UInt64(setup.categories.count))]
                let reasons = setup.rules.priorityReasons
                let reason: String? = !reasons.isEmpty && rng.next() % 25 == 0 ? reasons[Int(rng.next() % UInt64(reasons.count))] : nil
                out.append(.issue(category: c.code, priorityReason: reason))
            }
            expected -= 1
        }
        for w in setup.windows where !humanWindows.contains(w.number) {
            let ws = state.window(w.number)
            var plan = plans[w.number] ?? Plan()
            defer { plans[w.number] = plan }
            guard ws.clerk != nil else { continue }
            if ws.serving != nil {
                plan.callAt = nil
                if plan.finishAt == nil {
                    plan.finishAt = now.addingTimeInterval((60 + rng.unit() * 360) / speed)
                } else if let f = plan.finishAt, f <= now {
                    plan.finishAt = nil
                    out.append(.finish(window: w.number, outcome: outcome(window: w.number)))
                }
                continue
            }
            if let awaited = ws.awaiting {
                if plan.ratingFor != awaited.ticket {
                    plan.ratingFor = awaited.ticket
                    plan.pressed = false
                    plan.rateAt = rng.next() % 10 < 9 ? now.addingTimeInterval((2 + rng.unit() * 6) / speed) : nil
                    plan.rateLevel = level(window: w.number)
                }
                if let r = plan.rateAt, r <= now, let level = plan.rateLevel {
                    plan.rateAt = nil
                    plan.pressed = true
                    out.append(.rate(window: w.number, level: level, detail: level.isBad ? badDetail(level) : nil))
                }
                if plan.rateAt != nil || plan.pressed || setup.rules.ratingBlocksNext { continue }
            }
            guard !ws.paused, !state.candidates(for: w).isEmpty else { plan.callAt = nil; continue }
            // A clerk calls the next citizen a few seconds after the last one left.
            if plan.callAt == nil { plan.callAt = now.addingTimeInterval((2 + rng.unit() * 6) / speed) }
            if let c = plan.callAt, c <= now {
                plan.callAt = nil
                out.append(.call(window: w.number))
            }
        }
        return out
    }

    /// The national 评价指标 a demo citizen gives with a 差评 (one or two of the level's eight, the usual ones
    /// more often), a comment now and then, and a callback phone about half the time.
    mutating func badDetail(_ level: RatingLevel) -> RatingDetail {
        let codes = level == .dissatisfied ? ["213", "214", "209", "208", "207", "210", "212", "211"]
                                           : ["115", "113", "114", "110", "109", "108", "111", "112"]
        // The first codes are the common complaints: pick among the first four mostly.
        func pick() -> String { codes[Int(rng.next() % 100) < 75 ? Int(rng.next() % 4) : 4 + Int(rng.next() % 4)] }
        var reasons = [pick()]
        if rng.next() % 3 == 0 { let second = pick(); if second != reasons[0] { reasons.append(second) } }
        let comments = ["等了很久才叫到号", "材料清单和窗口说的不一样", "工作人员态度不耐烦", "跑了两趟还没办成", "希望多开几个窗口"]
        let comment: String? = rng.next() % 3 == 0 ? comments[Int(rng.next() % UInt64(comments.count))] : nil
        let phone: String? = rng.next() % 2 == 0 ? String(format: "1%02d%08d", 30 + Int(rng.next() % 60), Int(rng.next() % 100_000_000)) : nil
        return RatingDetail(reasons: reasons, comment: comment, phone: phone, channel: .tablet)
    }

    /// Each window its own share of 即办件 (95 % down to 60 %), so the dashboard's 即办率 differs.
    mutating func outcome(window: Int) -> Outcome {
        let share = [0.95, 0.9, 0.8, 0.7, 0.85, 0.6][window % 6]
        if rng.unit() < share { return .immediate }
        return [Outcome.promised, .joint, .reported, .replied][Int(rng.next() % 4)]
    }

    /// Mostly 非常满意, a few bad ratings, window 5 a little worse, so rankings and cases have something to show.
    mutating func level(window: Int) -> RatingLevel {
        let worse = window == 5 ? 6 : 0
        // About 3 差评 in 100 (window 5 twice that): what a real hall sees, and few enough for a manager to follow up.
        switch Int(rng.next() % 100) {
        case 0..<(63 - worse): return .verySatisfied
        case (63 - worse)..<89: return .satisfied
        case 89..<(97 - worse / 2): return .basicallySatisfied
        case (97 - worse / 2)..<99: return .dissatisfied
        default: return .veryDissatisfied
        }
    }
}
