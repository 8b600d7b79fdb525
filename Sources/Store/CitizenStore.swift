import Foundation
import GRDB

/// One booked appointment (预约), as the booking system sent it, personal data masked.
public struct AppointmentRecord: Sendable, Equatable, Codable {
    /// The code on the citizen's QR/barcode or SMS; unique.
    public var code: String
    /// Business day, "2026-12-02".
    public var day: String
    /// The slot as local wall-clock times, "09:00" and "09:30".
    public var slotStart: String
    public var slotEnd: String
    public var category: String
    /// Masked before it is stored: "张*明".
    public var name: String
    /// Masked before it is stored: "138****1234".
    public var phone: String
    public var bookedAt: Date
    /// The ticket it checked in with, when it did.
    public var ticket: String?
    public var arrivedAt: Date?
    /// Checked in after its slot's end (within the late tolerance).
    public var late: Bool

    public init(code: String, day: String, slotStart: String, slotEnd: String, category: String, name: String, phone: String,
                bookedAt: Date, ticket: String? = nil, arrivedAt: Date? = nil, late: Bool = false) {
        self.code = code
        self.day = day
        self.slotStart = slotStart
        self.slotEnd = slotEnd
        self.category = category
        self.name = name
        self.phone = phone
        self.bookedAt = bookedAt
        self.ticket = ticket
        self.arrivedAt = arrivedAt
        self.late = late
    }

    /// "张三丰" → "张*丰", "张三" → "张*"; an already masked name stays.
    public static func maskName(_ s: String) -> String {
        let chars = Array(s.trimmingCharacters(in: .whitespaces))
        if chars.contains("*") || chars.count <= 1 { return String(chars) }
        if chars.count == 2 { return String(chars[0]) + "*" }
        return String(chars[0]) + String(repeating: "*", count: chars.count - 2) + String(chars[chars.count - 1])
    }

    /// "13812341234" → "138****1234"; shorter numbers keep only their last two digits.
    public static func maskPhone(_ s: String) -> String {
        let digits = Array(s.filter { $0.isNumber || $0 == "*" })
        if digits.count >= 11 { return String(digits.prefix(3)) + "****" + String(digits.suffix(4)) }
        if digits.count <= 2 { return String(repeating: "*", count: digits.count) }
        return String(repeating: "*", count: digits.count - 2) + String(digits.suffix(2))
    }
}

/// A turn-near reminder: the ticket and the citizen's mobile number, encrypted (`ReminderCipher`).
public struct ReminderRecord: Sendable, Equatable {
    public var ticket: String
    public var day: String
    /// AES-GCM sealed box of the number (nonce + ciphertext + tag).
    public var sealedPhone: Data
    public var createdAt: Date
    /// When the message went (or gave up): nil while pending.
    public var doneAt: Date?
    /// sent, failed, or nil while pending.
    public var outcome: String?

    public init(ticket: String, day: String, sealedPhone: Data, createdAt: Date, doneAt: Date? = nil, outcome: String? = nil) {
        self.ticket = ticket
        self.day = day
        self.sealedPhone = sealedPhone
        self.createdAt = createdAt
        self.doneAt = doneAt
        self.outcome = outcome
    }
}

/// Citizens' personal data, in their own SQLite file beside the event log (`citizens.sqlite`, 0640):
/// the appointments the booking system sent, and the encrypted numbers of turn-near reminders, which are
/// deleted at the end of each business day. None of it is in the event log, which keeps forever.
public final class CitizenStore: Sendable {
    let db: DatabaseQueue
    public let path: String

