import Foundation
import HallModel
import LogFormat
import Store
import TestSupport
import Testing
@testable import District

/// The pure parts of the district's ingest: which events it decodes, the envelope scan that spares the
/// rest a decode, the wire batch, and the month partitions' bounds.
@Suite struct DistrictProjectionTests {
    /// Every stored row of the recorded every-kind log, and a reasons attachment (newer than the recording).
    static func rows() throws -> [RawEvent] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("district-fixture-\(UUID().uuidString).sqlite").path
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        let store = try LogFixture.load(into: path)
        var rows = try store.rawEvents(after: 0, limit: 100_000)
        let reasons = EventRecord(at: Date(timeIntervalSince1970: 1_795_000_000), day: "2026-11-19", .ratingReasonsAdded(RatingReasonsAdded(
            window: 2, ticket: "2026-11-19/A001", number: "A001", clerk: "c1", category: "a", servedDay: "2026-11-19", level: .dissatisfied,
            reasons: ["213"], comment: "等了\t很久\n\"太慢\"")))
        rows.append(RawEvent(seq: Int64(rows.count + 1), payload: String(decoding: try EventCoding.encoder().encode(reasons), as: UTF8.self), hash: nil))
        return rows
    }

    @Test func everyKindThatChangesAFigureIsDecoded() throws {
        let decoder = EventCoding.decoder()
        var seen = Set<String>()
        for row in try Self.rows() {
            let r = try decoder.decode(EventRecord.self, from: Data(row.payload.utf8))
            seen.insert(r.kind.rawValue)
            var p = DistrictProjection()
            p.add(r)
            let changes = !p.stats.isEmpty || !p.reasons.isEmpty || !p.cases.isEmpty
            #expect(!changes || DistrictProjection.projects(r.kind.rawValue), "\(r.kind) changes a projection but is not decoded")
        }
        #expect(seen.count >= 25, "the fixture covers \(seen.count) kinds")
    }

    @Test func theEnvelopeScanAgreesWithTheDecoder() throws {
        let decoder = EventCoding.decoder()
        for row in try Self.rows() {
            let r = try decoder.decode(EventRecord.self, from: Data(row.payload.utf8))
            #expect(EnvelopeScanner.scan(row.payload) == .init(kind: r.kind.rawValue, day: r.day, atMs: EventCoding.ms(r.at)), "\(row.payload)")
        }
        // Other spellings of the same object: spaces, other key orders, a "kind" nested deeper.
        #expect(EnvelopeScanner.scan(#" { "x" : {"kind":"no"}, "kind" : "ticket_called", "at": 12 ,"day":"2026-01-02"} "#)
                == .init(kind: "ticket_called", day: "2026-01-02", atMs: 12))
        #expect(EnvelopeScanner.scan(#"{"a":["}",{"kind":"x"}],"day":"2026-01-02","at":-5,"kind":"k"}"#) == .init(kind: "k", day: "2026-01-02", atMs: -5))
    }

    /// Every prefix, and bytes flipped one at a time: a scan never crashes and never invents an envelope
    /// from a cut-off payload.
    @Test func garbageGetsNoEnvelope() throws {
        let payload = try Self.rows().last!.payload
        let bytes = Array(payload.utf8)
        for n in 0..<bytes.count {
            #expect(EnvelopeScanner.scan(String(decoding: bytes[..<n], as: UTF8.self)) == nil, "prefix of \(n) bytes")
        }
        for (i, b) in bytes.enumerated() {
            var mangled = bytes
            mangled[i] = b ^ 0x5A
            _ = EnvelopeScanner.scan(String(decoding: mangled, as: UTF8.self))
        }
        for text in ["", "[]", "{", "{\"kind\":1,\"day\":\"d\",\"at\":1}", "{\"kind\":\"k\",\"day\":\"d\",\"at\":1.5}", "{\"k\\u0069nd\":\"k\"}", "null"] {
            #expect(EnvelopeScanner.scan(text) == nil, "\(text)")
        }
    }

    @Test func theLineBatchCarriesPayloadsAsStored() throws {
        let rows = try Self.rows()
        let setup = ReportSetup(hallName: "大厅", timeZone: "Asia/Shanghai", scoreWeights: [20, 40, 60, 80, 100], names: ["category": ["A": "户籍"]])
        let batch = LogBatch(hallId: "h1", last: 99, setup: setup, events: rows)
        let body = try batch.lines()
        #expect(try LogBatch.parse(body, lineFormat: true) == batch)
        // The JSON form says the same.
        struct Wire: Encodable { var hall_id = "h1"; var last = 99; var setup: ReportSetup; var events: [RawEvent] }
        #expect(try LogBatch.parse(Array(try JSONEncoder().encode(Wire(setup: setup, events: rows))), lineFormat: false) == batch)
        // A cut body is refused or yields whole rows only, never a changed one.
        for cut in stride(from: 0, to: body.count, by: 97) {
            if let part = try? LogBatch.parse(Array(body[..<cut]), lineFormat: true) {
                for e in part.events.dropLast() { #expect(rows.contains(e)) }
            }
        }
        for bad in ["", "counterd-log 2\n{}\n", "counterd-log 1\nnot json\n", "counterd-log 1\n{}\nx\ty\n", "counterd-log 1\n{}\n1\tno second tab\n"] {
            #expect(throws: LogBatch.Invalid.self) { try LogBatch.parse(Array(bad.utf8), lineFormat: true) }
        }
        #expect(throws: LogBatch.Invalid.self) { try LogBatch.parse(Array("{\"events\": 3}".utf8), lineFormat: false) }
    }

    @Test func monthPartitionsBound() {
        #expect(DistrictStore.monthBounds("2026-12").map { "\($0.0)…\($0.1 ?? "max")" } == "2026-12-01…2027-01-01")
        #expect(DistrictStore.monthBounds("2026-01").map { "\($0.0)…\($0.1 ?? "max")" } == "2026-01-01…2026-02-01")
        #expect(DistrictStore.monthBounds("0001-03").map { "\($0.0)…\($0.1 ?? "max")" } == "0001-03-01…0001-04-01")
        #expect(DistrictStore.monthBounds("9999-12").map { "\($0.0)…\($0.1 ?? "max")" } == "9999-12-01…max")
        for bad in ["2026-13", "2026", "x-01", "2026-1-1", "99999-01", "2026-00"] { #expect(DistrictStore.monthBounds(bad) == nil, "\(bad)") }
    }
}
