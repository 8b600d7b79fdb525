import Dispatch

/// Runs the store's synchronous queries (GRDB reads, report aggregations) on a dispatch queue for async callers,
/// so a long report does not hold one of Swift's few cooperative threads while the hall and its devices wait for one.
public enum StoreReads {
    private static let queue = DispatchQueue(label: "counterd.store-reads", qos: .userInitiated, attributes: .concurrent)

    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
