import Foundation
import GRDB
import HallModel
@testable import Store
import TestSupport
import Testing

/// A child process commits events and prints each acknowledged one; it is SIGKILLed at random moments.
/// After every kill: each acknowledged event is in the log as acknowledged, nothing is duplicated, the
/// file passes integrity_check, and the projections equal a rebuild.
@Suite struct CrashSafetyTests {
    struct Ack: Hashable {
        var seq: Int64
        var kind: String
        var ticket: String
    }

    @Test func sigkillNeverLosesAnAcknowledgedEvent() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let db = dir.path("crash.sqlite")
        let probe = StoreFixture.binDir.appendingPathComponent("counterd-crash-probe")
        try #require(FileManager.default.isExecutableFile(atPath: probe.path), "build the test-only counterd-crash-probe first (swift build --build-tests): \(probe.path)")
        var acked: [Ack] = []
        var rng = SystemRandomNumberGenerator()
        let rounds = 12
        for round in 0..<rounds {
            let out = dir.path("acks-\(round).txt")
            _ = FileManager.default.createFile(atPath: out, contents: nil)
            let delay = UInt32.random(in: 250_000...700_000, using: &rng)
            let killedBySignal = try await offload { () throws -> Bool in
                let p = Process()
                p.executableURL = probe
                p.arguments = ["--database", db]
                p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
                p.standardError = FileHandle.nullDevice
                try p.run()
                usleep(delay)
                kill(p.processIdentifier, SIGKILL)
                p.waitUntilExit()
                return p.terminationReason == .uncaughtSignal
            }
            #expect(killedBySignal)

            let text = try String(contentsOfFile: out, encoding: .utf8)
            for line in text.split(separator: "\n") {
                let f = line.split(separator: " ")
                // The kill can cut the last line short; only whole lines count as acknowledged.
                guard f.count == 4, f[0] == "ack", let seq = Int64(f[1]) else { continue }
                acked.append(Ack(seq: seq, kind: String(f[2]), ticket: String(f[3])))
            }

            let store = try EventStore(path: db)
            #expect(try store.check().isEmpty, "round \(round)")
            let rows = try store.writer.read { db in
                try Row.fetchAll(db, sql: "SELECT seq, kind, COALESCE(ticket, '-') AS ticket FROM events")
            }
            var logged: [Int64: Ack] = [:]
            for r in rows { logged[r["seq"]] = Ack(seq: r["seq"], kind: r["kind"], ticket: r["ticket"]) }
            for a in acked { #expect(logged[a.seq] == a, "acknowledged event \(a.seq) lost or changed in round \(round)") }
            let duplicates = try await store.writer.read { db in
                try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM (SELECT ticket FROM events WHERE kind IN ('ticket_issued', 'ticket_rated', 'ticket_finished')
                    GROUP BY kind, ticket HAVING COUNT(*) > 1)
                    """)!
            }
            #expect(duplicates == 0, "round \(round)")
            let incremental = try store.projectionSnapshot()
            try store.rebuildProjections()
            #expect(try store.projectionSnapshot() == incremental, "round \(round)")
        }
        #expect(Set(acked).count == acked.count)
        #expect(acked.count > 50, "the probe acknowledged too little to prove anything: \(acked.count)")
        print("crash safety: \(rounds) SIGKILLs, \(acked.count) acknowledged events, all present")
    }
}
