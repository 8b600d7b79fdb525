import Foundation
import HallModel
import HallRuntime
import Store

/// 群众服务 figures over a period: 绿色通道 tickets by reason, appointments (booked, arrived, late, no-show,
/// 到场率) per category, and how far the wait estimates were from the real waits.
public struct CitizenReport: Sendable, Encodable {
    public struct AppointmentRow: Sendable, Encodable, Equatable {
        public var category: String
        public var categoryName: String
        public var booked: Int
        public var arrived: Int
        public var late: Int
        /// Booked, not arrived, and past the slot's late tolerance.
        public var noShow: Int
        /// Still able to arrive (today, slot not over).
        public var open: Int
        /// arrived / (booked − open); nil before any appointment could have arrived.
        public var arrivalRate: Double?
    }

    public struct PriorityRow: Sendable, Encodable, Equatable {
        public var category: String
        public var categoryName: String
        public var reason: String
        public var tickets: Int
    }

    public struct AccuracyRow: Sendable, Encodable, Equatable {
        public var day: String
        public var category: String
        public var categoryName: String
        public var tickets: Int
        public var meanAbsoluteErrorMinutes: Double
        public var meanBiasMinutes: Double
        public var meanWaitMinutes: Double
    }

    public var from: String
    public var to: String
    public var priority: [PriorityRow]
    public var appointments: [AppointmentRow]
    public var waitAccuracy: [AccuracyRow]

    /// `lateMinutes`: the check-in tolerance after a slot's end; an appointment is a no-show after that.
    public static func make(store: EventStore, citizens: CitizenStore?, setup: HallSetup, from: String, to: String,
                            now: Date, lateMinutes: Int) throws -> CitizenReport {
        func name(_ c: String) -> String { setup.category(c)?.name ?? c }
        let priority = try store.priorityCounts(from: from, to: to).map {
            PriorityRow(category: $0.category, categoryName: name($0.category), reason: $0.reason.isEmpty ? "未注明" : $0.reason, tickets: $0.tickets)
        }
        let accuracy = try store.waitAccuracy(from: from, to: to).map {
            AccuracyRow(day: $0.day, category: $0.category, categoryName: name($0.category), tickets: $0.tickets,
                        meanAbsoluteErrorMinutes: ($0.meanAbsoluteErrorSeconds / 6).rounded() / 10,
                        meanBiasMinutes: ($0.meanBiasSeconds / 6).rounded() / 10, meanWaitMinutes: ($0.meanWaitSeconds / 6).rounded() / 10)
        }
        var rows: [String: AppointmentRow] = [:]
        for a in try citizens?.appointments(from: from, to: to) ?? [] {
            var r = rows[a.category] ?? AppointmentRow(category: a.category, categoryName: name(a.category), booked: 0, arrived: 0, late: 0,
                                                       noShow: 0, open: 0, arrivalRate: nil)
            r.booked += 1
            if a.ticket != nil {
                r.arrived += 1
                if a.late { r.late += 1 }
            } else if let end = KioskDesk.instant(day: a.day, time: a.slotEnd, timeZone: setup.rules.timeZone),
                      now > end.addingTimeInterval(Double(lateMinutes) * 60) {
                r.noShow += 1
            } else {
                r.open += 1
            }
            rows[a.category] = r
        }
        let appointments = rows.values.map { r -> AppointmentRow in
            var r = r
            let due = r.booked - r.open
            r.arrivalRate = due > 0 ? Double(r.arrived) / Double(due) : nil
            return r
        }.sorted { $0.category < $1.category }
        return CitizenReport(from: from, to: to, priority: priority, appointments: appointments, waitAccuracy: accuracy)
    }
}
