/// Who sends what next on one shared display bus (RS-485 line). A pure state machine; time comes in as
/// seconds on any monotonic clock.
///
/// Rules: at most one frame per `gap`; a call goes before idle text and before refreshes; among equals,
/// the screen served longest ago goes first (so several screens share the line fairly); only the newest
/// content per screen is kept, so a screen never shows an older call after a newer one; a frame that is
/// not acknowledged is retried at most `retries` times, after which the screen counts as dead and is
/// tried again only every `deadRetrySeconds`, taking no turns from the others meanwhile.
public struct DisplayScheduler: Sendable {
    public enum Priority: Int, Sendable, Comparable {
        case refresh = 0, idle = 1, call = 2
        public static func < (a: Priority, b: Priority) -> Bool { a.rawValue < b.rawValue }
    }

    public struct Job: Sendable, Equatable {
        public var address: UInt8
        public var frame: DisplayFrame
        public var priority: Priority
        public var sequence: UInt64
        var attempts = 0
    }

    struct Screen {
        var pending: Job?
        var inFlight: Job?
        var shown: Job?
        var lastSentAt: Double?
        var dead = false
        var retryAt: Double?
    }

    public let gap: Double
    public let retries: Int
    public let refreshSeconds: Double
    public let deadRetrySeconds: Double
    private var screens: [UInt8: Screen] = [:]
    private var lastFrameAt: Double?
    private var sequence: UInt64 = 0

    public init(gap: Double, retries: Int = 2, refreshSeconds: Double = 60, deadRetrySeconds: Double = 5) {
        self.gap = gap
        self.retries = retries
        self.refreshSeconds = refreshSeconds
        self.deadRetrySeconds = deadRetrySeconds
    }

    /// Queues `frame` for `address`, replacing whatever was queued for it: the newest content wins.
    @discardableResult
    public mutating func submit(_ frame: DisplayFrame, to address: UInt8, priority: Priority) -> UInt64 {
        sequence += 1
        screens[address, default: Screen()].pending = Job(address: address, frame: frame, priority: priority, sequence: sequence)
        return sequence
    }

    /// The next frame to send at `now`, or nil when the gap has not passed or nothing is due.
    public mutating func next(now: Double) -> Job? {
        if let last = lastFrameAt, now < last + gap { return nil }
        refresh(now: now)
        let due = screens.filter { _, s in
            guard s.pending != nil, s.inFlight == nil else { return false }
            return !s.dead || now >= (s.retryAt ?? 0)
        }
        guard let (address, _) = due.max(by: { a, b in
            let (pa, pb) = (a.value.pending!.priority, b.value.pending!.priority)
            if pa != pb { return pa < pb }
            // Served longer ago (or never) wins; then the lower address, for a stable order.
            let (ta, tb) = (a.value.lastSentAt ?? -.infinity, b.value.lastSentAt ?? -.infinity)
            if ta != tb { return ta > tb }
            return a.key > b.key
        }) else { return nil }
        var screen = screens[address]!
        var job = screen.pending!
        job.attempts += 1
        screen.pending = nil
        screen.inFlight = job
        screen.lastSentAt = now
        screens[address] = screen
        lastFrameAt = now
        return job
    }

    /// Reports how sending `job` went, at `now`: when its last byte left the line. The gap before the next
    /// frame is a silence on the wire, so it counts from here, not from when the frame was handed out.
    /// Returns true when the screen has just been declared dead.
    @discardableResult
    public mutating func completed(_ job: Job, ok: Bool, now: Double) -> Bool {
        lastFrameAt = max(lastFrameAt ?? now, now)
        guard var screen = screens[job.address], screen.inFlight?.sequence == job.sequence else { return false }
        screen.inFlight = nil
        var died = false
        if ok {
            screen.shown = job
            screen.dead = false
            screen.retryAt = nil
        } else if screen.pending == nil {
            // Retry the same content unless something newer is already waiting.
            var again = job
            if job.attempts >= retries {
                died = !screen.dead
                screen.dead = true
                screen.retryAt = now + deadRetrySeconds
                again.attempts = 0
            }
            screen.pending = again
        } else if job.attempts >= retries {
            died = !screen.dead
            screen.dead = true
            screen.retryAt = now + deadRetrySeconds
        }
        screens[job.address] = screen
        return died
    }

    /// Screens that stopped answering.
    public var deadScreens: [UInt8] { screens.filter { $0.value.dead }.map(\.key).sorted() }

    /// When `next` may next have something, for sleeping until then; nil when nothing is queued.
    public func wake(now: Double) -> Double? {
        let earliest = lastFrameAt.map { $0 + gap } ?? now
        var times: [Double] = []
        for s in screens.values where s.inFlight == nil {
            if s.pending != nil { times.append(s.dead ? max(earliest, s.retryAt ?? now) : earliest) }
            if s.pending == nil, s.shown != nil, let sent = s.lastSentAt { times.append(max(earliest, sent + refreshSeconds)) }
        }
        return times.min()
    }

    /// Queues a resend of what each screen shows once `refreshSeconds` have passed since its last frame.
    private mutating func refresh(now: Double) {
        for (address, s) in screens where s.pending == nil && s.inFlight == nil && !s.dead {
            guard let shown = s.shown, let sent = s.lastSentAt, now >= sent + refreshSeconds else { continue }
            sequence += 1
            screens[address]?.pending = Job(address: address, frame: shown.frame, priority: .refresh, sequence: sequence)
        }
    }
}
