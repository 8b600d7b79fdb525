import Foundation
import Synchronization

/// Where the hall gets the time. Injected so every state machine runs under a manual clock in tests.
public protocol HallClock: Sendable {
    func now() -> Date
}

/// Wall-clock time, rounded to the millisecond so live and replayed state agree exactly.
public struct SystemClock: HallClock {
    public init() {}
    public func now() -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}

/// A clock that moves only when told to.
public final class ManualClock: HallClock {
    private let current: Mutex<Date>

    public init(_ start: Date) { current = Mutex(start) }

    public func now() -> Date { current.withLock { $0 } }

    public func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }

    public func set(_ date: Date) { current.withLock { $0 = date } }
}

extension HallClock {
    /// What the hall tells its clock after every change: whether a service is open (a ticket waiting,
    /// reserved, served, parked or awaiting its rating) and when its last event happened.
    public func hallChanged(busy: Bool, lastEventAt: Date?) {
        (self as? SteadyClock)?.observe(busy: busy, lastEventAt: lastEventAt)
    }
}

/// The hall's time in the daemon: the system's wall clock, carried forward by the monotonic clock, so that a
/// step of the system clock cannot run a service backwards or stretch a timer.
///
/// - A step forward (beyond `tolerance`) is adopted at once: durations stay positive, and a new business day
///   starts once.
/// - A step back is not adopted while a service is open or before the system clock has passed the hall's
///   last event: until then the hall keeps its own time (the old timeline, running on monotonic time), so a
///   wait or a service never has a negative length and a rating timeout fires on time. It is adopted when
///   the hall is idle and the log would not run backwards — typically overnight.
public final class SteadyClock: HallClock {
    struct Anchor {
        var wall: Date
        var mono: ContinuousClock.Instant
        var busy = false
        var lastEventAt: Date?
        var heldBack: TimeInterval?
        var steps = 0
    }

    private let anchor: Mutex<Anchor>
    private let source: @Sendable () -> Date
    private let tolerance: TimeInterval
    private let onStep: @Sendable (_ by: TimeInterval, _ adopted: Bool) -> Void

    /// `source` is the system's wall clock (replaceable in tests); `onStep` hears of every step seen, with
    /// whether it was adopted (for the log and a counter).
    public init(tolerance: TimeInterval = 2, source: @escaping @Sendable () -> Date = { Date() },
                onStep: @escaping @Sendable (_ by: TimeInterval, _ adopted: Bool) -> Void = { _, _ in }) {
        self.source = source
        self.tolerance = tolerance
        self.onStep = onStep
        anchor = Mutex(Anchor(wall: source(), mono: .now))
    }

    /// Steps adopted so far.
    public var steps: Int { anchor.withLock { $0.steps } }

    public func now() -> Date {
        let (t, step) = anchor.withLock { a -> (Date, (TimeInterval, Bool)?) in
            let mono = ContinuousClock.now
            let elapsed = mono - a.mono
            let steady = a.wall.addingTimeInterval(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            let system = source()
            let drift = system.timeIntervalSince(steady)
            var step: (TimeInterval, Bool)?
            if drift > tolerance || (drift < -tolerance && !a.busy && system >= (a.lastEventAt ?? .distantPast)) {
                a.wall = system
                a.mono = mono
                a.steps += 1
                a.heldBack = nil
                step = (drift, true)
                return (system, step)
            }
            if drift < -tolerance && a.heldBack == nil {
                a.heldBack = drift
                step = (drift, false)
            }
            return (steady, step)
        }
        if let step { onStep(step.0, step.1) }
        return Date(timeIntervalSince1970: (t.timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    func observe(busy: Bool, lastEventAt: Date?) {
        anchor.withLock {
            $0.busy = busy
            if let lastEventAt { $0.lastEventAt = max($0.lastEventAt ?? lastEventAt, lastEventAt) }
        }
    }
}
