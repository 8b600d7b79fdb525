import Foundation
import HallModel
import Store

/// Reports for managers, read from the projections with names from the config.
public struct Reports: Sendable {
    public let store: EventStore
    public let setup: HallSetup

    public init(store: EventStore, setup: HallSetup) {
        self.store = store
        self.setup = setup
    }

    public enum InvalidRange: Error, CustomStringConvertible {
        case badDate(String)
        case reversed(from: String, to: String)

        public var description: String {
            switch self {
            case .badDate(let d): "not a date (want yyyy-MM-dd): \(d)"
            case .reversed(let f, let t): "--from \(f) is after --to \(t)"
            }
        }
    }

    /// Checks a business-day range given as yyyy-MM-dd.
    public func validate(from: String, to: String) throws(InvalidRange) {
        let calendar = BusinessCalendar(identifier: setup.rules.timeZone)
        guard calendar.start(of: from) != nil else { throw .badDate(from) }
        guard calendar.start(of: to) != nil else { throw .badDate(to) }
        guard from <= to else { throw .reversed(from: from, to: to) }
    }

    public func rows(_ scope: StatsScope, from: String, to: String) throws -> [ReportRow] {
        try validate(from: from, to: to)
        let totals = try store.totals(scope: scope, from: from, to: to)
        return ReportBuilder.rows(scope: scope, totals: totals, names: names(scope), weights: setup.rules.scoreWeights)
    }

    public func names(_ scope: StatsScope) -> [String: String] {
        var names: [String: String] = [:]
        switch scope {
        case .window: for w in setup.windows { names[String(w.number)] = w.name }
        case .clerk: for c in setup.clerks { names[c.id] = c.name }
        case .category: for c in setup.categories { names[c.code] = c.name }
        }
        return names
    }
}
