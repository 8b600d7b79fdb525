import Foundation
import HallModel
import HallRuntime
import Kiosk
import Logging
import Store

/// The demo's booking system: eight appointments for today, half-hour slots from just before now, with
/// codes a person can type on the kiosk's 预约签到取号 keypad.
enum DemoAppointments {
    static func book(_ store: CitizenStore, setup: HallSetup, logger: Logger) {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: setup.rules.timeZone) ?? .current
        let now = Date()
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute], from: now)
        let day = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
        let start = max(0, (c.hour! * 60 + c.minute!) / 30 * 30 - 30)
        var codes: [String] = []
        for i in 0..<8 {
            let a = start + i * 30, b = a + 30
            guard b < 24 * 60, !setup.categories.isEmpty else { break }
            let code = String(format: "8%03d%04d", Int(day.suffix(2))!, i + 1)
            let input = AppointmentInput(code: code, day: day, slotStart: String(format: "%02d:%02d", a / 60, a % 60),
                                         slotEnd: String(format: "%02d:%02d", b / 60, b % 60),
                                         category: setup.categories[i % setup.categories.count].code, name: "演示用户", phone: "13800000000")
            if case .success(let record) = AppointmentIntake.check(input, setup: setup, bookedAt: now), (try? store.book(record)) != nil {
                codes.append("\(code) \(input.slotStart)–\(input.slotEnd)")
            }
        }
        if !codes.isEmpty { logger.notice("demo appointments for today (type one at the kiosk's 预约签到取号): \(codes.joined(separator: ", "))") }
    }
}
