import Foundation
import GRDB
import HallModel

/// A row of `events`: the append-only log. `payload` is the whole event as JSON.
public struct EventRow: Codable, FetchableRecord, PersistableRecord, Sendable {
    public static let databaseTableName = "events"
    public var seq: Int64
    public var atMs: Int64
    public var day: String
    public var kind: String
    public var ticket: String?
    public var windowNo: Int?
    public var clerk: String?
    public var category: String?
    public var payload: String

    enum CodingKeys: String, CodingKey {
        case seq, atMs = "at_ms", day, kind, ticket, windowNo = "window_no", clerk, category, payload
    }
}

/// A row of `tickets`: one per ticket, its latest state.
public struct TicketRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "tickets"
    public var id: String
    public var day: String
    public var number: String
    public var category: String
    public var priority: Bool
    public var status: TicketRecordStatus
    public var issuedAtMs: Int64
    public var calledAtMs: Int64?
    public var finishedAtMs: Int64?
    public var windowNo: Int?
    public var clerk: String?
    public var outcome: String?
    public var waitSeconds: Double?
    public var serviceSeconds: Double?
    public var recalls: Int
    public var transfers: Int
    /// nil before the service ends.
    public var ratingState: RatingRecordState?
    public var rating: Int?
    public var ratedAtMs: Int64?
    /// 办件编号 (v8; nil for tickets finished before it).
    public var projectNo: String?
    /// The 绿色通道 reason (v10; nil for ordinary tickets).
    public var priorityReason: String?
    /// The appointment code it was taken for (v10).
    public var appointment: String?
    /// The wait estimated when it was taken, seconds (v10).
    public var estimatedWaitSeconds: Double?
    /// What the citizen said with the rating (v11): 评价指标 codes joined by ",", the comment, the callback phone.
    public var ratingReasons: String?
    public var ratingComment: String?
    public var ratingPhone: String?

    enum CodingKeys: String, CodingKey {
        case priorityReason = "priority_reason", appointment, estimatedWaitSeconds = "estimated_wait_seconds"
        case id, day, number, category, priority, status
        case issuedAtMs = "issued_at_ms", calledAtMs = "called_at_ms", finishedAtMs = "finished_at_ms"
        case windowNo = "window_no", clerk, outcome, waitSeconds = "wait_seconds", serviceSeconds = "service_seconds"
        case recalls, transfers, ratingState = "rating_state", rating, ratedAtMs = "rated_at_ms", projectNo = "project_no"
        case ratingReasons = "rating_reasons", ratingComment = "rating_comment", ratingPhone = "rating_phone"
    }
}

