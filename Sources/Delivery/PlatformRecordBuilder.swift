import Foundation
import HallModel
import HallRuntime
import Store
import Synchronization

/// Day anchors already looked up: the last hash before a day never changes once that day has events.
final class DayAnchors: Sendable {
    private let known = Mutex<[String: (day: String, hash: String)]>([:])

    func anchor(before day: String, store: EventStore) throws -> (day: String, hash: String)? {
        if let a = known.withLock({ $0[day] }) { return a }
        guard let a = try store.dayAnchor(before: day) else { return nil }
        known.withLock { $0[day] = a }
        return a
    }
}

/// Builds what goes to the 好差评 platform for one logged event: the data items (`PlatformProfile.items`)
/// from the event, its ticket and case, the hall's identity and the log's hashes, then the profile's JSON.
/// The same for the pusher and for the file drop (`counterctl export haocaiping`).
public struct PlatformRecordBuilder: Sendable {
    public let store: EventStore
    public let setup: HallSetup
    public let profile: PlatformProfile
    public let indicators: RatingIndicators
    private let anchors = DayAnchors()

    public init(store: EventStore, setup: HallSetup, profile: PlatformProfile, indicators: RatingIndicators) {
        self.store = store
        self.setup = setup
        self.profile = profile
        self.indicators = indicators
    }

    /// One record to send: the profile's kind, the path under the platform URL and the JSON body.
    public struct Built: Sendable {
        public var kind: String
        public var path: String
        public var body: [UInt8]
    }

    /// The record for `event` (a rating, reasons or case step), with the reasons of `merging` (reasons
    /// events of the same ticket) inside it. Nil: the profile has no shape for it.
    public func build(_ event: StoredEvent, merging: [StoredEvent] = []) throws -> Built? {
        guard let kind = OutboxRecord.kind(of: event.event) else { return nil }
        let items = try self.items(event, merging: merging)
        guard let r = profile.render(kind: kind.rawValue, items: items) else { return nil }
        return Built(kind: kind.rawValue, path: r.path, body: PlatformJSON.object(r.body))
    }

    private func format(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: setup.rules.timeZone) ?? .current
        f.dateFormat = profile.dateFormat
        return f.string(from: date)
    }

    func items(_ event: StoredEvent, merging: [StoredEvent]) throws -> [String: PlatformValue] {
        var it: [String: PlatformValue] = [:]
        func set(_ key: String, _ s: String?) { if let s { it[key] = .string(s) } }
        let id = setup.identity ?? HallIdentity()
        set("hall_name", setup.name)
        set("area_code", id.areaCode)
        set("area_name", id.areaName)
        set("dept_code", id.deptCode)
        set("dept_name", id.deptName)
        it["record_id"] = .string("\(id.deptCode ?? id.areaCode ?? "hall")-\(event.seq)")
        it["event_seq"] = .int(Int(event.seq))
        set("event_hash", try store.eventHash(seq: event.seq))
        if let anchor = try anchors.anchor(before: event.day, store: store) {
            it["day_anchor_day"] = .string(anchor.day)
            it["day_anchor_hash"] = .string(anchor.hash)
        }
        it["pro_status"] = .string("3")
        it["user_prop"] = .string("1")
        it["assess_number"] = .int(1)
        guard let ticketID = event.event.ticket else { return it }
        let ticket = try store.ticket(ticketID)
        set("ticket_id", ticketID)
        set("ticket_number", ticket?.number ?? event.event.number)
        let categoryCode = ticket?.category ?? event.event.category
        if let code = categoryCode {
            let c = setup.category(code)
            set("category_code", code)
            set("category_name", c?.name)
            set("task_code", c?.taskCode ?? code)
            set("task_name", c?.taskName ?? c?.name)
        }
        if let outcome = ticket?.outcome.flatMap(Outcome.init(rawValue:)) {
            it["outcome_code"] = profile.outcomes[outcome]
            set("outcome_name", outcome.chineseName)
        }
        let servedDay = ticket.map { t in t.finishedAtMs.map { _ in t.day } ?? t.day } ?? event.day
        set("served_day", servedDay)
        set("project_no", ticket?.projectNo ?? setup.generatedProjectNo(day: servedDay, number: ticket?.number ?? event.event.number ?? ""))
        if let w = ticket?.windowNo ?? event.event.window {
            it["window"] = .int(w)
            set("window_name", setup.window(w)?.name)
        }
        if let clerkID = ticket?.clerk ?? event.event.clerk {
            set("clerk_id", clerkID)
            set("clerk_name", setup.clerk(clerkID)?.name)
            set("staff_no", setup.clerk(clerkID)?.staffNo)
        }

        // The evaluation itself: the rating event, or for reasons and case steps the ticket's rating.
        var level: RatingLevel?, reasons: [String] = [], comment: String?, phone: String?, channel: RatingChannel?, ratedAt: Date?
        func take(_ r: TicketRated, at: Date) {
            level = r.level
            reasons = r.reasons ?? []
            comment = r.comment
            phone = r.phone
            channel = r.via
            ratedAt = at
        }
        func add(_ e: RatingReasonsAdded) {
            reasons += e.reasons.filter { !reasons.contains($0) }
            if let c = e.comment { comment = [comment, c].compactMap { $0 }.joined(separator: " ") }
            if let p = e.phone { phone = p }
        }
        switch event.event {
        case .ticketRated(let r):
            take(r, at: event.at)
        case .ratingReasonsAdded(let e):
            if let rated = try ratingEvent(ticket: ticketID), case .ticketRated(let r) = rated.event { take(r, at: rated.at) }
            level = e.level
            add(e)
        default:
            if let rated = try ratingEvent(ticket: ticketID), case .ticketRated(let r) = rated.event { take(r, at: rated.at) }
        }
        for m in merging { if case .ratingReasonsAdded(let e) = m.event { add(e) } }
        if let level {
            it["level"] = .int(level.rawValue)
            it["level_code"] = profile.levels[level]
            set("level_name", level.chineseName)
        }
        it["reasons"] = .string(reasons.joined(separator: profile.reasonSeparator))
        it["reason_texts"] = .string(reasons.map { indicators.indicator($0)?.text ?? $0 }.joined(separator: profile.reasonTextSeparator))
        it["comment"] = .string(comment ?? "")
        set("phone", phone)
        if let channel {
            set("channel", channel.rawValue)
            it["channel_code"] = profile.channels[channel]
        }
        if let ratedAt { set("rated_at", format(ratedAt)) }

        // A 差评 case's step.
        let c = try store.badRatingCase(ticketID)
        set("due_day", c?.dueDay)
        switch event.event {
        case .caseContacted(let e):
            set("case_step", "contacted")
            set("acted_at", format(e.contactedAt))
            set("manager", e.manager)
            set("contact_method", e.method)
            set("contact_note", e.note)
        case .caseRectified(let e):
            set("case_step", "rectified")
            set("acted_at", format(event.at))
            set("manager", e.manager)
            set("rectify_note", e.note)
        case .caseClosed(let e):
            set("case_step", "closed")
            set("acted_at", format(event.at))
            set("manager", e.manager)
            set("rectify_note", e.note)
            if let v = e.verdict {
                it["verdict_code"] = profile.verdicts[v]
                set("verdict_name", v.chineseName)
            }
        default:
            break
        }
        return it
    }

    /// The ticket's rating event in the log.
    private func ratingEvent(ticket: String) throws -> StoredEvent? {
        try store.events(ticket: ticket).last { $0.event.kind == .ticketRated }
    }
}
