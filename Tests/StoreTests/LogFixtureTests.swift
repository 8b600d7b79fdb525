import Foundation
import GRDB
import HallModel
import LogFormat
@testable import Store
import TestSupport
import Testing

/// The log recorded before the typed-event change (`Tests/Fixtures/log/`, every event kind) replays to the
/// same projection rows, reports and hall state, and every stored payload decodes and encodes back to
/// the same bytes.
@Suite struct LogFixtureTests {
    static func expected() throws -> [String: Any] {
        let data = try Data(contentsOf: LogFixture.folder.appendingPathComponent("every-kind.expected.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// Both sides through JSONSerialization, so numbers and key order compare alike.
    static func normalized(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test func replaysToTheRecordedProjectionsReportsAndState() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try LogFixture.load(into: dir.path("fixture.sqlite"))
        try store.rebuildProjections()
        let expected = try Self.expected()

        let tables = try LogFixture.tableRows(store)
        let expectedTables = try #require(expected["tables"] as? [String: Any])
        for (table, _) in LogFixture.tables {
            // Columns added after the recording (v6: cases.citizen_verdict, v8: tickets.project_no) are not in it.
            let now = (tables[table] ?? []).map { row in row.filter { !LogFixture.laterColumns.contains($0.key) } }
            #expect(try Self.normalized(now) == Self.normalized(expectedTables[table] ?? []), "table \(table)")
            #expect((tables[table] ?? []).count > 0, "table \(table) is empty")
        }
        let reports = try LogFixture.reports(store)
        let expectedReports = try #require(expected["reports"] as? [String: String])
        #expect(reports.keys.sorted() == expectedReports.keys.sorted())
        for (name, text) in expectedReports { #expect(reports[name] == text, "report \(name)") }

        let d = JSONDecoder()
        d.dateDecodingStrategy = .millisecondsSince1970
        // The state's fields added after the recording (the estimate's service times, today's used appointments).
        var recorded = try #require(expected["state"] as? [String: Any])
        recorded["serviceTimes"] = [String: Any]()
        recorded["appointmentsUsed"] = [String: Any]()
        let state = try d.decode(HallState.self, from: JSONSerialization.data(withJSONObject: recorded))
        var replayed = try LogFixture.replayedState(store)
        #expect(!replayed.serviceTimes.isEmpty, "the fixture's services give the estimate its times")
        replayed.serviceTimes = [:]
        #expect(replayed == state)
    }

    @Test func everyKindIsInTheLogAndRoundTripsByteForByte() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try LogFixture.load(into: dir.path("fixture.sqlite"))
        let rows = try store.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, kind, ticket, window_no, clerk, category, payload FROM events ORDER BY seq")
        }
        // Every kind there was when the log was recorded; the kinds added since are tested where they belong
        // (the hash chain, the rating flow, the supervisor and setup tests).
        let later: Set<EventKind> = [.chainAnchored, .ratingSkipRefused, .ratingReasonsAdded, .ticketMoved, .noticePosted, .setupChanged, .ticketRequeued,
                                     .ratingReasonsExtended, .caseAssigned]
        #expect(Set(rows.map { $0["kind"] as String }) == Set(EventKind.allCases.filter { !later.contains($0) }.map(\.rawValue)))
        let decoder = EventCoding.decoder(), encoder = EventCoding.encoder()
        for row in rows {
            let payload: String = row["payload"]
            let event = try decoder.decode(EventRecord.self, from: Data(payload.utf8))
            #expect(String(decoding: try encoder.encode(event), as: UTF8.self) == payload, "seq \(row["seq"] as Int64)")
            // The index columns as recorded are what the typed event says about itself.
            #expect(event.event.ticket == row["ticket"] && event.event.window == row["window_no"]
                    && event.event.clerk == row["clerk"] && event.event.category == row["category"], "columns of seq \(row["seq"] as Int64)")
        }
        #expect(try store.check().isEmpty)
    }
}
