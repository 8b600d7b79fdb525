import Foundation
import Synchronization

/// Wrong passwords, counted per login name: the first `free` failures within `windowSeconds` cost nothing
/// more than bcrypt's own time; after that each further try must wait, twice as long each time (from
/// `baseDelay` up to `maxDelay`), so a password cannot be guessed by trying many. Time is passed in.
public final class LoginThrottle: Sendable {
    public let free: Int
    public let windowSeconds: Double
    public let baseDelay: Double
    public let maxDelay: Double
    private let failures = Mutex<[String: [Date]]>([:])
    public static let pruneAbove = 10_000

    /// Login names with failures held (for tests and metrics).
    public var tracked: Int { failures.withLock { $0.count } }

    public init(free: Int = 5, windowSeconds: Double = 900, baseDelay: Double = 30, maxDelay: Double = 900) {
        self.free = free
        self.windowSeconds = windowSeconds
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// Seconds until `login` may try again; nil when it may now.
    public func wait(login: String, now: Date) -> Double? {
        failures.withLock { f in
            let recent = Self.recent(f[login.lowercased()], now: now, window: windowSeconds)
            guard recent.count >= free, let last = recent.last else { return nil }
            let delay = min(maxDelay, baseDelay * pow(2, Double(recent.count - free)))
            let left = delay - now.timeIntervalSince(last)
            return left > 0 ? left.rounded(.up) : nil
        }
    }

    /// Notes a wrong password; returns the failures counted in the window.
    @discardableResult
    public func failed(login: String, now: Date) -> Int {
        failures.withLock { f in
            var recent = Self.recent(f[login.lowercased()], now: now, window: windowSeconds)
            recent.append(now)
            f[login.lowercased()] = recent
            // Many names tried once (guessing logins) must not grow the table for ever: past a bound, the
            // names with no failure left in the window go.
            if f.count > Self.pruneAbove {
                f = f.filter { _, dates in dates.contains { now.timeIntervalSince($0) < windowSeconds } }
            }
            return recent.count
        }
    }

    public func succeeded(login: String) { failures.withLock { $0[login.lowercased()] = nil } }

    private static func recent(_ dates: [Date]?, now: Date, window: Double) -> [Date] {
        (dates ?? []).filter { now.timeIntervalSince($0) < window }
    }
}
