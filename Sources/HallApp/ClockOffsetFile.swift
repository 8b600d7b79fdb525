import Foundation
import Synchronization

/// `--clock-offset-file`: seconds to add to the system clock, from a file a test rewrites to step the
/// daemon's wall clock while its monotonic clock runs on. Read at most every 50 ms.
final class ClockOffsetFile: Sendable {
    let path: String
    private let cached = Mutex<(value: TimeInterval, readAt: ContinuousClock.Instant?)>((0, nil))

    init(_ path: String) { self.path = path }

    var seconds: TimeInterval {
        cached.withLock { c in
            let now = ContinuousClock.now
            if let at = c.readAt, now - at < .milliseconds(50) { return c.value }
            let text = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            c = (TimeInterval(text) ?? c.value, now)
            return c.value
        }
    }
}
