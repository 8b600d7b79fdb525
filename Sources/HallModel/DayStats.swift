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
    public static func changes(for e: HallEvent) -> [(StatsKey, (inout DayStats) -> Void)] {
        var keys: [StatsKey] = []
        func add(_ scope: StatsScope, _ key: String?, day: String) {
            if let key { keys.append(StatsKey(scope: scope, key: key, day: day)) }
        }
        func all(day: String) {
            add(.window, e.window.map(String.init), day: day)
            add(.clerk, e.clerk, day: day)
            add(.category, e.category, day: day)
        }
        let change: (inout DayStats) -> Void
        switch e.kind {
        case .ticketIssued:
            add(.category, e.category, day: e.day)
            change = { $0.issued += 1 }
        case .ticketFinished:
            all(day: e.day)
            let wait = e.waitSeconds ?? 0, service = e.serviceSeconds ?? 0
            let outcome = e.outcome ?? .immediate
            change = {
                $0.served += 1
                $0.outcomes[outcome.index] += 1
                $0.waitSum += wait
                $0.waitMax = max($0.waitMax, wait)
                $0.waitHistogram.add(wait)
                $0.serviceSum += service
                $0.serviceMax = max($0.serviceMax, service)
                $0.serviceHistogram.add(service)
            }
        case .ticketNoShow:
            all(day: e.day)
            change = { $0.noShows += 1 }
        case .ticketTransferred:
            all(day: e.day)
            change = { $0.transferredOut += 1 }
        case .ticketRated:
            all(day: e.servedDay ?? e.day)
            let index = (e.level ?? .basicallySatisfied).rawValue - 1
            // A late rating (by ticket, after the window's wait ended) replaces the rating_not_given counted then.
            let late = e.reason == "late"
            change = {
                $0.ratings[index] += 1
                if late { $0.notRated -= 1 }
            }
        case .ratingNotGiven:
            all(day: e.servedDay ?? e.day)
            change = { $0.notRated += 1 }
        case .ratingIgnored:
            add(.window, e.window.map(String.init), day: e.day)
            change = { $0.ignoredPresses += 1 }
        case .dayStarted, .clerkSignedIn, .clerkSignedOut, .windowPaused, .windowResumed, .ticketCalled, .ticketRecalled,
             .deviceConnected, .deviceLost, .ticketParked, .ticketCalledBack, .ticketReserved, .ticketVoided,
             .caseOpened, .caseContacted, .caseRectified, .caseClosed, .alertRaised, .alertCleared:
            return []
        }
        return keys.map { ($0, change) }
    }
}
