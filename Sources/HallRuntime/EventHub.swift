import HallModel
import Synchronization

/// Fans committed events out to live subscribers (event stream clients, device drivers).
///
/// Each subscriber has a bounded buffer. One that falls behind is cut off (its stream finishes) rather
/// than slowing the hall or silently skipping events: it reconnects and replays from the log.
public final class EventHub: Sendable {
    private struct State {
        var next = 0
        var subscribers: [Int: AsyncStream<StoredEvent>.Continuation] = [:]
    }
    private let state = Mutex(State())
    private let bufferLimit: Int

    public init(bufferLimit: Int = 4096) { self.bufferLimit = bufferLimit }

    /// A stream of every event committed from now on.
    public func subscribe() -> AsyncStream<StoredEvent> {
        let (stream, continuation) = AsyncStream<StoredEvent>.makeStream(bufferingPolicy: .bufferingOldest(bufferLimit))
        let id = state.withLock { s in
            s.next += 1
            s.subscribers[s.next] = continuation
            return s.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Delivers events in order. Returns how many subscribers were cut off for being too slow.
    @discardableResult
    public func publish(_ events: [StoredEvent]) -> Int {
        let subscribers = state.withLock { $0.subscribers }
        var dropped = 0
        for (id, c) in subscribers {
            for e in events {
                if case .dropped = c.yield(e) {
                    c.finish()
                    _ = state.withLock { $0.subscribers.removeValue(forKey: id) }
                    dropped += 1
                    break
                }
            }
        }
        return dropped
    }

    public func finishAll() {
        let subscribers = state.withLock { s in
            defer { s.subscribers = [:] }
            return s.subscribers
        }
        for c in subscribers.values { c.finish() }
    }
}
