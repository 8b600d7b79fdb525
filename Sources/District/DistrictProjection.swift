import HallModel
import LogFormat

/// What one batch of a hall's events changes in the district's projections, computed before anything is
/// written: statistics per scope, key and period (days and their months) through the hall's own
/// `StatsProjection`, reason counts through `ReasonProjection`, and the 差评 cases' steps in log order.
struct DistrictProjection {
    enum CaseStep {
        case opened(id: String, number: String, day: String, window: Int?, clerk: String?, category: String?, level: Int, atMs: Int64, dueDay: String)
        case contacted(id: String, atMs: Int64)
        case rectified(id: String, atMs: Int64)
        case closed(id: String, atMs: Int64)
    }

    /// `StatsKey.day` holds the period: a day ("2026-01-05") or its month ("2026-01").
    var stats: [StatsKey: DayStats] = [:]
    var reasons: [ReasonProjection.Tally: Int] = [:]
    var cases: [CaseStep] = []

    /// The kinds that change a projection; the district decodes only these (a test holds this list to
    /// `StatsProjection`, `ReasonProjection` and the case steps for every kind).
    static let projectedKinds: Set<String> = Set([
        EventKind.ticketIssued, .ticketFinished, .ticketNoShow, .ticketTransferred, .ticketRated, .ratingNotGiven, .ratingIgnored,
        .ratingReasonsAdded, .caseOpened, .caseContacted, .caseRectified, .caseClosed,
    ].map(\.rawValue))

    static func projects(_ kind: String) -> Bool { projectedKinds.contains(kind) }

    mutating func add(_ r: EventRecord) {
        for (key, change) in StatsProjection.changes(for: r) {
            change(&stats[key, default: DayStats()])
            var month = key
            month.day = String(key.day.prefix(7))
            change(&stats[month, default: DayStats()])
        }
        for t in ReasonProjection.tallies(for: r) { reasons[t, default: 0] += 1 }
        let at = EventCoding.ms(r.at)
        switch r.event {
        case .caseOpened(let e):
            cases.append(.opened(id: e.ticket, number: e.number, day: r.day, window: e.window, clerk: e.clerk, category: e.category,
                                 level: e.level.rawValue, atMs: at, dueDay: e.dueDay))
        case .caseContacted(let e): cases.append(.contacted(id: e.ticket, atMs: EventCoding.ms(e.contactedAt)))
        case .caseRectified(let e): cases.append(.rectified(id: e.ticket, atMs: at))
        case .caseClosed(let e): cases.append(.closed(id: e.ticket, atMs: at))
        default: break
        }
    }
}