    public init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        db = try DatabaseQueue(path: path, configuration: config)
        try db.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = WAL") }
        try Self.migrator.migrate(db)
        for file in [path, path + "-wal", path + "-shm"] { chmod(file, 0o640) }
    }

    /// The file beside a hall database.
    public static func path(besideDatabase database: String) -> String {
        let dir = (database as NSString).deletingLastPathComponent
        return dir.isEmpty ? "citizens.sqlite" : (dir as NSString).appendingPathComponent("citizens.sqlite")
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-citizens") { db in
            try db.execute(sql: """
                CREATE TABLE appointments (
                    code TEXT PRIMARY KEY NOT NULL,
                    day TEXT NOT NULL,
                    slot_start TEXT NOT NULL,
                    slot_end TEXT NOT NULL,
                    category TEXT NOT NULL,
                    name TEXT NOT NULL,
                    phone TEXT NOT NULL,
                    booked_at_ms INTEGER NOT NULL,
                    ticket TEXT,
                    arrived_at_ms INTEGER,
                    late INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX appointments_day ON appointments(day);
                CREATE TABLE reminders (
                    ticket TEXT PRIMARY KEY NOT NULL,
                    day TEXT NOT NULL,
                    sealed_phone BLOB NOT NULL,
                    created_at_ms INTEGER NOT NULL,
                    done_at_ms INTEGER,
                    outcome TEXT
                );
                CREATE INDEX reminders_day ON reminders(day);
                """)
        }
        return m
    }

    private func ms(_ d: Date) -> Int64 { Int64((d.timeIntervalSince1970 * 1000).rounded()) }
    private func date(_ v: Int64?) -> Date? { v.map { Date(timeIntervalSince1970: Double($0) / 1000) } }

    // MARK: Appointments

    public enum Booked: Sendable, Equatable { case added, updated, unchanged, alreadyArrived }

    /// Adds or replaces an appointment by code; one that has checked in stays as it was.
    public func book(_ a: AppointmentRecord) throws -> Booked {
        try db.write { db in
            if let old = try Row.fetchOne(db, sql: "SELECT * FROM appointments WHERE code = ?", arguments: [a.code]).map(appointment) {
                if old.ticket != nil { return .alreadyArrived }
                var same = a
                same.bookedAt = old.bookedAt
                if same == old { return .unchanged }
                try db.execute(sql: """
                    UPDATE appointments SET day = ?, slot_start = ?, slot_end = ?, category = ?, name = ?, phone = ? WHERE code = ?
                    """, arguments: [a.day, a.slotStart, a.slotEnd, a.category, a.name, a.phone, a.code])
                return .updated
            }
            try db.execute(sql: """
                INSERT INTO appointments (code, day, slot_start, slot_end, category, name, phone, booked_at_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [a.code, a.day, a.slotStart, a.slotEnd, a.category, a.name, a.phone, ms(a.bookedAt)])
            return .added
        }
    }

    public func appointment(_ code: String) throws -> AppointmentRecord? {
        try db.read { db in try Row.fetchOne(db, sql: "SELECT * FROM appointments WHERE code = ?", arguments: [code]).map(appointment) }
    }

    public func appointments(from: String, to: String) throws -> [AppointmentRecord] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM appointments WHERE day >= ? AND day <= ? ORDER BY day, slot_start, code",
                             arguments: [from, to]).map(appointment)
        }
    }

    /// Records the check-in (after its ticket is committed); false when the code is unknown.
    public func arrived(code: String, ticket: String, at: Date, late: Bool) throws -> Bool {
        try db.write { db in
            try db.execute(sql: "UPDATE appointments SET ticket = ?, arrived_at_ms = ?, late = ? WHERE code = ?",
                           arguments: [ticket, ms(at), late, code])
            return db.changesCount > 0
        }
    }

    private func appointment(_ r: Row) -> AppointmentRecord {
        AppointmentRecord(code: r["code"], day: r["day"], slotStart: r["slot_start"], slotEnd: r["slot_end"], category: r["category"],
                          name: r["name"], phone: r["phone"], bookedAt: date(r["booked_at_ms"])!, ticket: r["ticket"],
                          arrivedAt: date(r["arrived_at_ms"]), late: r["late"])
    }

    // MARK: Reminders

    public func addReminder(_ r: ReminderRecord) throws {
        try db.write { db in
            try db.execute(sql: """
                INSERT INTO reminders (ticket, day, sealed_phone, created_at_ms) VALUES (?, ?, ?, ?)
                ON CONFLICT (ticket) DO UPDATE SET sealed_phone = excluded.sealed_phone, done_at_ms = NULL, outcome = NULL
                """, arguments: [r.ticket, r.day, r.sealedPhone, ms(r.createdAt)])
        }
    }

    /// Reminders not yet sent or given up.
    public func pendingReminders() throws -> [ReminderRecord] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM reminders WHERE done_at_ms IS NULL ORDER BY created_at_ms").map {
                ReminderRecord(ticket: $0["ticket"], day: $0["day"], sealedPhone: $0["sealed_phone"], createdAt: date($0["created_at_ms"])!)
            }
        }
    }

    public func reminderDone(ticket: String, outcome: String, at: Date) throws {
        try db.write { db in
            // The number is no longer needed once the message went or gave up.
            try db.execute(sql: "UPDATE reminders SET done_at_ms = ?, outcome = ?, sealed_phone = X'' WHERE ticket = ?",
                           arguments: [ms(at), outcome, ticket])
        }
    }

    /// Deletes every reminder of days before `day` (numbers included); returns how many.
    @discardableResult
    public func deleteReminders(before day: String) throws -> Int {
        try db.write { db in
            try db.execute(sql: "DELETE FROM reminders WHERE day < ?", arguments: [day])
            return db.changesCount
        }
    }

    /// Reminder outcomes by day: (day, sent, failed, pending).
    public func reminderCount(day: String) throws -> Int {
        try db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM reminders WHERE day = ?", arguments: [day]) ?? 0 }
    }
}
