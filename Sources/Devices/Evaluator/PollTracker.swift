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
struct PollTracker: Sendable {
    let polls: [ModbusExchange]
    // By the poll's index in `polls`: a cycle looks each up several times.
    private var last: [Result<ModbusRTU.Response, ModbusMaster.Failure>?]
    private var failures: [Int]
    private var restUntil: [ContinuousClock.Instant?]

    init(polls: [ModbusExchange]) {
        self.polls = polls
        last = Array(repeating: nil, count: polls.count)
        failures = Array(repeating: 0, count: polls.count)
        restUntil = Array(repeating: nil, count: polls.count)
    }

    func due(_ index: Int, now: ContinuousClock.Instant) -> Bool {
        restUntil[index].map { now >= $0 } ?? true
    }

    /// Notes the outcome of poll `index`; true when the driver must see it.
    mutating func record(_ index: Int, _ o: ModbusOutcome, now: ContinuousClock.Instant) -> Bool {
        let news = last[index] != o.result || o.timeoutsRetried > 0 || o.strayBytes > 0
        last[index] = o.result
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
