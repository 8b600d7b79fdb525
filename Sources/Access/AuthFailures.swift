import Foundation
import Synchronization

/// Every failed authentication (a wrong or missing token, password, PIN, staff PIN or CSRF value), counted
/// and slowed: past `free` failures within `windowSeconds`, each further failed answer is held back,
/// twice as long each time from `baseDelay` up to `maxDelay`. A valid credential is never held back, so
/// the slowdown costs an attacker guessing, not the hall's clerks. Per hall, not per address: a guesser
/// switching addresses on the LAN is slowed as much as one that does not.
public final class AuthFailures: Sendable {
    public let free: Int
    public let windowSeconds: Double
    public let baseDelay: Double
    public let maxDelay: Double
    private let recent = Mutex<[Date]>([])

    public init(free: Int = 20, windowSeconds: Double = 60, baseDelay: Double = 0.05, maxDelay: Double = 2) {
        self.free = free
        self.windowSeconds = windowSeconds
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// Notes a failure at `now`; returns how long its answer should wait (0 within the free ones).
    public func failed(now: Date) -> Double {
        recent.withLock { r in
            r.removeAll { now.timeIntervalSince($0) >= windowSeconds }
            // Bounded: past this many in a minute the delay is at its maximum anyway.
            if r.count < 10_000 { r.append(now) }
            let over = r.count - free
            return over <= 0 ? 0 : min(maxDelay, baseDelay * pow(2, Double(min(over - 1, 30))))
        }
    }

    /// Failures within the window (for tests and the metrics page).
    public func count(now: Date) -> Int { recent.withLock { r in r.filter { now.timeIntervalSince($0) < windowSeconds }.count } }
}

/// Comparison whose time does not depend on where two secrets differ.
public enum ConstantTime {
    /// Equal strings, compared over their SHA-256 digests' full length (a length difference leaks nothing
    /// either: both sides are hashed first).
    public static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(AccessControl.hash(a).utf8), y = Array(AccessControl.hash(b).utf8)
        return x.count == y.count && zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
