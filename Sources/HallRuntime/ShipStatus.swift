import Foundation
import Synchronization

/// How the shipping of the log to the district stands (`counterctl status`, metrics).
public struct ShipStatus: Codable, Sendable, Equatable {
    public var url: String
    public var hallId: String
    /// The highest seq the district acknowledged.
    public var acked: Int64
    /// The log's last seq.
    public var last: Int64
    public var lagEvents: Int64
    /// Age of the oldest event the district does not hold yet.
    public var lagSeconds: Double?
    public var lastSuccessAt: Date?
    /// Since when every attempt failed (nil while shipping works).
    public var offlineSince: Date?
    /// credential_refused, unreachable, server_error, gap, chain_broken.
    public var problem: String?
    public var message: String?

    public init(url: String, hallId: String, acked: Int64 = 0, last: Int64 = 0) {
        self.url = url
        self.hallId = hallId
        self.acked = acked
        self.last = last
        lagEvents = max(0, last - acked)
    }
}

/// The shipper's latest status, shared with the status file.
public final class ShipHealth: Sendable {
    private let state: Mutex<ShipStatus>
    public init(_ s: ShipStatus) { state = Mutex(s) }
    public var status: ShipStatus { state.withLock { $0 } }
    public func update(_ f: (inout ShipStatus) -> Void) { state.withLock { f(&$0) } }
}
