import Dispatch

/// Runs blocking work (process waits, sleeps, poll) on a dispatch queue, never on the few threads of the
/// Swift concurrency pool that the code under test needs. Assertions stay in the caller.
func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { c in
        DispatchQueue.global().async { c.resume(with: Result { try work() }) }
    }
}
