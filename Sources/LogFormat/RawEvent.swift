import Foundation

/// One event as the log stores it, for shipping: the exact payload bytes and the row's chain hash, so the
/// receiver can check the chain without re-encoding anything.
public struct RawEvent: Codable, Sendable, Equatable {
    public var seq: Int64
    /// The stored UTF-8 JSON of the event.
    public var payload: String
    /// The row's link in the hash chain, hex; nil for rows from before the chain (v5).
    public var hash: String?

    public init(seq: Int64, payload: String, hash: String?) {
        self.seq = seq
        self.payload = payload
        self.hash = hash
    }
}
