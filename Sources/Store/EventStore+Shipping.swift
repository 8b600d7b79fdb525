import Foundation
import GRDB
import HallModel
import LogFormat

extension EventStore {
    /// Rows with seq > `after`, oldest first, as stored.
    public func rawEvents(after: Int64, limit: Int) throws -> [RawEvent] {
        try reader.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, payload, hash FROM events WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [after, limit]).map { row in
                let hash: Data? = row["hash"]
                return RawEvent(seq: row["seq"], payload: row["payload"], hash: hash.map { HashChain.hex(Array($0)) })
            }
        }
    }

    /// The highest seq `name` (e.g. "district") acknowledged; 0 when it acknowledged none.
    public func shipCursor(_ name: String) throws -> Int64 {
        try reader.read { db in try Int64.fetchOne(db, sql: "SELECT seq FROM ship_cursor WHERE name = ?", arguments: [name]) ?? 0 }
    }

    /// Moves the cursor forward (never back: an older answer arriving late changes nothing).
    public func setShipCursor(_ name: String, to seq: Int64, at: Date) throws {
        try writer.write { db in
            try db.execute(sql: """
                INSERT INTO ship_cursor (name, seq, updated_at_ms) VALUES (?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET seq = MAX(seq, excluded.seq), updated_at_ms = excluded.updated_at_ms
                """, arguments: [name, seq, EventCoding.ms(at)])
        }
    }

    /// Sets the cursor to what the upstream says it holds, back or forward (its answer to a gap).
    public func resetShipCursor(_ name: String, to seq: Int64, at: Date) throws {
        try writer.write { db in
            try db.execute(sql: """
                INSERT INTO ship_cursor (name, seq, updated_at_ms) VALUES (?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, updated_at_ms = excluded.updated_at_ms
                """, arguments: [name, seq, EventCoding.ms(at)])
        }
    }
}
