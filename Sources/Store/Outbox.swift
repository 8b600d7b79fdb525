import Foundation
import GRDB
import HallModel
import LogFormat

/// One record for the 好差评 platform, as the outbox keeps it: which event it carries and how its delivery
/// stands. What is sent is built from the event when it is sent (the platform profile decides the shape).
public struct OutboxRecord: Codable, FetchableRecord, Sendable, Equatable {
    /// What a record carries.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// A rating (ticket_rated).
        case rating
        /// Reasons the tablet added to a keypad's rating (rating_reasons_added).
        case reasons
        /// 回访 of a 差评 case.
        case caseContacted = "case_contacted"
        /// 整改 of a 差评 case.
        case caseRectified = "case_rectified"
        /// The case closed, with the citizen's verdict.
        case caseClosed = "case_closed"
    }

    /// How a record's delivery stands.
    public enum State: String, Codable, Sendable, CaseIterable {
        /// Not yet accepted: the pusher sends it, in order.
        case pending
        /// The platform accepted it: never sent again.
        case accepted
        /// Sent inside the rating record it belongs to (reasons added on the tablet).
        case merged
        /// The platform refused it as invalid (a 4xx that is not about credentials): kept, not retried
        /// until counterd starts again (after the cause is fixed in the config).
        case rejected
        /// The profile has no shape for this kind (e.g. case steps under gbt39046): nothing to send.
        case skipped
    }

    public static let databaseTableName = "outbox"

    public var id: Int64
    public var seq: Int64
    public var kind: Kind
    public var ticket: String
    public var day: String
    public var createdAtMs: Int64
    /// Not sent before this (a keypad rating waits for the tablet's reasons).
    public var notBeforeMs: Int64
    public var state: State
    public var attempts: Int
    public var lastAttemptMs: Int64?
    public var nextAttemptMs: Int64?
    /// The platform's last HTTP status (0: no answer: refused, timed out, dropped).
    public var lastStatus: Int?
    /// The platform's last answer (or the transport error), at most 500 characters.
    public var lastAnswer: String?
    public var doneAtMs: Int64?
    public var mergedInto: Int64?

    enum CodingKeys: String, CodingKey {
        case id, seq, kind, ticket, day, state, attempts
        case createdAtMs = "created_at_ms", notBeforeMs = "not_before_ms", lastAttemptMs = "last_attempt_ms"
        case nextAttemptMs = "next_attempt_ms", lastStatus = "last_status", lastAnswer = "last_answer"
        case doneAtMs = "done_at_ms", mergedInto = "merged_into"
    }

    /// The outbox kind an event is pushed as; nil: not pushed.
    public static func kind(of event: HallEvent) -> Kind? {
        switch event {
        case .ticketRated: .rating
        case .ratingReasonsAdded: .reasons
        case .caseContacted: .caseContacted
        case .caseRectified: .caseRectified
        case .caseClosed: .caseClosed
        default: nil
        }
    }
}

/// The outbox's depth and age, for status, metrics and the supervision alert.
public struct OutboxSummary: Codable, Sendable, Equatable {
    public var pending: Int
    public var rejected: Int
    public var accepted: Int
    /// When the oldest pending record was created.
    public var oldestPendingAt: Date?
    /// The last record the platform accepted, when.
    public var lastAcceptedAt: Date?
    /// The last attempt of any record: when, its HTTP status and the answer.
    public var lastAttemptAt: Date?
    public var lastStatus: Int?
    public var lastAnswer: String?

    public init(pending: Int = 0, rejected: Int = 0, accepted: Int = 0, oldestPendingAt: Date? = nil, lastAcceptedAt: Date? = nil,
                lastAttemptAt: Date? = nil, lastStatus: Int? = nil, lastAnswer: String? = nil) {
        self.pending = pending
        self.rejected = rejected
        self.accepted = accepted
        self.oldestPendingAt = oldestPendingAt
        self.lastAcceptedAt = lastAcceptedAt
        self.lastAttemptAt = lastAttemptAt
        self.lastStatus = lastStatus
        self.lastAnswer = lastAnswer
    }
}

