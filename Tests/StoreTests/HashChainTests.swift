import Foundation
import GRDB
import HallModel
import LogFormat
@testable import Store
import TestSupport
import Testing

/// The log nobody can edit unseen: every row chained to the one before; an edit, a deletion, an insertion
/// or a swap made with plain SQL (triggers dropped, as `sqlite3` lets anyone do) is found, at its seq.
@Suite struct HashChainTests {
    /// The recorded three-day log (64 events) in a fresh, chained database, plus its path.
    static func chained(_ dir: TempDir) throws -> (EventStore, String) {
        let path = dir.path("chain.sqlite")
        return (try LogFixture.load(into: path), path)
    }

    /// What a person with sqlite3 does: drop the append-only triggers, then change rows.
    static func tamper(_ store: EventStore, _ sql: String, _ arguments: StatementArguments = []) throws {
        try store.writer.write { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete")
            try db.execute(sql: sql, arguments: arguments)
        }
    }

    @Test func anIntactLogVerifiesAndNewEventsChainOn() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (store, _) = try Self.chained(dir)
        let before = try store.verifyChain()
        #expect(before.intact && before.checked == 64 && before.lastSeq == 64 && before.dayAnchors.count == 3)
        let e = EventRecord(at: Date(timeIntervalSince1970: 1_795_600_000), day: "2026-11-26", source: "test",
                            .alertRaised(AlertChange(alert: "long_wait:x", reason: "long_wait", note: "测试")))
        _ = try store.claimAppender().appendNow([e, e])
        let after = try store.verifyChain()
        #expect(after.intact && after.lastSeq == 66)
        // The chain is the documented one: anyone can recompute it from the rows.
        let rows = try store.writer.read { try Row.fetchAll($0, sql: "SELECT seq, payload, hash FROM events ORDER BY seq") }
        var h = HashChain.genesis
        for row in rows { h = HashChain.link(h, row["seq"], row["payload"]) }
        #expect(HashChain.hex(h) == after.lastHash && Array(rows.last!["hash"] as Data) == h)
        #expect(after.dayAnchors["2026-11-26"] == after.lastHash)
        // From a day: the check starts at that day's first row.
        let fromDay = try store.verifyChain(from: "2026-11-25")
        #expect(fromDay.intact && fromDay.checked < 66 && fromDay.lastSeq == 66)
    }

    @Test func anEditedPayloadIsFoundAtItsSeq() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (store, _) = try Self.chained(dir)
        // A 不满意 becomes 非常满意 (level 2 → 5) in the payload of one rating.
        let seq = try #require(try store.writer.read { try Int64.fetchOne($0, sql: "SELECT MIN(seq) FROM events WHERE kind = 'ticket_rated'") })
        try Self.tamper(store, "UPDATE events SET payload = replace(payload, '\"level\":', '\"level\":5,\"x\":') WHERE seq = ?", [seq])
        let r = try store.verifyChain()
        #expect(!r.intact && r.brokenAt == seq)
    }

    @Test func anEditedIndexColumnIsFound() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (store, _) = try Self.chained(dir)
        try Self.tamper(store, "UPDATE events SET window_no = 3 WHERE seq = 20 AND window_no IS NOT NULL")
        let r = try store.verifyChain()
        #expect(!r.intact && r.brokenAt == 20, "\(r)")
    }

    @Test func aDeletedRowIsFound() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (store, _) = try Self.chained(dir)
        try Self.tamper(store, "DELETE FROM events WHERE seq = 30")
        let r = try store.verifyChain()
        #expect(!r.intact && r.brokenAt == 30 && r.reason?.contains("deleted") == true)
        // The last row deleted too: the rest chains, but the day anchor sent out no longer matches.
        let dir2 = try TempDir()
        defer { dir2.remove() }
        let (other, _) = try Self.chained(dir2)
        let anchor = try other.verifyChain().lastHash
        try Self.tamper(other, "DELETE FROM events WHERE seq = 64")
        let shorter = try other.verifyChain()
        #expect(shorter.intact && shorter.lastHash != anchor)
    }

    @Test func anInsertedRowIsFound() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (store, _) = try Self.chained(dir)
        // A copy of a rating appended at the end, with no hash and with a made-up one.
        try Self.tamper(store, "INSERT INTO events (seq, at_ms, day, kind, ticket, window_no, clerk, category, payload) SELECT 65, at_ms, day, kind, ticket, window_no, clerk, category, payload FROM events WHERE seq = (SELECT MIN(seq) FROM events WHERE kind = 'ticket_rated')")
        #expect(try store.verifyChain().brokenAt == 65)
        try Self.tamper(store, "UPDATE events SET hash = randomblob(32) WHERE seq = 65")
        #expect(try store.verifyChain().brokenAt == 65)
        // Renumbered into the middle (rows after it shifted up by one): found where it went in.
        let dir2 = try TempDir()
        defer { dir2.remove() }
        let (other, _) = try Self.chained(dir2)
        try Self.tamper(other, "UPDATE events SET seq = seq + 1000 WHERE seq >= 40")
        try Self.tamper(other, "UPDATE events SET seq = seq - 999 WHERE seq >= 1040")
        try Self.tamper(other, "INSERT INTO events (seq, at_ms, day, kind, ticket, window_no, clerk, category, payload, hash) SELECT 40, at_ms, day, kind, ticket, window_no, clerk, category, payload, hash FROM events WHERE seq = 39")
        #expect(try other.verifyChain().brokenAt == 40)
    }

    @Test func swappedRowsAreFound() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (store, _) = try Self.chained(dir)
        // Two rows' contents swapped, hashes and all (their seqs stay): the earlier one breaks.
        try Self.tamper(store, """
            UPDATE events SET seq = -1 WHERE seq = 41; UPDATE events SET seq = 41 WHERE seq = 42; UPDATE events SET seq = 42 WHERE seq = -1
            """)
        #expect(try store.verifyChain().brokenAt == 41)
    }

    /// A database kept before the chain: the migration adds an anchor event over the old rows, and an edit of
    /// an old row still shows, as a break in the rows before the chain.
    @Test func anOlderLogIsAnchoredWhenMigrated() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.path("old.sqlite")
        let old = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(old, upTo: "v4-cases")
        let text = try String(contentsOf: LogFixture.folder.appendingPathComponent("every-kind.jsonl"), encoding: .utf8)
        try old.write { db in
            for line in text.split(separator: "\n") {
                let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                try db.execute(sql: """
                    INSERT INTO events (seq, at_ms, day, kind, ticket, window_no, clerk, category, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [o["seq"] as? Int64, o["at_ms"] as? Int64, o["day"] as? String, o["kind"] as? String, o["ticket"] as? String,
                                     o["window_no"] as? Int, o["clerk"] as? String, o["category"] as? String, o["payload"] as? String])
            }
        }
        try old.close()
        let store = try EventStore(path: path)
        let anchor = try #require(try store.events(after: 64).first)
        guard case .chainAnchored(let a) = anchor.record.event else {
            Issue.record("no anchor event after the migration: \(anchor)")
            return
        }
        #expect(anchor.seq == 65 && a.coversSeq == 64 && anchor.record.day == "2026-12-01")
        // The frozen JSON of the migration is exactly what the event coding writes.
        let stored = try store.writer.read { try String.fetchOne($0, sql: "SELECT payload FROM events WHERE seq = 65") }
        #expect(String(decoding: try EventCoding.encoder().encode(anchor.record), as: UTF8.self) == stored)
        let r = try store.verifyChain()
        #expect(r.intact && r.checked == 65, "\(r)")
        try Self.tamper(store, "UPDATE events SET payload = replace(payload, 'script', 'scrxpt') WHERE seq = 10")
        let broken = try store.verifyChain()
        #expect(!broken.intact && broken.brokenAt == 1 && broken.reason?.contains("1–64") == true, "\(broken)")
    }
}
