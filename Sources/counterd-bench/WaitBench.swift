import Demo
import Foundation
import HallConfig
import HallModel
import HallRuntime
import Store

/// How far the kiosk's wait estimates are from the real waits: a generated month of the demo hall (its six
/// windows and five categories, the demo's arrival shape at `load` of the windows' capacity at the
/// peak, 1–7 minute services) run through the real engine, then the 群众服务 report's mean absolute error.
enum WaitBench {
    static func run(dir: String, config: String, days: Int, load: Double) async throws {
        let cfg = try CounterdConfig.load(path: config)
        let path = dir + "/waits-\(Int(load * 100)).sqlite"
        Bench.fresh(path)
        let store = try EventStore(path: path, sync: .normal)
        let now = Date()
        let start = ContinuousClock.now
        let events = try await DemoHistory.seed(store: store, setup: cfg.setup, days: days, now: now, load: load)
        let elapsed = ContinuousClock.now - start
        let calendar = BusinessCalendar(identifier: cfg.setup.rules.timeZone)
        let to = calendar.day(of: now.addingTimeInterval(-86_400)), from = calendar.day(of: now.addingTimeInterval(-Double(days) * 86_400))
        let rows = try store.waitAccuracy(from: from, to: to)
        print("\n(waits) a generated month of the demo hall at \(Int(load * 100)) % of its peak capacity: \(days) days (\(Set(rows.map(\.day)).count) working), \(events) events, generated in \(String(format: "%.1f", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)) s")
        print("  category     tickets   mean wait   MAE (mean of days)   worst day MAE   bias")
        for c in cfg.setup.categories {
            let mine = rows.filter { $0.category == c.code }
            guard !mine.isEmpty else { continue }
            let tickets = mine.reduce(0) { $0 + $1.tickets }
            let weighted = { (f: (WaitAccuracyRow) -> Double) in mine.reduce(0.0) { $0 + f($1) * Double($1.tickets) } / Double(tickets) }
            let mae = mine.map(\.meanAbsoluteErrorSeconds).reduce(0, +) / Double(mine.count)
            print("  " + c.code.padding(toLength: 10, withPad: " ", startingAt: 0) + String(format: " %7d   %6.1f min   %6.1f min           %6.1f min     %+5.1f min", tickets,
                         weighted { $0.meanWaitSeconds } / 60, mae / 60, (mine.map(\.meanAbsoluteErrorSeconds).max() ?? 0) / 60,
                         weighted { $0.meanBiasSeconds } / 60))
        }
        let all = rows.reduce(0) { $0 + $1.tickets }
        let overall = rows.reduce(0.0) { $0 + $1.meanAbsoluteErrorSeconds * Double($1.tickets) } / Double(max(1, all))
        let wait = rows.reduce(0.0) { $0 + $1.meanWaitSeconds * Double($1.tickets) } / Double(max(1, all))
        print(String(format: "  all          %7d   %6.1f min   %6.1f min (ticket-weighted)", all, wait / 60, overall / 60))
    }
}
