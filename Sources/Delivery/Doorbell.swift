import HallModel
import HallRuntime
import ServiceLifecycle
import Synchronization

/// Wakes a waiting task early; a ring with nobody waiting is kept for the next wait.
final class Doorbell: Sendable {
    private let clock: any Clock<Duration>

    init(clock: any Clock<Duration> = ContinuousClock()) {
        self.clock = clock
    }

    /// Runs `loop` until graceful shutdown, ringing `bell` for each committed event `wakes` picks.
    static func run(_ bell: Doorbell, ringingOn events: AsyncStream<StoredEvent>, when wakes: @escaping @Sendable (StoredEvent) -> Bool,
                    _ loop: @escaping @Sendable () async -> Void) async {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { for await e in events where wakes(e) { bell.ring() } }
                group.addTask { await loop() }
                await group.next()
                group.cancelAll()
            }
        }
    }

    private let state = Mutex<(rung: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    func ring() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if let w = s.waiter {
                s.waiter = nil
                return w
            }
            s.rung = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns on a ring, after `seconds`, or on cancellation.
    func wait(seconds: Double) async {
        let clock = clock
        let timer = Task { [weak self] in
            try? await clock.sleep(for: .milliseconds(Int(max(0.001, seconds) * 1000)))
            self?.ring()
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if s.rung {
                        s.rung = false
                        return true
                    }
                    s.waiter = c
                    return false
                }
                if now { c.resume() }
            }
        } onCancel: {
            ring()
        }
        // A timer that fired as a ring resumed us leaves one spurious ring: one extra step, harmless.
        timer.cancel()
    }
}