/// A row of `day_stats`: additive counters per scope (window, clerk, category), key and business day.
public struct DayStatsRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "day_stats"
    public var scope: String
    public var day: String
    public var key: String
    public var issued: Int
    public var served: Int
    public var noShows: Int
    public var transferredOut: Int
    public var immediate: Int
    public var promised: Int
    public var joint: Int
    public var reported: Int
    public var replied: Int
    public var r1: Int
    public var r2: Int
    public var r3: Int
    public var r4: Int
    public var r5: Int
    public var notRated: Int
    public var ignoredPresses: Int
    public var waitSum: Double
    public var waitMax: Double
    public var waitHist: Data
    public var serviceSum: Double
    public var serviceMax: Double
    public var serviceHist: Data

    enum CodingKeys: String, CodingKey {
        case scope, day, key, issued, served, noShows = "no_shows", transferredOut = "transferred_out"
        case immediate, promised, joint, reported, replied, r1, r2, r3, r4, r5
        case notRated = "not_rated", ignoredPresses = "ignored_presses"
        case waitSum = "wait_sum", waitMax = "wait_max", waitHist = "wait_hist"
        case serviceSum = "service_sum", serviceMax = "service_max", serviceHist = "service_hist"
    }

    public init(key: StatsKey, stats s: DayStats) {
        scope = key.scope.rawValue
        day = key.day
        self.key = key.key
        issued = s.issued
        served = s.served
        noShows = s.noShows
        transferredOut = s.transferredOut
        immediate = s.outcomes[0]
        promised = s.outcomes[1]
        joint = s.outcomes[2]
        reported = s.outcomes[3]
        replied = s.outcomes[4]
        r1 = s.ratings[0]
        r2 = s.ratings[1]
        r3 = s.ratings[2]
        r4 = s.ratings[3]
        r5 = s.ratings[4]
        notRated = s.notRated
        ignoredPresses = s.ignoredPresses
        waitSum = s.waitSum
        waitMax = s.waitMax
        waitHist = Data(s.waitHistogram.bytes)
        serviceSum = s.serviceSum
        serviceMax = s.serviceMax
        serviceHist = Data(s.serviceHistogram.bytes)
    }

    public var stats: DayStats {
        var s = DayStats()
        s.issued = issued
        s.served = served
        s.noShows = noShows
        s.transferredOut = transferredOut
        s.outcomes = [immediate, promised, joint, reported, replied]
        s.ratings = [r1, r2, r3, r4, r5]
        s.notRated = notRated
        s.ignoredPresses = ignoredPresses
        s.waitSum = waitSum
        s.waitMax = waitMax
        s.waitHistogram = DurationHistogram(bytes: waitHist)
        s.serviceSum = serviceSum
        s.serviceMax = serviceMax
        s.serviceHistogram = DurationHistogram(bytes: serviceHist)
        return s
    }

    public var statsKey: StatsKey? {
        StatsScope(rawValue: scope).map { StatsKey(scope: $0, key: key, day: day) }
    }
}

/// A row of `cases`: one 差评 follow-up case per badly rated ticket, its latest state.
public struct CaseRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "cases"
    public var id: String
    public var number: String
    public var day: String
    public var windowNo: Int?
    public var clerk: String?
    public var category: String?
    public var level: Int
    public var openedAtMs: Int64
    public var dueDay: String
    public var state: CaseState
    public var contactedAtMs: Int64?
    public var contactedBy: String?
    public var contactMethod: String?
    public var citizenSaid: String?
    public var rectifiedAtMs: Int64?
    public var rectifiedBy: String?
    public var rectifyNote: String?
    public var closedAtMs: Int64?
    public var closedBy: String?
    public var closeNote: String?
    /// The citizen's verdict on the fix (`CaseVerdict` raw value).
    public var citizenVerdict: String?
    /// What the citizen said with the rating: 评价指标 codes joined by ",", the comment and the callback phone.
    public var reasons: String?
    public var comment: String?
    public var phone: String?
    /// 指派: the account answering for the case, its due day, who assigned it and when.
    public var assignee: String?
    public var assigneeDueDay: String?
    public var assignedBy: String?
    public var assignedAtMs: Int64?

    enum CodingKeys: String, CodingKey {
        case id, number, day, windowNo = "window_no", clerk, category, level, openedAtMs = "opened_at_ms", dueDay = "due_day", state
        case contactedAtMs = "contacted_at_ms", contactedBy = "contacted_by", contactMethod = "contact_method", citizenSaid = "citizen_said"
        case rectifiedAtMs = "rectified_at_ms", rectifiedBy = "rectified_by", rectifyNote = "rectify_note"
        case closedAtMs = "closed_at_ms", closedBy = "closed_by", closeNote = "close_note", citizenVerdict = "citizen_verdict"
        case reasons, comment, phone, assignee, assigneeDueDay = "assignee_due_day", assignedBy = "assigned_by", assignedAtMs = "assigned_at_ms"
    }

    /// The case as the engine needs it to decide the next step.
    public var model: BadRatingCase {
        BadRatingCase(id: id, state: state, window: windowNo, clerk: clerk,
                      level: RatingLevel(rawValue: level) ?? .veryDissatisfied, openedDay: day, dueDay: dueDay)
    }
}
