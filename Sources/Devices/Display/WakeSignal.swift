import Synchronization

/// Wakes one waiting task early, or lets its wait time out: how a driver loop sleeps until either new
/// work arrives or its next deadline passes.
final class WakeSignal: Sendable {
    private struct State {
        var raised = false
        var waiter: CheckedContinuation<Void, Never>?
        var generation = 0
        /// The current wait's timeout, cancelled when the wait ends early (one timer less per wake).
        var timer: Task<Void, Never>?
    }
    private let state = Mutex(State())

    func raise() {
        let (waiter, timer) = state.withLock { s -> (CheckedContinuation<Void, Never>?, Task<Void, Never>?) in
            if let w = s.waiter {
                s.waiter = nil
                defer { s.timer = nil }
                return (w, s.timer)
            }
            s.raised = true
            return (nil, nil)
        }
        timer?.cancel()
        waiter?.resume()
    }

    /// Returns when raised (at once if it was raised since the last wait) or after `seconds`, timed by
    /// `sleep` (the driver's clock).
    func wait(seconds: Double, sleep: @escaping @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) }) async {
        if state.withLock({ s in defer { s.raised = false }; return s.raised }) { return }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let generation = state.withLock { s -> Int? in
                if s.raised {
                    s.raised = false
                    return nil
                }
                s.generation += 1
                s.waiter = c
                return s.generation
            }
            guard let generation else { return c.resume() }
            let timer = Task { [self] in
                await sleep(.microseconds(Int(max(0, seconds) * 1_000_000)))
                if Task.isCancelled { return }
                let expired = state.withLock { s -> CheckedContinuation<Void, Never>? in
                    guard s.generation == generation, let w = s.waiter else { return nil }
                    s.waiter = nil
                    s.timer = nil
                    return w
                }
                expired?.resume()
            }
            state.withLock { s in if s.generation == generation && s.waiter != nil { s.timer = timer } }
        }
    }
}