enum Outbox {
    /// Queues the events that go to the platform, in the transaction that appends them.
    static func enqueue(_ events: [StoredEvent], in db: Database) throws {
        for e in events {
            // The citizen is still typing: the rating waits for its reasons a while longer.
            if case .ratingReasonsExtended(let x) = e.event {
                try db.cachedStatement(sql: """
                    UPDATE outbox SET not_before_ms = max(not_before_ms, ?) WHERE state = ? AND kind = ? AND ticket = ?
                    """).execute(arguments: [EventCoding.ms(x.until) + 2_000, OutboxRecord.State.pending.rawValue, OutboxRecord.Kind.rating.rawValue, x.ticket])
                continue
            }
            guard let kind = OutboxRecord.kind(of: e.event), let ticket = e.event.ticket else { continue }
            let at = EventCoding.ms(e.at)
            var notBefore = at
            // A keypad's rating waits while the tablet may add reasons (and 2 s for a commit at the boundary),
            // so the platform gets one evaluation with its reasons.
            if case .ticketRated(let r) = e.event, let until = r.reasonsUntil { notBefore = EventCoding.ms(until) + 2_000 }
            try db.cachedStatement(sql: """
                INSERT INTO outbox (seq, kind, ticket, day, created_at_ms, not_before_ms) VALUES (?, ?, ?, ?, ?, ?)
                """).execute(arguments: [e.seq, kind.rawValue, ticket, e.day, at, notBefore])
        }
    }
}

extension EventStore {
    /// The first pending records in delivery order.
    public func outboxPending(limit: Int = 1) throws -> [OutboxRecord] {
        try reader.read { db in
            try OutboxRecord.fetchAll(db, sql: "SELECT * FROM outbox WHERE state = ? ORDER BY id LIMIT ?",
                                      arguments: [OutboxRecord.State.pending.rawValue, limit])
        }
    }

    /// Pending reasons records of a ticket, which go inside its rating record.
    public func outboxPendingReasons(ticket: String, after id: Int64) throws -> [OutboxRecord] {
        try reader.read { db in
            try OutboxRecord.fetchAll(db, sql: """
                SELECT * FROM outbox WHERE state = ? AND kind = ? AND ticket = ? AND id > ? ORDER BY id
                """, arguments: [OutboxRecord.State.pending.rawValue, OutboxRecord.Kind.reasons.rawValue, ticket, id])
        }
    }

    public func outboxRecords(state: OutboxRecord.State? = nil, limit: Int = 100) throws -> [OutboxRecord] {
        try reader.read { db in
            if let state {
                return try OutboxRecord.fetchAll(db, sql: "SELECT * FROM outbox WHERE state = ? ORDER BY id LIMIT ?",
                                                 arguments: [state.rawValue, limit])
            }
            return try OutboxRecord.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY id DESC LIMIT ?", arguments: [limit])
        }
    }

    /// The outcome of one attempt. `done`: the new state (accepted, rejected, skipped) or nil: still pending,
    /// next attempt at `next`. `merged`: records sent inside this one, accepted with it.
    public func outboxAttempted(_ id: Int64, at: Date, status: Int, answer: String, done: OutboxRecord.State?, next: Date?,
                                merged: [Int64] = []) throws {
        let ms = EventCoding.ms(at)
        let answer = String(answer.prefix(500))
        try writer.write { db in
            try db.execute(sql: """
                UPDATE outbox SET attempts = attempts + 1, last_attempt_ms = ?, last_status = ?, last_answer = ?,
                    state = COALESCE(?, state), done_at_ms = CASE WHEN ? IS NULL THEN NULL ELSE ? END, next_attempt_ms = ?
                WHERE id = ? AND state = ?
                """, arguments: [ms, status, answer, done?.rawValue, done?.rawValue, ms, next.map(EventCoding.ms), id, OutboxRecord.State.pending.rawValue])
            if done == .accepted {
                for m in merged {
                    try db.execute(sql: "UPDATE outbox SET state = ?, merged_into = ?, done_at_ms = ? WHERE id = ? AND state = ?",
                                   arguments: [OutboxRecord.State.merged.rawValue, id, ms, m, OutboxRecord.State.pending.rawValue])
                }
            }
        }
    }

