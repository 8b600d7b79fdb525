import Foundation
@testable import Store
import TestSupport
import Testing

/// The citizens file: appointments masked and kept, a check-in recorded once, reminder numbers sealed,
/// wiped once used and deleted with their day.
@Suite struct CitizenStoreTests {
    @Test func masksAreApplied() {
        #expect(AppointmentRecord.maskName("张三丰") == "张*丰")
        #expect(AppointmentRecord.maskName("李四") == "李*")
        #expect(AppointmentRecord.maskName("王*明") == "王*明")
        #expect(AppointmentRecord.maskPhone("13812341234") == "138****1234")
        #expect(AppointmentRecord.maskPhone("138****1234") == "138****1234")
        #expect(AppointmentRecord.maskPhone("0571-8888") == "******88")
    }

    @Test func bookingCheckInAndReminders() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try CitizenStore(path: dir.path("citizens.sqlite"))
        let a = AppointmentRecord(code: "AP-1", day: "2026-12-02", slotStart: "09:00", slotEnd: "09:30", category: "a", name: "张*丰",
                                  phone: "138****1234", bookedAt: Date(timeIntervalSince1970: 1_000))
        #expect(try store.book(a) == .added)
        #expect(try store.book(a) == .unchanged)
        var moved = a
        moved.slotStart = "10:00"
        moved.slotEnd = "10:30"
        #expect(try store.book(moved) == .updated)
        #expect(try store.arrived(code: "AP-1", ticket: "2026-12-02/A001", at: Date(timeIntervalSince1970: 2_000), late: false))
        #expect(try store.book(a) == .alreadyArrived, "a checked-in appointment is not changed by the booking system")
        #expect(try store.appointment("AP-1")?.ticket == "2026-12-02/A001" && store.appointment("AP-1")?.slotStart == "10:00")
        #expect(try !store.arrived(code: "nope", ticket: "x", at: Date(), late: false))

        try store.addReminder(ReminderRecord(ticket: "2026-12-01/A001", day: "2026-12-01", sealedPhone: Data([1, 2, 3]), createdAt: Date()))
        try store.addReminder(ReminderRecord(ticket: "2026-12-02/A001", day: "2026-12-02", sealedPhone: Data([4, 5, 6]), createdAt: Date()))
        #expect(try store.pendingReminders().count == 2)
        try store.reminderDone(ticket: "2026-12-02/A001", outcome: "sent", at: Date())
        #expect(try store.pendingReminders().map(\.ticket) == ["2026-12-01/A001"])
        #expect(try store.deleteReminders(before: "2026-12-02") == 1)
        #expect(try store.reminderCount(day: "2026-12-01") == 0 && store.reminderCount(day: "2026-12-02") == 1)
        // Nothing of a number is left in the file once used: the sealed bytes are wiped.
        let wiped = try store.db.read { db in try Data.fetchOne(db, sql: "SELECT sealed_phone FROM reminders WHERE ticket = '2026-12-02/A001'") }
        #expect(wiped == Data())
    }
}
