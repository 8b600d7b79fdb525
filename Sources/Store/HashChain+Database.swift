import Foundation
import GRDB
import HallModel
import LogFormat

/// The chain's checks against the log's rows (the chain itself is `LogFormat`'s, shared with the district).
extension HashChain {
    /// Walks the log from the first event of day `from` (or the start), checking every row's hash, that no
    /// seq is missing, that the index columns say what the payload says, and any anchor's digest.
    static func verify(_ db: Database, from: String? = nil) throws -> Report {
        var report = Report(intact: true, checked: 0, lastSeq: 0, dayAnchors: [:])
        func broken(_ seq: Int64, _ why: String) -> Report {
            report.intact = false
            report.brokenAt = seq
            report.reason = why
            return report
        }
        var previous = genesis
        var expected: Int64 = 1
        if let from {
            guard let first = try Int64.fetchOne(db, sql: "SELECT MIN(seq) FROM events WHERE day >= ?", arguments: [from]) else {
                return report
            }
            expected = first
            if first > 1 {
                // Trust the stored hash of the row before the range: a check from a day, not from the start.
                guard let before = try Row.fetchOne(db, sql: "SELECT hash FROM events WHERE seq = ?", arguments: [first - 1]),
                      let hash = before[0] as Data? else {
                    return broken(first - 1, "the row before \(from) has no hash; check from the start (without --from)")
                }
                previous = Array(hash)
            }
        }
        // Rows kept before the chain existed carry no hash; an anchor event must follow them.
        var unhashedFrom: Int64?
        let decoder = EventCoding.decoder()
        let rows = try Row.fetchCursor(db, sql: """
            SELECT seq, at_ms, day, kind, ticket, window_no, clerk, category, payload, hash FROM events
            WHERE seq >= ? ORDER BY seq
            """, arguments: [expected])
        while let row = try rows.next() {
            let seq: Int64 = row["seq"]
            if seq != expected {
                return broken(expected, seq > expected ? "seq \(expected) is missing: a row was deleted" : "seq \(seq) is out of order")
            }
            let payload: String = row["payload"]
            let computed = link(previous, seq, payload)
            let record: EventRecord
            do { record = try decoder.decode(EventRecord.self, from: Data(payload.utf8)) } catch {
                return broken(seq, "the payload is not an event this version can read: \(error)")
            }
            let e = record.event
            let at: Int64 = row["at_ms"], day: String = row["day"], kind: String = row["kind"]
            let ticket: String? = row["ticket"], window: Int? = row["window_no"], clerk: String? = row["clerk"], category: String? = row["category"]
            if at != EventCoding.ms(record.at) || day != record.day || kind != e.kind.rawValue || ticket != e.ticket
                || window != e.window || clerk != e.clerk || category != e.category {
                return broken(seq, "the row's columns (time, day, kind, ticket, window, clerk, category) differ from its payload: the row was edited")
            }
            if let hash = row["hash"] as Data? {
                if case .chainAnchored(let anchor) = e {
                    guard unhashedFrom != nil || seq == 1 || anchor.coversSeq == seq - 1 else {
                        return broken(seq, "an anchor event in the middle of the chain: a row was inserted")
                    }
                    if anchor.coversSeq != seq - 1 || anchor.digest != hex(previous) {
                        return broken(unhashedFrom ?? seq, "the rows before the chain began (seq 1–\(anchor.coversSeq)) do not match the anchor's digest: one was edited, removed or added")
                    }
                    unhashedFrom = nil
                } else if let first = unhashedFrom {
                    return broken(first, "seq \(first) has no hash: the row was inserted or its hash removed")
                }
                if Array(hash) != computed {
                    return broken(seq, "the hash does not match the row: the row was edited, or one before it was changed, removed or swapped")
                }
            } else if unhashedFrom == nil {
                unhashedFrom = seq
            }
            previous = computed
            expected = seq + 1
            report.checked += 1
            report.lastSeq = seq
            report.lastHash = hex(computed)
            report.dayAnchors[day] = hex(computed)
        }
        if let first = unhashedFrom { return broken(first, "seq \(first) has no hash and no anchor follows: rows were inserted or their hashes removed") }
        return report
    }

    /// The hash the next row chains from: the last row's.
    static func last(_ db: Database) throws -> (seq: Int64, hash: [UInt8]) {
        guard let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1") else { return (0, genesis) }
        // A last row without a hash is tampering or damage: chaining on from zeros keeps the hall taking
        // events, and `counterctl verify` names that row.
        return (row[0], (row[1] as Data?).map(Array.init) ?? genesis)
    }
}

extension EventStore {
    /// Checks the hash chain (see `HashChain`).
    public func verifyChain(from day: String? = nil) throws -> HashChain.Report {
        try writer.read { db in try HashChain.verify(db, from: day) }
    }
}
