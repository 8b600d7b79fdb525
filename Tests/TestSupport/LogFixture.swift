import Exports
import Foundation
import GRDB
import HallModel
import HallRuntime
import LogFormat
import Store

/// The recorded log under `Tests/Fixtures/log/`: its rows exactly as stored, and what the code made of it
/// when it was recorded (projection rows, reports, the replayed hall state).
public enum LogFixture {
    public static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/log")
    /// Projection columns added after the fixture was recorded.
    public static let laterColumns: Set<String> = ["citizen_verdict", "project_no", "priority_reason", "appointment", "estimated_wait_seconds",
                                                    "rating_reasons", "rating_comment", "rating_phone", "reasons", "comment", "phone",
                                                    "assignee", "assignee_due_day", "assigned_by", "assigned_at_ms"]
    public static let tables = [
        ("tickets", "id"), ("cases", "id"), ("day_stats", "scope, day, key"), ("month_stats", "scope, day, key"),
    ]
    /// The hall the fixture was recorded in (StoreTests' `StoreFixture.setup`).
    public static let setup = HallSetup(
        name: "测试大厅",
        categories: [
            ServiceCategory(code: "hukou", name: "户籍", prefix: "A"),
            ServiceCategory(code: "social", name: "社保", prefix: "B"),
            ServiceCategory(code: "tax", name: "税务", prefix: "C"),
        ],
        windows: [
            ServiceWindow(number: 1, name: "1号窗口", categories: ["hukou", "social"]),
            ServiceWindow(number: 2, name: "2号窗口", categories: ["social", "hukou"]),
            ServiceWindow(number: 3, name: "3号窗口", categories: ["tax"]),
        ],
        clerks: [Clerk(id: "c1", name: "张敏"), Clerk(id: "c2", name: "李娜"), Clerk(id: "c3", name: "王强")])
    public static let reportRanges = [("2026-11-01", "2026-12-31"), ("2026-11-23", "2026-11-24"), ("2026-12-01", "2026-12-01")]

    /// One JSON object per line: every column of the `events` row, the payload as its stored text.
    public static func dumpEvents(_ store: EventStore) throws -> Data {
        let rows = try store.reader.read { db in try Row.fetchAll(db, sql: "SELECT * FROM events ORDER BY seq") }
        var out = Data()
        for row in rows {
            out.append(try JSONSerialization.data(withJSONObject: json(row), options: [.sortedKeys, .withoutEscapingSlashes]))
            out.append(0x0A)
        }
        return out
    }

    /// The fixture's rows inserted as they are (no re-encoding), into a fresh store at `path`.
    /// Runs SQL on the store's file the way a person with `sqlite3` would (the tamper tests).
    public static func tamper(_ store: EventStore, _ sql: String) throws {
        try sqlite(store).write { db in try db.execute(sql: sql) }
    }

    /// A second connection to the store's file, as `sqlite3` would open it: the store keeps its writer to
    /// itself, and a release build has no `@testable` to reach it.
    public static func sqlite(_ store: EventStore) throws -> DatabaseQueue {
        var config = Configuration()
        config.busyMode = .timeout(10)
        return try DatabaseQueue(path: store.path, configuration: config)
    }

    public static func load(into path: String) throws -> EventStore {
        let store = try EventStore(path: path)
        let text = try String(contentsOf: folder.appendingPathComponent("every-kind.jsonl"), encoding: .utf8)
        try sqlite(store).write { db in
            // Chained as counterd would have written them (the recording predates the chain).
            var previous = HashChain.genesis
            for line in text.split(separator: "\n") {
                let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                func v(_ k: String) -> (any DatabaseValueConvertible)? {
                    switch o[k] {
                    case let n as NSNumber: n.int64Value
                    case let s as String: s
                    default: nil
                    }
                }
                previous = HashChain.link(previous, (o["seq"] as! NSNumber).int64Value, o["payload"] as! String)
                try db.execute(sql: """
                    INSERT INTO events (seq, at_ms, day, kind, ticket, window_no, clerk, category, payload, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [v("seq"), v("at_ms"), v("day"), v("kind"), v("ticket"), v("window_no"),
                                     v("clerk"), v("category"), v("payload"), Data(previous)])
            }
        }
        return store
    }

    /// Appends one row to `events` as given, bypassing the store's encoder: a payload this version
    /// may not be able to read.
    public static func insertRaw(_ store: EventStore, seq: Int64, kind: String, payload: String) throws {
        try sqlite(store).write { db in
            try db.execute(sql: "INSERT INTO events (seq, at_ms, day, kind, payload) VALUES (?, 0, '', ?, ?)",
                           arguments: [seq, kind, payload])
        }
    }

    /// Projection rows, reports and the replayed state, as one JSON document.
    public static func expected(_ store: EventStore) throws -> Data {
        var doc: [String: Any] = ["tables": try tableRows(store), "reports": try reports(store)]
        doc["state"] = try JSONSerialization.jsonObject(with: try stateJSON(store))
        return try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
    }

    public static func tableRows(_ store: EventStore) throws -> [String: [[String: Any]]] {
        try store.reader.read { db in
            var out: [String: [[String: Any]]] = [:]
            for (table, order) in tables {
                out[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY \(order)").map(json)
            }
            return out
        }
    }

    public static func reports(_ store: EventStore) throws -> [String: String] {
        let reports = Reports(store: store, setup: setup)
        var out: [String: String] = [:]
        for scope in StatsScope.allCases {
            for (from, to) in reportRanges {
                out["\(scope.rawValue) \(from)..\(to)"] = try ReportFormatter.render(reports.rows(scope, from: from, to: to), format: .json)
            }
        }
        return out
    }

    /// The hall state folded from the whole log.
    public static func replayedState(_ store: EventStore) throws -> HallState {
        var state = HallState(setup: setup)
        for e in try store.events(after: 0, limit: Int.max) { state.apply(e.record) }
        return state
    }

    public static func stateJSON(_ store: EventStore) throws -> Data {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .millisecondsSince1970
        e.outputFormatting = [.sortedKeys]
        return try e.encode(try replayedState(store))
    }

    public static func json(_ row: Row) -> [String: Any] {
        var o: [String: Any] = [:]
        for (column, value) in row {
            switch value.storage {
            case .null: o[column] = NSNull()
            case .int64(let i): o[column] = i
            case .double(let d): o[column] = d
            case .string(let s): o[column] = s
            case .blob(let b): o[column] = b.map { String(format: "%02x", $0) }.joined()
            }
        }
        return o
    }
}
