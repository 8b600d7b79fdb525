import Foundation
import HallModel

/// A batch of a hall's log on the wire to the district, in either of two bodies:
///
/// - `application/json`: `{"hall_id", "last", "setup", "events": [{"seq", "payload", "hash"}]}` — each
///   payload a JSON string inside the JSON (escaped).
/// - `text/x-counterd-log` (what counterd sends): the line `counterd-log 1`, then the same header object
///   without `events` on one line, then one line per event: `seq TAB hash TAB payload`, the payload's
///   stored bytes as they are (compact JSON never holds a raw tab or newline; `-` for a row without hash).
///   Nothing is escaped twice, so both ends skip a JSON pass over every payload.
public struct LogBatch: Sendable, Equatable {
    public var hallId: String?
    /// The hall's own highest seq when it sent the batch.
    public var last: Int64?
    public var setup: ReportSetup?
    public var events: [RawEvent]

    public static let lineContentType = "text/x-counterd-log; charset=utf-8"
    static let magic = "counterd-log 1"

    public init(hallId: String?, last: Int64?, setup: ReportSetup?, events: [RawEvent]) {
        self.hallId = hallId
        self.last = last
        self.setup = setup
        self.events = events
    }

    struct Header: Codable {
        var hallId: String?
        var last: Int64?
        var setup: ReportSetup?
        var events: [RawEvent]?
        enum CodingKeys: String, CodingKey { case hallId = "hall_id", last, setup, events }
    }

    /// The line body.
    public func lines() throws -> [UInt8] {
        var out = Array(Self.magic.utf8)
        out.append(0x0A)
        out += try WireCoding.plainEncoder().encode(Header(hallId: hallId, last: last, setup: setup, events: nil))
        out.append(0x0A)
        for e in events {
            out += Array(String(e.seq).utf8)
            out.append(0x09)
            out += Array((e.hash ?? "-").utf8)
            out.append(0x09)
            out += Array(e.payload.utf8)
            out.append(0x0A)
        }
        return out
    }

    /// What is wrong with a body that is not a batch.
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads either body; `lineFormat` from the request's content type.
    public static func parse(_ body: [UInt8], lineFormat: Bool) throws(Invalid) -> LogBatch {
        guard lineFormat else {
            guard let h = try? WireCoding.plainDecoder().decode(Header.self, from: Data(body)), let events = h.events else {
                throw Invalid(description: "not a JSON batch ({\"events\": [{\"seq\", \"payload\", \"hash\"}]})")
            }
            return LogBatch(hallId: h.hallId, last: h.last, setup: h.setup, events: events)
        }
        var lines = body.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard lines.count >= 2, String(decoding: lines[0], as: UTF8.self) == magic else {
            throw Invalid(description: "the first line is not \"\(magic)\"")
        }
        guard let h = try? WireCoding.plainDecoder().decode(Header.self, from: Data(lines[1])) else {
            throw Invalid(description: "line 2 is not the batch header (a JSON object)")
        }
        var events: [RawEvent] = []
        events.reserveCapacity(lines.count - 2)
        for (n, line) in lines.dropFirst(2).enumerated() {
            guard let t1 = line.firstIndex(of: 0x09), let t2 = line[(t1 + 1)...].firstIndex(of: 0x09),
                  let seq = Int64(String(decoding: line[..<t1], as: UTF8.self)) else {
                throw Invalid(description: "line \(n + 3) is not seq TAB hash TAB payload")
            }
            let hash = String(decoding: line[(t1 + 1)..<t2], as: UTF8.self)
            events.append(RawEvent(seq: seq, payload: String(decoding: line[(t2 + 1)...], as: UTF8.self), hash: hash == "-" ? nil : hash))
        }
        return LogBatch(hallId: h.hallId, last: h.last, setup: h.setup, events: events)
    }
}
