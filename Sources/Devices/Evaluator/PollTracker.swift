import Codecs

/// A poll's result that the driver must see: an address's first answer, a changed answer, or anything
/// that went wrong. Answers the same as the last are counted, not delivered, so a quiet bus wakes
/// nobody.
struct PollReport: Sendable {
    let request: ModbusRTU.Request
    let outcome: ModbusOutcome
}

/// Which addresses a cycle polls and which answers are news (pure, so both line backends share it).
/// An address that failed three times in a row rests 2 s between polls, so it never starves the others.
/// With an `idleInterval`, an address that is not urgent (no rating awaited at its window) is polled only
/// that often: its press counter keeps a press until it is read, so nothing is lost, and a quiet hall's
/// lines cost a tenth of the CPU (issue 18).
struct PollTracker: Sendable {
    let polls: [ModbusExchange]
    let idleInterval: Duration?
    // By the poll's index in `polls`: a cycle looks each up several times.
    private var last: [Result<ModbusRTU.Response, ModbusMaster.Failure>?]
    private var failures: [Int]
    private var restUntil: [ContinuousClock.Instant?]
    private var polledAt: [ContinuousClock.Instant?]

    init(polls: [ModbusExchange], idleInterval: Duration? = nil) {
        self.polls = polls
        self.idleInterval = idleInterval
        last = Array(repeating: nil, count: polls.count)
        failures = Array(repeating: 0, count: polls.count)
        restUntil = Array(repeating: nil, count: polls.count)
        polledAt = Array(repeating: nil, count: polls.count)
    }

    /// Whether poll `index` runs in a cycle at `now`; `urgent`: its window awaits a rating.
    func due(_ index: Int, now: ContinuousClock.Instant, urgent: Bool = true) -> Bool {
        earliest(index, urgent: urgent).map { now >= $0 } ?? true
    }

    /// When poll `index` is next due; nil: at once.
    private func earliest(_ index: Int, urgent: Bool) -> ContinuousClock.Instant? {
        var at = restUntil[index]
        if !urgent, let idleInterval, let polled = polledAt[index] { at = max(at ?? polled, polled + idleInterval) }
        return at
    }

    /// The earliest moment any poll is due (nil: one is due now), for the line to sleep until then.
    func nextDue(urgent: (UInt8) -> Bool) -> ContinuousClock.Instant? {
        var soonest: ContinuousClock.Instant?
        for index in polls.indices {
            guard let at = earliest(index, urgent: urgent(polls[index].request.unit)) else { return nil }
            soonest = min(soonest ?? at, at)
        }
        return soonest
    }

    /// Notes the outcome of poll `index`; true when the driver must see it.
    mutating func record(_ index: Int, _ o: ModbusOutcome, now: ContinuousClock.Instant) -> Bool {
        let news = last[index] != o.result || o.timeoutsRetried > 0 || o.strayBytes > 0
        last[index] = o.result
        polledAt[index] = now
        switch o.result {
        case .success:
            failures[index] = 0
            restUntil[index] = nil
            return news
        case .failure:
            failures[index] += 1
            if failures[index] >= 3 { restUntil[index] = now + .seconds(2) }
            return true
        }
    }
}