    /// Puts rejected records back in line (after their cause was fixed). Returns how many.
    @discardableResult
    public func outboxRetry(ids: [Int64]? = nil) throws -> Int {
        try writer.write { db in
            if let ids {
                for id in ids {
                    try db.execute(sql: "UPDATE outbox SET state = ?, next_attempt_ms = NULL WHERE id = ? AND state = ?",
                                   arguments: [OutboxRecord.State.pending.rawValue, id, OutboxRecord.State.rejected.rawValue])
                }
            } else {
                try db.execute(sql: "UPDATE outbox SET state = ?, next_attempt_ms = NULL WHERE state = ?",
                               arguments: [OutboxRecord.State.pending.rawValue, OutboxRecord.State.rejected.rawValue])
            }
            return db.changesCount
        }
    }

    public func outboxSummary() throws -> OutboxSummary {
        try reader.read { db in
            var s = OutboxSummary()
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) FROM outbox GROUP BY state") {
                let n: Int = row[1]
                switch OutboxRecord.State(rawValue: row[0]) {
                case .pending: s.pending = n
                case .rejected: s.rejected = n
                case .accepted, .merged: s.accepted += n
                default: break
                }
            }
            func date(_ ms: Int64?) -> Date? { ms.map { Date(timeIntervalSince1970: Double($0) / 1000) } }
            // Delivery order is creation order: the first pending row by id is the oldest (an index seek).
            s.oldestPendingAt = date(try Int64.fetchOne(db, sql: "SELECT created_at_ms FROM outbox WHERE state = ? ORDER BY id LIMIT 1",
                                                        arguments: [OutboxRecord.State.pending.rawValue]))
            s.lastAcceptedAt = date(try Int64.fetchOne(db, sql: "SELECT MAX(done_at_ms) FROM outbox WHERE state = ?",
                                                       arguments: [OutboxRecord.State.accepted.rawValue]))
            if let row = try Row.fetchOne(db, sql: """
                SELECT last_attempt_ms, last_status, last_answer FROM outbox WHERE last_attempt_ms IS NOT NULL
                ORDER BY last_attempt_ms DESC LIMIT 1
                """) {
                s.lastAttemptAt = date(row[0])
                s.lastStatus = row[1]
                s.lastAnswer = row[2]
            }
            return s
        }
    }

    /// One stored event by its sequence number.
    public func event(seq: Int64) throws -> StoredEvent? {
        try reader.read { db in try Self.events(where: "seq = ?", [seq], in: db).first }
    }

    /// The events of the pushed kinds whose business day is in the range, in log order (for the file drop).
    public func platformEvents(fromDay from: String, toDay to: String) throws -> [StoredEvent] {
        try reader.read { db in
            try Self.events(where: """
                day >= ? AND day <= ? AND kind IN
                    ('ticket_rated', 'rating_reasons_added', 'case_contacted', 'case_rectified', 'case_closed') ORDER BY seq
                """, [from, to], in: db)
        }
    }

    /// The chain hash stored with an event, hex.
    public func eventHash(seq: Int64) throws -> String? {
        try reader.read { db in
            try Data.fetchOne(db, sql: "SELECT hash FROM events WHERE seq = ?", arguments: [seq]).map { $0.map { String(format: "%02x", $0) }.joined() }
        }
    }

    /// The anchor of the last business day before `day`: that day and the hash of its last event.
    public func dayAnchor(before day: String) throws -> (day: String, hash: String)? {
        try reader.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT day, hash FROM events WHERE day < ? AND hash IS NOT NULL ORDER BY seq DESC LIMIT 1
                """, arguments: [day]) else { return nil }
            let hash: Data = row[1]
            return (row[0], hash.map { String(format: "%02x", $0) }.joined())
        }
    }
}
