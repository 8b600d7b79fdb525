import Foundation
import GRDB
@testable import Store
import TestSupport
import Testing

/// Frozen migrations still do what they did when they shipped.
@Suite struct MigrationTests {
    /// v2-month-stats rolls a v1 database's day_stats up with its own code: the months it writes equal the
    /// rollup the live projector keeps for the same days (the recorded log's).
    @Test func v2RollupEqualsTheLiveRollup() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let live = try LogFixture.load(into: dir.path("live.sqlite"))
        try live.rebuildProjections()
        let old = try DatabaseQueue(path: dir.path("v1.sqlite"))
        try Migrations.migrator.migrate(old, upTo: "v1-projections")
        let days = try live.reader.read { try Row.fetchAll($0, sql: "SELECT * FROM day_stats") }
        try old.write { db in
            for row in days {
                let columns = Array(row.columnNames)
                try db.execute(sql: "INSERT INTO day_stats (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))",
                               arguments: StatementArguments(Array(row.databaseValues)))
            }
        }
        try Migrations.migrator.migrate(old, upTo: "v2-month-stats")
        let sql = "SELECT * FROM month_stats ORDER BY scope, day, key"
        let expected = try live.reader.read { try Row.fetchAll($0, sql: sql) }.map(LogFixture.json)
        let rolled = try old.read { try Row.fetchAll($0, sql: sql) }.map(LogFixture.json)
        #expect(rolled.count == expected.count && rolled.count > 10)
        let encode = { (o: [[String: Any]]) in try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]) }
        #expect(try encode(rolled) == encode(expected))
    }
}
