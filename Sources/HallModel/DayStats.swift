/// What reports are made of: one row per scope, key and business day.
public enum StatsScope: String, Codable, Sendable, CaseIterable {
    case window, clerk, category
}

public struct StatsKey: Hashable, Sendable, Codable {
    public var scope: StatsScope
    public var key: String
    public var day: String

    public init(scope: StatsScope, key: String, day: String) {
        self.scope = scope
        self.key = key
        self.day = day
    }
}

/// Additive counters for one key and day. Adding two of them is the same as counting both days.
public struct DayStats: Sendable, Equatable, Codable {
    public var issued = 0
    public var served = 0
    public var noShows = 0
    public var transferredOut = 0
    /// Finished tickets per `Outcome`, in `Outcome.allCases` order.
    public var outcomes = [Int](repeating: 0, count: Outcome.allCases.count)
    /// Ratings per level, index 0 = level 1 (非常不满意) … index 4 = level 5 (非常满意).
    public var ratings = [Int](repeating: 0, count: 5)
    public var notRated = 0
    public var ignoredPresses = 0
    public var waitSum = 0.0
    public var waitMax = 0.0
    public var waitHistogram = DurationHistogram()
    public var serviceSum = 0.0
    public var serviceMax = 0.0
    public var serviceHistogram = DurationHistogram()

    public init() {}

    public var rated: Int { ratings.reduce(0, +) }

    public mutating func merge(_ o: DayStats) {
        issued += o.issued
        served += o.served
        noShows += o.noShows
        transferredOut += o.transferredOut
        for i in outcomes.indices { outcomes[i] += o.outcomes[i] }
        for i in ratings.indices { ratings[i] += o.ratings[i] }
        notRated += o.notRated
        ignoredPresses += o.ignoredPresses
        waitSum += o.waitSum
        waitMax = max(waitMax, o.waitMax)
        waitHistogram.merge(o.waitHistogram)
        serviceSum += o.serviceSum
        serviceMax = max(serviceMax, o.serviceMax)
        serviceHistogram.merge(o.serviceHistogram)
    }
}

/// How one event changes the statistics: the pure half of the store's projection.
public enum StatsProjection {
    /// The rows an event touches and what to do to each.
    public static func changes(for r: EventRecord) -> [(StatsKey, (inout DayStats) -> Void)] {
        /// The window's, the clerk's and the category's rows of one day.
        func all(_ window: Int, _ clerk: String, _ category: String, day: String) -> [StatsKey] {
            [StatsKey(scope: .window, key: String(window), day: day), StatsKey(scope: .clerk, key: clerk, day: day),
             StatsKey(scope: .category, key: category, day: day)]
        }
        let keys: [StatsKey]
        let change: (inout DayStats) -> Void
        switch r.event {
        case .ticketIssued(let e):
            keys = [StatsKey(scope: .category, key: e.category, day: r.day)]
            change = { $0.issued += 1 }
        case .ticketFinished(let e):
            keys = all(e.window, e.clerk, e.category, day: r.day)
            change = {
                $0.served += 1
                $0.outcomes[e.outcome.index] += 1
                $0.waitSum += e.waitSeconds
                $0.waitMax = max($0.waitMax, e.waitSeconds)
                $0.waitHistogram.add(e.waitSeconds)
                $0.serviceSum += e.serviceSeconds
                $0.serviceMax = max($0.serviceMax, e.serviceSeconds)
                $0.serviceHistogram.add(e.serviceSeconds)
            }
        case .ticketNoShow(let e):
            keys = all(e.window, e.clerk, e.category, day: r.day)
            change = { $0.noShows += 1 }
        case .ticketTransferred(let e):
            keys = all(e.window, e.clerk, e.category, day: r.day)
            change = { $0.transferredOut += 1 }
        case .ticketRated(let e):
            // A rating counts on the day of the service it rates.
            keys = all(e.window, e.clerk, e.category, day: e.servedDay)
            let index = e.level.rawValue - 1
            // A late rating (by ticket, after the window's wait ended) replaces the rating_not_given counted then.
            let late = e.reason == .late
            change = {
                $0.ratings[index] += 1
                if late { $0.notRated -= 1 }
            }
        case .ratingNotGiven(let e):
            keys = all(e.window, e.clerk, e.category, day: e.servedDay)
            change = { $0.notRated += 1 }
        case .ratingIgnored(let e):
            keys = [StatsKey(scope: .window, key: String(e.window), day: r.day)]
            change = { $0.ignoredPresses += 1 }
        case .dayStarted, .clerkSignedIn, .clerkSignedOut, .windowPaused, .windowResumed, .ticketCalled, .ticketRecalled,
             .deviceConnected, .deviceLost, .chainAnchored, .ratingSkipRefused, .ratingReasonsAdded, .ticketParked, .ticketCalledBack, .ticketReserved, .ticketVoided,
             .caseOpened, .caseContacted, .caseRectified, .caseClosed, .alertRaised, .alertCleared, .ticketMoved, .noticePosted, .setupChanged, .ticketRequeued,
             .ratingReasonsExtended, .caseAssigned:
            return []
        }
        return keys.map { ($0, change) }
    }
}
