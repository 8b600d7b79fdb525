import Foundation
import Synchronization

/// Wrong PINs, counted per window: after `limit` wrong tries within `window` seconds, sign-in at that
/// window is refused for `lockSeconds`, so a PIN cannot be guessed by trying them all at the counter.
public final class PINGuard: Sendable {
    public let limit: Int
    public let windowSeconds: Double
    public let lockSeconds: Double
    private let failures = Mutex<[Int: [Date]]>([:])

    public init(limit: Int = 5, windowSeconds: Double = 600, lockSeconds: Double = 300) {
        self.limit = limit
        self.windowSeconds = windowSeconds
        self.lockSeconds = lockSeconds
    }

    /// Seconds until window `w` may try again; nil when it may now.
    public func locked(window w: Int, now: Date) -> Double? {
        failures.withLock { f in
            let recent = (f[w] ?? []).filter { now.timeIntervalSince($0) < windowSeconds }
            f[w] = recent
            guard recent.count >= limit, let last = recent.last else { return nil }
            let left = lockSeconds - now.timeIntervalSince(last)
            return left > 0 ? left : nil
        }
    }

    /// Notes a wrong PIN; returns the tries left before the lock.
    public func failed(window w: Int, now: Date) -> Int {
        failures.withLock { f in
            var recent = (f[w] ?? []).filter { now.timeIntervalSince($0) < windowSeconds }
            recent.append(now)
            f[w] = recent
            return max(0, limit - recent.count)
        }
    }

    public func succeeded(window w: Int) { failures.withLock { $0[w] = nil } }
}
