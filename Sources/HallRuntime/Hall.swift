import Foundation
import HallModel
import Logging
import Metrics
import Store

/// Why `Hall.execute` did not complete a command.
public enum HallError: Error, Sendable {
    /// The command is not valid in the current state (or names something unknown). Nothing changed.
    case rejected(Rejection)
    /// The events could not be committed. Nothing was acknowledged; the hall reloaded its state from the log.
    case storage(String)
}

/// The one writer of the hall: serialises every command, decides it with the pure engine, commits the
/// events, and only then publishes them. Commands that arrive while a commit is in flight are decided
/// against the state that includes the pending events and committed together (group commit).
public actor Hall {
    public private(set) var setup: HallSetup
    public private(set) var engine: HallEngine
    public private(set) var state: HallState {
        didSet { clock.hallChanged(busy: state.hasOpenService, lastEventAt: nil) }
    }
    public nonisolated let hub: EventHub
    public nonisolated let store: EventStore
    private let appender: LogAppender
    /// The hall's time, for the edges that need it without a hop into the actor (sessions, the audit record).
    public nonisolated let clock: any HallClock
    private var lastCheckpoint = ContinuousClock.now
    private let logger: Logger

    private struct Pending {
        var events: [EventRecord]
        var continuation: CheckedContinuation<[StoredEvent], any Error>
    }
    private var pending: [Pending] = []
    private var committing = false
    /// `drain` callers, resumed when the commit loop has nothing left.
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    private var lastSeq: Int64

    private let commitTimer = Metrics.Timer(label: "counterd_commit_seconds")
    private let commitBatch = Recorder(label: "counterd_commit_batch_events")

    /// Opens the hall on a store, rebuilding the live state from the log since the last day start.
    public init(setup: HallSetup, store: EventStore, clock: any HallClock, hub: EventHub = EventHub(),
                logger: Logger = Logger(label: "counterd.hall")) throws {
        self.setup = setup
        self.engine = HallEngine(setup: setup)
        self.store = store
        // The log's one appender: held here for the Hall's life, so nothing else in the process appends.
        self.appender = try store.claimAppender()
        self.clock = clock
        self.hub = hub
        self.logger = logger
        let events = try store.eventsSinceLastDayStart()
        var state = HallState(setup: setup)
        for e in events { state.apply(e.record) }
        state.adopt(setup)
        self.state = state
        self.lastSeq = try store.lastSeq()
        clock.hallChanged(busy: state.hasOpenService, lastEventAt: events.last?.record.at)
        if !events.isEmpty {
            logger.info("hall state restored from the log", metadata: [
                "events": "\(events.count)", "day": "\(state.day)", "waiting": "\(state.waiting.count)"])
        }
    }

    /// Runs a command. Returns its events once they are committed; throws `HallError` otherwise.
    /// A rejected command leaves everything unchanged.
    @discardableResult
    public func execute(_ command: HallCommand, source: String = "api") async throws(HallError) -> [StoredEvent] {
        StageTrace.shared.mark("hall actor runs the command", command.window)
        var command = command
        if case .caseAction(let id, let action, let manager, _) = command {
            // A case lives for days, in the store rather than in `state`: it is looked up here, with nothing of
            // ours still uncommitted, so two identical steps sent at once cannot both pass the state check.
            // No suspension between the lookup and the enqueue below keeps the two together.
            while committing || !pending.isEmpty { await drain() }
            do {
                command = .caseAction(case: id, action: action, manager: manager, current: try store.badRatingCase(id)?.model)
            } catch {
                throw .storage("\(error)")
            }
        }
        let now = clock.now()
        var events: [EventRecord]
        do {
            events = try engine.decide(state, command, now: now)
        } catch {
            Counter(label: "counterd_commands_rejected_total", dimensions: [("command", command.name), ("reason", error.code)]).increment()
            logger.notice("command rejected", metadata: ["command": "\(command.name)", "window": "\(command.window.map(String.init) ?? "-")",
                                                         "reason": "\(error.code)", "source": "\(source)"])
            throw .rejected(error)
        }
        guard !events.isEmpty else { return [] }
        for i in events.indices where events[i].source == nil { events[i].source = source }
        for e in events { state.apply(e) }
        do {
            return try await withCheckedThrowingContinuation { continuation in
                pending.append(Pending(events: events, continuation: continuation))
                if !committing {
                    committing = true
                    Task { await self.commitLoop() }
                }
            }
        } catch let error as HallError {
            throw error
        } catch {
            throw .storage("\(error)")
        }
    }

    /// Runs housekeeping (rating timeouts, the midnight reset) if any is due.
    public func tick() async throws(HallError) {
        try await execute(.tick, source: "clock")
    }

    /// When `tick` next has work to do.
    public func nextDeadline() -> Date {
        state.nextDeadline(calendar: engine.calendar, now: clock.now())
    }

    /// Ticks until cancelled: at the next deadline, and at least once a second, waiting on `timer`.
    public func runClock(timer: some Clock<Duration> = ContinuousClock()) async {
        while !Task.isCancelled {
            let wait = min(1.0, max(0.01, nextDeadline().timeIntervalSince(clock.now())))
            try? await timer.sleep(for: .milliseconds(Int(wait * 1000)))
            if Task.isCancelled { break }
            do { try await tick() } catch {
                logger.error("housekeeping failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// The hall's time now: no hop into the actor (the clock is its own).
    public nonisolated var now: Date { clock.now() }

    /// Setup, state and time at one moment: one actor hop, so an answer built from them never mixes moments.
    public func snapshot() -> (setup: HallSetup, state: HallState, now: Date) { (setup, state, clock.now()) }

    /// Adopts a new setup (a reloaded config) without touching the queue: new windows start closed,
    /// renamed clerks and categories show their new names, and rules apply from the next command.
    /// Refused, with every reason, when it would strand a ticket or a signed-in clerk; nothing changes then.
    public func reconfigure(_ newSetup: HallSetup) -> SetupChange {
        let change = SetupChange(from: setup, to: newSetup, state: state)
        guard change.conflicts.isEmpty else { return change }
        setup = newSetup
        engine = HallEngine(setup: newSetup)
        state.adopt(newSetup)
        return change
    }

    /// Waits until every decided command is committed (or failed): the last step of a graceful stop.
    public func drain() async {
        guard committing || !pending.isEmpty else { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    // MARK: Commit

    private func commitLoop() async {
        while true {
            await commitPending()
            // Idle: the WAL checkpoint, at most once a second, here rather than inside a commit; commands that
            // arrive meanwhile are committed next.
            guard ContinuousClock.now - lastCheckpoint >= .seconds(1) else { break }
            lastCheckpoint = .now
            await store.checkpoint()
            if pending.isEmpty { break }
        }
        committing = false
        let waiters = idleWaiters
        idleWaiters = []
        for w in waiters { w.resume() }
    }

    private func commitPending() async {
        while !pending.isEmpty {
            let batch = pending
            pending = []
            let events = batch.flatMap(\.events)
            let start = ContinuousClock.now
            if StageTrace.shared.enabled {
                StageTrace.shared.mark("commit batch", events.count)
                for e in events { StageTrace.shared.mark("commit starts", e.event.window) }
            }
            do {
                let stored = try await appender.append(events)
                if StageTrace.shared.enabled { for e in events { StageTrace.shared.mark("commit done (fsync)", e.event.window) } }
                commitTimer.recordNanoseconds((ContinuousClock.now - start).nanoseconds)
                commitBatch.record(events.count)
                lastSeq = stored.last?.seq ?? lastSeq
                clock.hallChanged(busy: state.hasOpenService, lastEventAt: stored.last?.record.at)
                var offset = 0
                for p in batch {
                    let mine = Array(stored[offset..<offset + p.events.count])
                    offset += p.events.count
                    p.continuation.resume(returning: mine)
                }
                for e in events { HallMetrics.record(e.event) }
                // Effects only after the commit: subscribers never see an event that could be lost.
                let cut = hub.publish(stored)
                if cut > 0 {
                    logger.warning("slow event subscribers cut off", metadata: ["count": "\(cut)"])
                }
            } catch {
                logger.critical("commit failed; reloading hall state from the log", metadata: ["error": "\(error)"])
                Counter(label: "counterd_commit_failures_total").increment()
                // Everything decided after the failed batch built on it: fail those too.
                let failed = batch + pending
                pending = []
                reload()
                for p in failed { p.continuation.resume(throwing: HallError.storage("\(error)")) }
            }
        }
    }

    private func reload() {
        do {
            var s = HallState(setup: setup)
            for e in try store.eventsSinceLastDayStart() { s.apply(e.record) }
            s.adopt(setup)
            state = s
            lastSeq = try store.lastSeq()
        } catch {
            logger.critical("cannot reload hall state from the log", metadata: ["error": "\(error)"])
        }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (s, atto) = components
        return s * 1_000_000_000 + atto / 1_000_000_000
    }
}
