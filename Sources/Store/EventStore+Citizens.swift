import Foundation
import GRDB

/// Priority tickets of one category and reason over a period.
public struct PriorityCount: Sendable, Equatable, Codable {
    public var category: String
    /// The 绿色通道 reason; "" for priority tickets taken without one (the API's plain `priority`).
    public var reason: String
    public var tickets: Int
}

/// How far the kiosk's estimates were from the real waits, per category and day.
public struct WaitAccuracyRow: Sendable, Equatable, Codable {
    public var day: String
    public var category: String
    /// Tickets called that had an estimate.
    public var tickets: Int
    /// Mean absolute error, seconds.
    public var meanAbsoluteErrorSeconds: Double
    /// Mean of (real − estimated), seconds: positive when the kiosk promised too little.
    public var meanBiasSeconds: Double
    public var meanWaitSeconds: Double
}

extension EventStore {
    public func priorityCounts(from: String, to: String) throws -> [PriorityCount] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT category, COALESCE(priority_reason, '') AS reason, COUNT(*) AS n FROM tickets
                WHERE day >= ? AND day <= ? AND priority = 1 GROUP BY category, reason ORDER BY category, reason
                """, arguments: [from, to]).map { PriorityCount(category: $0["category"], reason: $0["reason"], tickets: $0["n"]) }
        }
    }

    /// The real wait is issue → first call, for every ticket called (served or not) that had an estimate.
    public func waitAccuracy(from: String, to: String) throws -> [WaitAccuracyRow] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT day, category, COUNT(*) AS n,
                       AVG(ABS((called_at_ms - issued_at_ms) / 1000.0 - estimated_wait_seconds)) AS mae,
                       AVG((called_at_ms - issued_at_ms) / 1000.0 - estimated_wait_seconds) AS bias,
                       AVG((called_at_ms - issued_at_ms) / 1000.0) AS wait
                FROM tickets
                WHERE day >= ? AND day <= ? AND estimated_wait_seconds IS NOT NULL AND called_at_ms IS NOT NULL
                GROUP BY day, category ORDER BY day, category
                """, arguments: [from, to]).map {
                    WaitAccuracyRow(day: $0["day"], category: $0["category"], tickets: $0["n"], meanAbsoluteErrorSeconds: $0["mae"],
                                    meanBiasSeconds: $0["bias"], meanWaitSeconds: $0["wait"])
                }
        }
    }
}
