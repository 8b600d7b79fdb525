import Foundation
import HallModel
import Metrics

/// The hall's figures for Prometheus: counters from committed events, and queue gauges read from the
/// live state when /metrics is scraped (a wait grows between events, so it is measured at scrape time).
public enum HallMetrics {
    /// Counts what a committed event means for the hall. Called once per event, after its commit.
    static func record(_ e: HallEvent) {
        switch e {
        case .ticketIssued(let e):
            Counter(label: "counterd_tickets_issued_total", dimensions: [("category", e.category)]).increment()
        case .ticketFinished(let e):
            Counter(label: "counterd_tickets_served_total", dimensions: [
                ("category", e.category), ("outcome", e.outcome.rawValue)]).increment()
        case .ticketNoShow(let e):
            Counter(label: "counterd_tickets_no_show_total", dimensions: [("category", e.category)]).increment()
        case .ticketRated(let e):
            Counter(label: "counterd_ratings_total", dimensions: [("level", String(e.level.rawValue))]).increment()
        case .ratingNotGiven:
            Counter(label: "counterd_ratings_not_given_total").increment()
        case .ticketVoided(let e):
            Counter(label: "counterd_tickets_voided_total", dimensions: [("reason", e.reason)]).increment()
        case .ratingIgnored(let e):
            Counter(label: "counterd_rating_presses_ignored_total", dimensions: [("reason", e.reason.rawValue)]).increment()
        default:
            break
        }
    }

    /// Sets the per-category queue gauges (length, longest wait) and the open-window gauge from `state`.
    public static func recordQueues(setup: HallSetup, state: HallState, now: Date) {
        for category in setup.categories {
            let waiting = state.waiting.filter { $0.category == category.code }
            let longest = waiting.map { now.timeIntervalSince($0.issuedAt) }.max() ?? 0
            Gauge(label: "counterd_queue_length", dimensions: [("category", category.code)]).record(waiting.count)
            Gauge(label: "counterd_queue_longest_wait_seconds", dimensions: [("category", category.code)]).record(max(0, longest))
        }
        let open = state.windows.values.filter { $0.clerk != nil }.count
        Gauge(label: "counterd_windows_open").record(open)
    }
}
