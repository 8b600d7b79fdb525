import Foundation
import Hummingbird
import Synchronization

/// A request's work on the database, answered within a deadline. After a PostgreSQL restart a query can wait on
/// a row stream that never ends; a handler stuck there kept the HTTP server's drain, and so the district's stop,
/// from ever finishing. The work runs as its own task: at the deadline the request gets a 503 that says so, the
/// work is cancelled and left to end with its connection, and the server can drain.
enum Deadline {
    /// How long a request may wait on the database (a read, or a batch's transaction): well inside the stop's 10 s
    /// grace period.
    static let readSeconds = 8.0

    /// `work`'s result, or a 503 once `seconds` have passed without one.
    static func answered<T: Sendable>(within seconds: Double, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let once = Once<T>()
        return try await withCheckedThrowingContinuation { continuation in
            once.set(continuation)
            let task = Task {
                do { once.resume(.success(try await work())) } catch { once.resume(.failure(error)) }
                // Answered in time: the timer goes too, rather than sleeping out its seconds for every request.
                once.timer.withLock { $0 }?.cancel()
            }
            let timer = Task {
                guard (try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))) != nil else { return }
                if once.resume(.failure(DistrictError(.serviceUnavailable, code: "database_slow", zh: "区级数据库 \(Int(seconds)) 秒内没有回应，请稍后重试", en: "the district database did not answer within \(Int(seconds)) s; try again later"))) {
                    task.cancel()
                }
            }
            once.timer.withLock { $0 = timer }
        }
    }

    /// Resumes a continuation at most once; says whether this call did.
    private final class Once<T: Sendable>: Sendable {
        private let state = Mutex<(continuation: CheckedContinuation<T, any Error>?, done: Bool)>((nil, false))
        /// The deadline's timer, cancelled when the work answers first.
        let timer = Mutex<Task<Void, Never>?>(nil)

        func set(_ c: CheckedContinuation<T, any Error>) {
            state.withLock { $0.continuation = c }
        }

        @discardableResult
        func resume(_ result: Result<T, any Error>) -> Bool {
            let c: CheckedContinuation<T, any Error>? = state.withLock { s in
                guard !s.done, let c = s.continuation else { return nil }
                s.done = true
                s.continuation = nil
                return c
            }
            c?.resume(with: result)
            return c != nil
        }
    }
}
