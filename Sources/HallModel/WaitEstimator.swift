import Foundation

/// The one wait estimate of the hall, for the kiosk's screen, the printed ticket and the log: the tickets
/// a new ticket of the category would be called after, each at its category's recent service time, shared
/// by the open windows that serve the category. Categories without enough measured services of their own
/// use the whole hall's, so neighbouring categories never mix a measured figure with a guess.
public enum WaitEstimator {
    /// Services a category needs today before its own mean is used.
    public static let ownSamples = 3

    /// The service time, seconds, the estimate assumes for `category`.
    public static func serviceSeconds(_ category: String, state: HallState, setup: HallSetup) -> Double {
        if let own = state.serviceTimes[category], own.count >= ownSamples { return mean(own) }
        let all = state.serviceTimes.values.flatMap { $0 }
        return all.count >= ownSamples ? mean(all) : setup.rules.defaultServiceSeconds
    }

    /// Seconds a ticket of `category` taken now would wait; nil when no open window serves it.
    public static func estimate(category code: String, priority: Bool, state: HallState, setup: HallSetup) -> Double? {
        let open = setup.windows.filter { w in
            let s = state.window(w.number)
            return w.categories.contains(code) && s.clerk != nil && !s.paused
        }
        guard !open.isEmpty else { return nil }
        // A waiting ticket is ahead when an open window would call it before the new one (the new ticket is
        // the youngest, so older tickets of the same rank are ahead too). Every open window serves `code`, so
        // per category it is known once whether its tickets of the new ticket's rank come first somewhere.
        let mine = priority ? 0 : 1
        var served: [String: Bool] = [:] // category → an open window serves it, and whether one ranks it ≤ `code`
        for w in open {
            let codeIndex = w.categories.firstIndex(of: code) ?? Int.max
            for (i, c) in w.categories.enumerated() { served[c] = (served[c] ?? false) || i <= codeIndex }
        }
        let openNumbers = Set(open.map(\.number))
        var aheadByCategory: [String: Int] = [:]
        for t in state.waiting {
            let theirs = t.priority ? 0 : 1
            guard theirs <= mine else { continue }
            if let d = t.directedWindow {
                // Directed to an open window: called there before any undirected ticket of its rank.
                if openNumbers.contains(d) { aheadByCategory[t.category, default: 0] += 1 }
                continue
            }
            guard let sameRankAhead = served[t.category] else { continue }
            if theirs < mine || sameRankAhead { aheadByCategory[t.category, default: 0] += 1 }
        }
        // Numbers being printed for this category right now come before it as well.
        for t in state.reserved where t.category == code { aheadByCategory[t.category, default: 0] += 1 }
        var hallMean: Double?
        func seconds(_ c: String) -> Double {
            if let own = state.serviceTimes[c], own.count >= ownSamples { return mean(own) }
            if hallMean == nil { hallMean = serviceSeconds(c, state: state, setup: setup) }
            return hallMean!
        }
        let k = Double(open.count)
        let queued = aheadByCategory.reduce(0) { $0 + Double($1.value) * seconds($1.key) } / k
        // When every open window is busy, the first of them frees in about half a service, shared.
        let busy = open.allSatisfy { state.window($0.number).serving != nil || state.window($0.number).awaiting != nil }
        return queued + (busy ? seconds(code) / (2 * k) : 0)
    }

    /// Whole minutes as the kiosk and the ticket show them: at least 1 once anyone is ahead.
    public static func minutes(_ seconds: Double) -> Int {
        seconds < 30 ? 0 : Int((seconds / 60).rounded())
    }

    private static func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }
}
