import Clocks
import Delivery
import Testing
import TestSupport

/// The one retry schedule of the senders (好差评 push, district shipping, alert webhook, reminders), on a test clock.
@Suite struct RetryingTests {
    @Test func pausesDoubleUpToTheMaximumWithinTheirJitter() {
        let b = Backoff(first: 1, max: 60)
        #expect((1...9).map { b.pause(afterFailures: $0, random: 0) } == [1, 2, 4, 8, 16, 32, 60, 60, 60])
        #expect(b.pause(afterFailures: 3, random: -1) == 3.6 && b.pause(afterFailures: 3, random: 1) == 4.4)
        // Nonsense counts do not overflow or go below the first pause.
        #expect(b.pause(afterFailures: 0, random: 0) == 1 && b.pause(afterFailures: Int.max, random: 0) == 60)
        for failures in 1...40 {
            let p = b.pause(afterFailures: failures)
            #expect(p >= 0.9 && p <= 66, "\(failures): \(p)")
        }
    }

    actor Attempts {
        var count = 0
        var results: [AttemptResult]
        init(_ results: [AttemptResult]) { self.results = results }
        func next() -> AttemptResult {
            count += 1
            return results.isEmpty ? .failed : results.removeFirst()
        }
    }

    /// Waits until the series sleeps on `clock` (checkSuspension throws while a sleep is pending).
    static func sleeping(_ clock: TestClock<Duration>) async -> Bool {
        await eventually(10) { (try? await clock.checkSuspension()) == nil }
    }

    @Test func attemptsHappenOnlyAsTheClockAdvances() async throws {
        let clock = TestClock()
        let attempts = Attempts([.failed, .failed, .delivered])
        // No jitter: the pauses are exactly 1 s and 2 s.
        let retrying = Retrying(attempts: 5, backoff: Backoff(first: 1, max: 60, jitter: 0), clock: clock)
        let series = Task { await retrying.run({ _ in await attempts.next() }) }
        #expect(await Self.sleeping(clock))
        #expect(await attempts.count == 1)
        await clock.advance(by: .milliseconds(999))
        #expect(await attempts.count == 1, "the second attempt came before its pause was over")
        await clock.advance(by: .milliseconds(1))
        #expect(await Self.sleeping(clock))
        #expect(await attempts.count == 2)
        await clock.advance(by: .milliseconds(1999))
        #expect(await attempts.count == 2)
        await clock.advance(by: .milliseconds(1))
        #expect(await series.value == .delivered)
        #expect(await attempts.count == 3)
    }

    @Test func aRefusalEndsTheSeriesAndSoDoesTheLastAttempt() async {
        let clock = TestClock()
        let refused = Attempts([.refused])
        #expect(await Retrying(attempts: 5, backoff: Backoff(first: 1, max: 60), clock: clock).run({ _ in await refused.next() }) == .refused)
        #expect(await refused.count == 1)
        let once = Attempts([.failed])
        #expect(await Retrying(attempts: 1, backoff: Backoff(first: 1, max: 60), clock: clock).run({ _ in await once.next() }) == .failed)
        #expect(await once.count == 1)
    }

    @Test func aStopEndsTheSeriesDuringItsPause() async {
        let clock = TestClock()
        let attempts = Attempts([])
        let series = Task { await Retrying(attempts: 100, backoff: Backoff(first: 1, max: 60), clock: clock).run({ _ in await attempts.next() }) }
        #expect(await Self.sleeping(clock))
        series.cancel()
        #expect(await series.value == .failed)
        #expect(await attempts.count == 1)
    }
}
