import Synchronization

/// Where the time of a command goes, stage by stage: a diagnostic the benchmark switches on
/// (`counterd-bench --only keypress --stages`). Each stage marks the monotonic time under a key (the
/// window); off, a mark costs one relaxed atomic load.
public final class StageTrace: Sendable {
    public static let shared = StageTrace()

    public struct Mark: Sendable {
        public var stage: String
        public var key: Int
        public var at: ContinuousClock.Instant
    }

    private let on = Atomic<Bool>(false)
    private let marks = Mutex<[Mark]>([])

    public var enabled: Bool {
        get { on.load(ordering: .relaxed) }
        set { on.store(newValue, ordering: .relaxed) }
    }

    @inline(__always)
    public func mark(_ stage: String, _ key: Int?) {
        guard on.load(ordering: .relaxed), let key else { return }
        let now = ContinuousClock.now
        marks.withLock { $0.append(Mark(stage: stage, key: key, at: now)) }
    }

    /// The marks so far, oldest first; the trace is empty afterwards.
    public func take() -> [Mark] { marks.withLock { m in defer { m = [] }; return m } }
}
