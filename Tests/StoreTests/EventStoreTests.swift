import Foundation
import GRDB
import HallModel
@testable import Store
import Testing

@Suite struct EventStoreTests {
    @Test func appendAssignsGapFreeSequencesAndRoundTrips() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try EventStore(path: dir.path("a.sqlite"))
        let e = EventRecord(at: StoreFixture.nine, day: "2026-11-23", .ticketIssued(TicketIssued(
            ticket: "2026-11-23/A001", number: "A001", category: "hukou", priority: false, issuedAt: StoreFixture.nine, sequence: 1)))
        let f = EventRecord(at: StoreFixture.nine.addingTimeInterval(1.234), day: "2026-11-23", .ratingIgnored(RatingIgnored(
            window: 3, level: .dissatisfied, reason: .nothingAwaited)))
        let stored = try await store.claimAppender().append([e, f])
        #expect(stored.map(\.seq) == [1, 2])
        let more = try await store.claimAppender().append([f])
        #expect(more.map(\.seq) == [3])
        let back = try store.events(after: 0)
        #expect(back.map(\.seq) == [1, 2, 3])
        #expect(back[0].record == e && back[1].record == f)
        #expect(try store.check().isEmpty)
        let ticket = try #require(try store.ticket("2026-11-23/A001"))
        #expect(ticket.status == .waiting && ticket.number == "A001")
        // WAL mode and FULL sync by default.
        let (mode, sync) = try await store.writer.write { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode")!, try Int.fetchOne(db, sql: "PRAGMA synchronous")!)
        }
        #expect(mode == "wal" && sync == 2)
        #expect(try store.synchronousLevel() == 2)
        let normal = try EventStore(path: dir.path("n.sqlite"), sync: .normal)
        #expect(try normal.synchronousLevel() == 1)
    }

    @Test func theLogRefusesEditsAndDeletes() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try EventStore(path: dir.path("a.sqlite"))
        _ = try store.claimAppender().appendNow([Self.dayStarted])
        #expect(throws: DatabaseError.self) { try store.writer.write { try $0.execute(sql: "DELETE FROM events") } }
        #expect(throws: DatabaseError.self) { try store.writer.write { try $0.execute(sql: "UPDATE events SET kind = 'x'") } }
        #expect(try store.lastSeq() == 1)
    }

    @Test func garbageInTheLogIsReportedNotCrashed() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try EventStore(path: dir.path("a.sqlite"))
        try store.writer.write { db in
            try db.execute(sql: "INSERT INTO events (seq, at_ms, day, kind, payload) VALUES (1, 0, 'x', 'x', '{not json')")
        }
        #expect(throws: StoreError.self) { try store.events(after: 0) }
    }

    /// An event this version cannot read names its seq, its kind and the field; it is never skipped.
    @Test func anUndecodableEventIsNamedBySeqKindAndField() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try EventStore(path: dir.path("a.sqlite"))
        _ = try store.claimAppender().appendNow([Self.dayStarted])
        try store.writer.write { db in
            try db.execute(sql: """
                INSERT INTO events (seq, at_ms, day, kind, payload) VALUES
                (2, 0, '2026-11-23', 'ticket_called', '{"at":0,"day":"2026-11-23","kind":"ticket_called","window":1}')
                """)
        }
        do {
            _ = try store.events(after: 0)
            Issue.record("an undecodable event was read")
        } catch let error as StoreError {
            let text = error.description
            #expect(text.contains("seq 2") && text.contains("ticket_called") && text.contains("is missing"), "\(text)")
        }
        #expect(throws: StoreError.self) { try store.eventsSinceLastDayStart() }
    }

    static let dayStarted = EventRecord(at: StoreFixture.nine, day: "2026-11-23", .dayStarted(DayStarted(expired: [], carried: [])))

    @Test func migrationsAreIdempotentAcrossReopen() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        do {
            let store = try EventStore(path: dir.path("a.sqlite"))
            _ = try store.claimAppender().appendNow([Self.dayStarted])
        }
        let again = try EventStore(path: dir.path("a.sqlite"))
        #expect(try again.lastSeq() == 1)
        let applied = try again.writer.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier") }
        #expect(applied == ["v1-event-log", "v1-projections", "v2-month-stats", "v3-secrets", "v4-cases", "v5-hash-chain", "v6-case-verdict", "v7-reason-stats", "v8-platform-outbox", "v9-ship-cursor", "v10-ticket-details", "v11-rating-details"].sorted())
    }
}
