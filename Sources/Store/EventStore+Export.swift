import Foundation
import GRDB
import HallModel
import LogFormat

extension EventStore {
    /// The events of business days [from, to] lie between two day_started events; finding those through
    /// the (kind, seq) index keeps an export of one week of a ten-year log from scanning all of it.
    /// Returns the seq range (after, through], or nil when the log has nothing in those days.
    public func eventRange(fromDay from: String, toDay to: String) throws -> (after: Int64, through: Int64)? {
        try writer.read { db in
            let starts = try Row.fetchAll(db, sql: "SELECT seq, day FROM events WHERE kind = 'day_started' ORDER BY seq")
            guard let first = starts.first(where: { ($0["day"] as String) >= from }) else { return nil }
            let firstSeq: Int64 = first["seq"]
            let end = starts.first { ($0["day"] as String) > to }
            let last: Int64 = try end.map { $0["seq"] as Int64 - 1 } ?? Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM events") ?? 0
            return last >= firstSeq ? (firstSeq - 1, last) : nil
        }
    }

    /// Raw log rows in (after, through], in batches: seq, the time in ms, and the event's stored JSON.
    public func forEachEventRow(after: Int64, through: Int64, batch: Int = 5_000,
                                _ body: ([(seq: Int64, atMs: Int64, json: String, hash: String?)]) throws -> Void) throws {
        var cursor = after
        while cursor < through {
            let rows = try writer.read { db in
                try Row.fetchAll(db, sql: "SELECT seq, at_ms, payload, hash FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
                                 arguments: [cursor, through, batch])
            }
            guard let last = rows.last else { return }
            try body(rows.map { (seq: $0["seq"], atMs: $0["at_ms"], json: $0["payload"], hash: ($0["hash"] as Data?).map { HashChain.hex(Array($0)) }) })
            cursor = last["seq"]
        }
    }

    public func ticketCount(fromDay from: String, toDay to: String) throws -> Int {
        try writer.read { db in
            try TicketRecord.filter(Column("day") >= from && Column("day") <= to).fetchCount(db)
        }
    }

    /// Tickets of business days [from, to] in issue order, in batches.
    public func forEachTicket(fromDay from: String, toDay to: String, batch: Int = 5_000, _ body: ([TicketRecord]) throws -> Void) throws {
        var offset = 0
        while true {
            let rows = try writer.read { db in
                try TicketRecord.filter(Column("day") >= from && Column("day") <= to)
                    .order(Column("day"), Column("issued_at_ms"), Column("id")).limit(batch, offset: offset).fetchAll(db)
            }
            if rows.isEmpty { return }
            try body(rows)
            offset += rows.count
        }
    }
}

extension EventStore {
    /// One count of ratings given with one 评价指标 code.

    /// Ratings per reason code and key (window number, clerk id or category code) for served days [from, to],
    /// most frequent first within each key.
    public func reasonCounts(scope: String, fromDay from: String, toDay to: String) throws -> [ReasonCount] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT key, code, level, SUM(count) AS n FROM reason_stats WHERE scope = ? AND day >= ? AND day <= ?
                GROUP BY key, code, level ORDER BY key, n DESC, code
                """, arguments: [scope, from, to]).map { ReasonCount(key: $0["key"], code: $0["code"], level: $0["level"], count: $0["n"]) }
        }
    }
}
