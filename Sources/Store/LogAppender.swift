import GRDB
import HallModel

/// Appends events to the log and updates the projections in one transaction: what the Hall holds and nothing else
/// does (`EventStore.claimAppender`). Giving it up (its last reference gone) lets the next owner claim it.
public final class LogAppender: Sendable {
    /// Another appender of this store is out: only one part of the process may append.
    public struct Claimed: Error, CustomStringConvertible {
        public var description: String { "the log already has its appender (the Hall holds it): nothing else may append" }
    }

    private let store: EventStore

    init(store: EventStore) {
        self.store = store
    }

    deinit { store.releaseAppender() }

    /// Appends `events`; returns them with their sequence numbers once the transaction is committed.
    public func append(_ events: [EventRecord]) async throws -> [StoredEvent] {
        guard !events.isEmpty else { return [] }
        return try await store.writer.write { db in
            let trace = StageTrace.shared.enabled
            if trace { for e in events { StageTrace.shared.mark("writer queue starts the transaction", e.event.window) } }
            let stored = try EventStore.append(events, in: db)
            if trace { for e in events { StageTrace.shared.mark("rows written, commit next", e.event.window) } }
            return stored
        }
    }

    /// Synchronous `append`, for tools and benchmarks that load a log before any hall runs.
    public func appendNow(_ events: [EventRecord]) throws -> [StoredEvent] {
        guard !events.isEmpty else { return [] }
        return try store.writer.write { db in try EventStore.append(events, in: db) }
    }
}
