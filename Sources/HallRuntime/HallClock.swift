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
