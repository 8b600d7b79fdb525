import Foundation

/// The pause between attempts of every sender (好差评 push, district shipping, alert webhook, reminders): it doubles
/// from `first` up to `max`, with ±10 % jitter so halls that failed together do not retry together.
public struct Backoff: Sendable, Equatable {
    public var first: Double
    public var max: Double
    public var jitter: Double

    public init(first: Double, max: Double, jitter: Double = 0.1) {
        self.first = first
        self.max = max
        self.jitter = jitter
    }

    /// Seconds to wait after `failures` failures in a row (1: the first pause).
    public func pause(afterFailures failures: Int, random: Double = Double.random(in: -1...1)) -> Double {
        let doubled = first * pow(2, Double(Swift.min(Swift.max(failures, 1) - 1, 30)))
        return Swift.min(max, doubled) * (1 + jitter * random)
    }
}

/// What one attempt came to.
public enum AttemptResult: Sendable, Equatable {
    case delivered
    /// Worth another attempt (no answer, a 5xx …).
    case failed
    /// Another attempt cannot help (a refused credential, a refused record).
    case refused
}

/// A bounded series of attempts, `backoff` apart, on an injected clock: what the webhook and the reminders
/// do with one message. A stop (cancellation) ends the series between attempts.
public struct Retrying: Sendable {
    public var attempts: Int
    public var backoff: Backoff
    public var clock: any Clock<Duration>

    public init(attempts: Int, backoff: Backoff, clock: any Clock<Duration> = ContinuousClock()) {
        self.attempts = attempts
        self.backoff = backoff
        self.clock = clock
    }

    /// Runs `attempt` (given its number, from 1) until it is delivered or refused, or `attempts` are used up;
    /// `retrying` is told of each pause before it is slept. Returns the last result.
    public func run(isolation: isolated (any Actor)? = #isolation, _ attempt: (Int) async -> AttemptResult,
                    retrying: (Int, Double) -> Void = { _, _ in }) async -> AttemptResult {
        var result = AttemptResult.failed
        for n in 1...Swift.max(1, attempts) {
            result = await attempt(n)
            guard result == .failed, n < attempts, !Task.isCancelled else { return result }
            let pause = backoff.pause(afterFailures: n)
            retrying(n, pause)
            do { try await clock.sleep(for: .milliseconds(Int(pause * 1000))) } catch { return result }
        }
        return result
    }
}
