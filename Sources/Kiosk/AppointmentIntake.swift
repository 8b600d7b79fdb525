import Foundation
import HallModel
import HallRuntime
import Store

/// One appointment as the booking system sends it (API body or a CSV row).
public struct AppointmentInput: Sendable, Decodable, Equatable {
    public var code: String
    public var day: String
    public var slotStart: String
    public var slotEnd: String
    public var category: String
    public var name: String
    public var phone: String

    public init(code: String, day: String, slotStart: String, slotEnd: String, category: String, name: String, phone: String) {
        self.code = code
        self.day = day
        self.slotStart = slotStart
        self.slotEnd = slotEnd
        self.category = category
        self.name = name
        self.phone = phone
    }

    /// The CSV columns `counterctl appointments import` reads, in this order (a header row with these names).
    public static let csvColumns = ["code", "day", "slot_start", "slot_end", "category", "name", "phone"]
}

/// What is wrong with one appointment, naming the field.
public struct IntakeProblem: Sendable, Equatable, Encodable, Error {
    public var field: String
    public var zh: String
    public var en: String
}

/// Checks an appointment from the booking system and masks its personal data before anything is stored.
public enum AppointmentIntake {
    public static func check(_ i: AppointmentInput, setup: HallSetup, bookedAt: Date) -> Result<AppointmentRecord, IntakeProblem> {
        let code = i.code.trimmingCharacters(in: .whitespaces)
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        guard (4...64).contains(code.count), code.unicodeScalars.allSatisfy(allowed.contains) else {
            return .failure(IntakeProblem(field: "code", zh: "预约码须为 4–64 位字母、数字、- 或 _", en: "code must be 4 to 64 letters, digits, - or _"))
        }
        guard isDay(i.day) else {
            return .failure(IntakeProblem(field: "day", zh: "日期须为 yyyy-MM-dd，例如 2026-12-02", en: "day must be yyyy-MM-dd, e.g. 2026-12-02"))
        }
        guard let a = minutes(i.slotStart), let b = minutes(i.slotEnd) else {
            return .failure(IntakeProblem(field: "slot_start", zh: "时段须为 HH:mm，例如 09:00 和 09:30", en: "slot_start and slot_end must be HH:mm, e.g. 09:00 and 09:30"))
        }
        guard a < b else {
            return .failure(IntakeProblem(field: "slot_end", zh: "时段结束须晚于开始", en: "slot_end must be after slot_start"))
        }
        guard setup.category(i.category) != nil else {
            return .failure(IntakeProblem(field: "category", zh: "没有业务类别 \(i.category)（可选：\(setup.categories.map(\.code).joined(separator: "、"))）",
                                          en: "no category \(i.category) (have: \(setup.categories.map(\.code).joined(separator: ", ")))"))
        }
        let name = i.name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 40 else {
            return .failure(IntakeProblem(field: "name", zh: "姓名须为 1–40 个字", en: "name must be 1 to 40 characters"))
        }
        let digits = i.phone.filter { $0.isNumber || $0 == "*" }
        guard (5...20).contains(digits.count) else {
            return .failure(IntakeProblem(field: "phone", zh: "手机号码无效", en: "phone must have 5 to 20 digits"))
        }
        return .success(AppointmentRecord(code: code, day: i.day, slotStart: i.slotStart, slotEnd: i.slotEnd, category: i.category,
                                          name: AppointmentRecord.maskName(name), phone: AppointmentRecord.maskPhone(i.phone),
                                          bookedAt: bookedAt))
    }

    static func isDay(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return false }
        return (2000...2100).contains(y) && (1...12).contains(m) && (1...31).contains(d)
    }

    static func minutes(_ s: String) -> Int? {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0...23).contains(h), (0...59).contains(m) else { return nil }
        return h * 60 + m
    }
}
