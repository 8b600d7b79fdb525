import Foundation
import GRDB
import HallModel
@testable import Store
import Testing

/// Ticket, rating and case states are enums in the records with the same stored strings; a row holding a value none
/// of them names (a hand edit, a newer version's state) is an error the caller sees, never a crash or a silent default.
@Suite struct RecordStateTests {
    @Test func theStoredStringsAreTheEnumsRawValues() async throws {
        #expect(TicketRecordStatus.allCases.map(\.rawValue) == ["waiting", "called", "parked", "served", "no_show", "expired"])
        #expect(RatingRecordState.allCases.map(\.rawValue) == ["awaiting", "rated", "not_rated"])
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try EventStore(path: dir.path("s.sqlite"))
        _ = try await store.claimAppender().append([EventRecord(at: StoreFixture.nine, day: "2026-11-23", .ticketIssued(TicketIssued(
            ticket: "2026-11-23/A001", number: "A001", category: "hukou", priority: false, issuedAt: StoreFixture.nine, sequence: 1)))])
        let raw = try await store.writer.read { db in try String.fetchOne(db, sql: "SELECT status FROM tickets") }
        let ticket = try store.ticket("2026-11-23/A001")
        #expect(raw == "waiting" && ticket?.status == .waiting)
    }

    @Test func aStateNoEnumNamesIsAnErrorNotACrash() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try EventStore(path: dir.path("s.sqlite"))
        _ = try await store.claimAppender().append([EventRecord(at: StoreFixture.nine, day: "2026-11-23", .ticketIssued(TicketIssued(
            ticket: "2026-11-23/A001", number: "A001", category: "hukou", priority: false, issuedAt: StoreFixture.nine, sequence: 1)))])
        try await store.writer.write { db in try db.execute(sql: "UPDATE tickets SET status = 'teleported'") }
        #expect(throws: (any Error).self) { try store.ticket("2026-11-23/A001") }
    }
}
