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
        // One pass over the queue: a ticket is ahead when any open window would call it before the new one
        // (older tickets of the same rank are ahead too: the new ticket is the youngest).
        var ahead: [Ticket] = []
        for t in state.waiting {
            for w in open {
                guard let theirs = HallState.rank(t, at: w) else { continue }
                let mine = (priority ? 0 : 1, 1, w.categories.firstIndex(of: code) ?? Int.max)
                if (theirs.priority, theirs.directed, theirs.category) <= mine {
                    ahead.append(t)
                    break
                }
            }
        }
        // Numbers being printed for this category right now come before it as well.
        ahead += state.reserved.filter { $0.category == code }
        var means: [String: Double] = [:]
        func seconds(_ c: String) -> Double {
            if let m = means[c] { return m }
            let m = serviceSeconds(c, state: state, setup: setup)
            means[c] = m
            return m
        }
        let k = Double(open.count)
        let queued = ahead.reduce(0) { $0 + seconds($1.category) } / k
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
