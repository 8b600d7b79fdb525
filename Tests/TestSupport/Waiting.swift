import Dispatch
import Foundation

/// Polls `condition` until it holds or `timeout` seconds pass; true if it held. Tests wait on what they
/// expect, never for a fixed time.
public func eventually(_ timeout: Double = 5, _ condition: () async -> Bool) async -> Bool {
    let end = Date().addingTimeInterval(timeout)
    while Date() < end {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}

/// Runs blocking work (process waits, sleeps, poll) on a dispatch queue, never on the few threads of the
/// Swift concurrency pool that the code under test needs. Assertions stay in the caller.
public func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { c in
        DispatchQueue.global().async { c.resume(with: Result { try work() }) }
    }
}
