import Codecs
import Testing
@testable import Devices

/// The poll plan, on made-up instants: an urgent unit (its window awaits a rating) is due every cycle, an
/// idle one only once per idle interval after its last poll, and a failing one rests 2 s either way.
@Suite struct PollTrackerTests {
    static func tracker(idle: Duration?) -> PollTracker {
        PollTracker(polls: [1, 2].map { ModbusExchange(request: .readInput(unit: $0, address: 0, count: 2), timeout: .milliseconds(50), retries: 1) },
                    idleInterval: idle)
    }
    static let answer = ModbusOutcome(result: .success(.registers([0, 0])), bytes: [], timeoutsRetried: 0, strayBytes: 0)
    static let silence = ModbusOutcome(result: .failure(.timeout), bytes: [], timeoutsRetried: 1, strayBytes: 0)

    @Test func idleUnitsWaitTheIdleIntervalUrgentOnesDoNot() {
        var t = Self.tracker(idle: .seconds(1))
        let t0 = ContinuousClock.now
        // Never polled: due at once, urgent or not.
        #expect(t.due(0, now: t0, urgent: false) && t.due(1, now: t0, urgent: true))
        #expect(t.nextDue(urgent: { _ in false }) == nil)
        _ = t.record(0, Self.answer, now: t0)
        _ = t.record(1, Self.answer, now: t0)
        #expect(!t.due(0, now: t0 + .milliseconds(999), urgent: false))
        #expect(t.due(0, now: t0 + .seconds(1), urgent: false))
        #expect(t.due(1, now: t0 + .milliseconds(50), urgent: true))
        // Both idle: the line may sleep until the first is due; one urgent: nothing to sleep for.
        #expect(t.nextDue(urgent: { _ in false }) == t0 + .seconds(1))
        #expect(t.nextDue(urgent: { $0 == 2 }) == nil)
    }

    @Test func withoutAnIdleIntervalEveryUnitIsDueEveryCycle() {
        var t = Self.tracker(idle: nil)
        let t0 = ContinuousClock.now
        _ = t.record(0, Self.answer, now: t0)
        #expect(t.due(0, now: t0 + .milliseconds(1), urgent: false))
    }

    @Test func aFailingUnitRestsTwoSecondsEvenWhenUrgent() {
        var t = Self.tracker(idle: .seconds(1))
        let t0 = ContinuousClock.now
        for i in 0..<3 {
            let news = t.record(0, Self.silence, now: t0 + .milliseconds(i))
            #expect(news, "a failure is always news")
        }
        #expect(!t.due(0, now: t0 + .seconds(1), urgent: true))
        #expect(t.due(0, now: t0 + .milliseconds(2002), urgent: true))
        // Its answer again ends the rest, and its news is reported.
        let back = t.record(0, Self.answer, now: t0 + .seconds(3))
        #expect(back, "an answer after failures is news")
        #expect(t.due(0, now: t0 + .seconds(3) + .milliseconds(1), urgent: true))
    }
}
