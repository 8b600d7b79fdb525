import Crypto
import Foundation

/// The event log's hash chain: each row's `hash = SHA-256(previous row's hash ‖ seq as 8 bytes big-endian ‖
/// the payload's stored UTF-8 bytes)`, from 32 zero bytes at the first row (or from the anchor event's
/// digest on a log kept before the chain existed). Anyone with `sqlite3` and SHA-256 can check it; a rewrite
/// of the whole chain shows against the day anchors published outside the hall.
public enum HashChain {
    public static let genesis = [UInt8](repeating: 0, count: 32)

    public static func link(_ previous: [UInt8], _ seq: Int64, _ payload: String) -> [UInt8] {
        var h = SHA256()
        h.update(data: previous)
        h.update(data: (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: seq) >> (56 - 8 * $0)) })
        h.update(data: Array(payload.utf8))
        return Array(h.finalize())
    }

    /// Lower-case hex. By table, not String(format:): the district runs it twice per shipped event.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: bytes.count * 2)
        for (i, b) in bytes.enumerated() {
            out[2 * i] = digits[Int(b >> 4)]
            out[2 * i + 1] = digits[Int(b & 0x0F)]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// What `counterctl verify` found.
    public struct Report: Sendable, Codable, Equatable {
        public var intact: Bool
        /// Rows checked.
        public var checked: Int
        /// The first seq where the chain breaks, and why.
        public var brokenAt: Int64?
        public var reason: String?
        public var lastSeq: Int64
        /// The hash of the last row checked, in hex.
        public var lastHash: String?
        /// Each business day's last hash (its anchor), in hex, for the days checked.
        public var dayAnchors: [String: String]

        public init(intact: Bool, checked: Int, brokenAt: Int64? = nil, reason: String? = nil, lastSeq: Int64, lastHash: String? = nil,
                    dayAnchors: [String: String]) {
            self.intact = intact
            self.checked = checked
            self.brokenAt = brokenAt
            self.reason = reason
            self.lastSeq = lastSeq
            self.lastHash = lastHash
            self.dayAnchors = dayAnchors
        }
    }
}
