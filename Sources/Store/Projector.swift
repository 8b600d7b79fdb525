import Foundation
import GRDB
import HallModel
import LogFormat

/// Keeps `tickets` and `day_stats` in step with the log, inside the transaction that appends.
struct Projector {
    let db: Database

    func apply(_ events: [EventRecord]) throws {
        var deltas: [StatsKey: DayStats] = [:]
        for e in events {
            try applyTicket(e)
            for (key, change) in StatsProjection.changes(for: e) {
                change(&deltas[key, default: DayStats()])
            }
        }
        try mergeStats(deltas)
    }

    private func mergeStats(_ deltas: [StatsKey: DayStats]) throws {
        // Each day's delta also goes into its month's rollup.
        var months: [StatsKey: DayStats] = [:]
        for (key, delta) in deltas {
            var m = key
            m.day = String(key.day.prefix(7))
            months[m, default: DayStats()].merge(delta)
        }
        for (table, changes) in [(StatsTable.day, deltas), (StatsTable.month, months)] {
            for (key, delta) in changes {
                try table.add(db, scope: key.scope.rawValue, period: key.day, key: key.key, delta)
            }
        }
    }

    private func run(_ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    private func countReasons(_ r: EventRecord) throws {
        for t in ReasonProjection.tallies(for: r) {
            try run("""
                INSERT INTO reason_stats (scope, day, key, code, level, count) VALUES (?, ?, ?, ?, ?, 1)
                ON CONFLICT (scope, day, key, code) DO UPDATE SET count = count + 1
                """, [t.scope.rawValue, t.day, t.key, t.code, t.level])
        }
    }

    private func applyTicket(_ r: EventRecord) throws {
        let at = EventCoding.ms(r.at)
        switch r.event {
        case .ticketIssued(let e):
            try run("""
                INSERT INTO tickets (id, day, number, category, priority, status, issued_at_ms, recalls, transfers,
                                     priority_reason, appointment, estimated_wait_seconds)
                VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?)
                """, [e.ticket, r.day, e.number, e.category, e.priority, TicketRecordStatus.waiting, EventCoding.ms(e.issuedAt),
                      e.priorityReason, e.appointment, e.estimatedWaitSeconds])
        case .ticketCalled(let e):
            try run("""
                UPDATE tickets SET status = ?, window_no = ?, clerk = ?,
                    called_at_ms = COALESCE(called_at_ms, ?) WHERE id = ?
                """, [TicketRecordStatus.called, e.window, e.clerk, at, e.ticket])
        case .ticketRecalled(let e):
            try run("UPDATE tickets SET recalls = ? WHERE id = ?", [e.recalls, e.ticket])
        case .ticketNoShow(let e):
            try run("UPDATE tickets SET status = ?, window_no = ?, clerk = ?, finished_at_ms = ? WHERE id = ?",
                    [TicketRecordStatus.noShow, e.window, e.clerk, at, e.ticket])
        case .ticketTransferred(let e):
            try run("UPDATE tickets SET status = ?, category = ?, transfers = transfers + 1 WHERE id = ?",
                    [TicketRecordStatus.waiting, e.toCategory, e.ticket])
        case .ticketRequeued(let e):
            try run("UPDATE tickets SET status = ?, finished_at_ms = NULL WHERE id = ?", [TicketRecordStatus.waiting, e.ticket])
        case .ticketMoved(let e):
            try run("UPDATE tickets SET category = ? WHERE id = ?", [e.toCategory, e.ticket])
        case .ticketFinished(let e):
            try run("""
                UPDATE tickets SET status = ?, window_no = ?, clerk = ?, category = ?, finished_at_ms = ?,
                    outcome = ?, wait_seconds = ?, service_seconds = ?, rating_state = ?, project_no = ? WHERE id = ?
                """, [TicketRecordStatus.served, e.window, e.clerk, e.category, at, e.outcome.rawValue, e.waitSeconds, e.serviceSeconds,
                      RatingRecordState.awaiting, e.projectNo, e.ticket])
        case .ticketParked(let e):
            try run("UPDATE tickets SET status = ? WHERE id = ?", [TicketRecordStatus.parked, e.ticket])
        case .ticketCalledBack(let e):
            try run("UPDATE tickets SET status = ? WHERE id = ?", [TicketRecordStatus.called, e.ticket])
        case .ticketRated(let e):
            try run("""
                UPDATE tickets SET rating_state = ?, rating = ?, rated_at_ms = ?, rating_reasons = ?, rating_comment = ?, rating_phone = ?
                WHERE id = ?
                """, [RatingRecordState.rated, e.level.rawValue, at, e.reasons.flatMap { $0.isEmpty ? nil : $0.joined(separator: ",") }, e.comment, e.phone, e.ticket])
            try countReasons(r)
        case .ratingReasonsAdded(let e):
            let reasons = e.reasons.isEmpty ? nil : e.reasons.joined(separator: ",")
            try run("""
                UPDATE tickets SET rating_reasons = COALESCE(?, rating_reasons), rating_comment = COALESCE(?, rating_comment),
                    rating_phone = COALESCE(?, rating_phone) WHERE id = ?
                """, [reasons, e.comment, e.phone, e.ticket])
            try run("""
                UPDATE cases SET reasons = COALESCE(?, reasons), comment = COALESCE(?, comment), phone = COALESCE(?, phone) WHERE id = ?
                """, [reasons, e.comment, e.phone, e.ticket])
            try countReasons(r)
        case .ratingReasonsExtended:
            break
        case .ratingNotGiven(let e):
            try run("UPDATE tickets SET rating_state = ? WHERE id = ?", [RatingRecordState.notRated, e.ticket])
        case .dayStarted(let e):
            for id in e.expired {
                try run("UPDATE tickets SET status = ? WHERE id = ?", [TicketRecordStatus.expired, id])
            }
        case .caseOpened(let e):
            try run("""
                INSERT OR IGNORE INTO cases (id, number, day, window_no, clerk, category, level, opened_at_ms, due_day, state,
                                             reasons, comment, phone)
                SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, t.rating_reasons, t.rating_comment, t.rating_phone
                FROM (SELECT 1) LEFT JOIN tickets t ON t.id = ?
                """, [e.ticket, e.number, r.day, e.window, e.clerk, e.category, e.level.rawValue, at, e.dueDay, CaseState.open, e.ticket])
        case .caseAssigned(let e):
            try run("UPDATE cases SET assignee = ?, assignee_due_day = ?, assigned_by = ?, assigned_at_ms = ? WHERE id = ?",
                    [e.assignee, e.dueDay, e.manager, at, e.ticket])
        case .caseContacted(let e):
            try run("""
                UPDATE cases SET state = ?, contacted_at_ms = ?, contacted_by = ?, contact_method = ?, citizen_said = ?
                WHERE id = ?
                """, [CaseState.contacted, EventCoding.ms(e.contactedAt), e.manager, e.method, e.note, e.ticket])
        case .caseRectified(let e):
            try run("UPDATE cases SET state = ?, rectified_at_ms = ?, rectified_by = ?, rectify_note = ? WHERE id = ?",
                    [CaseState.rectified, at, e.manager, e.note, e.ticket])
        case .caseClosed(let e):
            try run("UPDATE cases SET state = ?, closed_at_ms = ?, closed_by = ?, close_note = ?, citizen_verdict = ? WHERE id = ?",
                    [CaseState.closed, at, e.manager, e.note, e.verdict?.rawValue, e.ticket])
        case .clerkSignedIn, .clerkSignedOut, .windowPaused, .windowResumed, .ratingIgnored, .deviceConnected, .deviceLost, .chainAnchored, .ratingSkipRefused,
             .ticketReserved, .ticketVoided, .alertRaised, .alertCleared, .noticePosted, .setupChanged:
            break
        }
    }
}
