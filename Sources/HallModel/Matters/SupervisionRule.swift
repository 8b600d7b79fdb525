import Foundation

/// An 电子监察 rule (监察规则): when it raises a warning on a matter, of which kind, for which department. Rules are
/// data (`SupervisionRules` reads them from a file); the conditions are a fixed set.
public struct SupervisionRule: Sendable, Equatable, Codable {
    /// 监察预警类型: 预警 (a notice), 黄牌, 红牌.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case notice
        case yellow
        case red

        public var chineseName: String {
            switch self {
            case .notice: "预警"
            case .yellow: "黄牌"
            case .red: "红牌"
            }
        }
    }

    public enum Condition: Sendable, Equatable, Codable {
        /// The deadline is within `workingDays` working days and not passed (and the clock is running).
        case dueWithin(workingDays: Int)
        /// The deadline has passed and the matter is not completed.
        case overdue
        /// A 环节 (any, or the one named) has been open for more than `workingDays` working days.
        case stageOver(name: String?, workingDays: Int)
        /// 不予 without a written reason.
        case deniedWithoutReason
        /// 受理 more than `minutes` after the citizen's ticket was called.
        case acceptedLate(minutes: Int)

        /// The names a rules file uses.
        public static let names = ["due_within", "overdue", "stage_over", "denied_without_reason", "accepted_late"]
    }

    /// 监察规则编号.
    public var id: String
    public var kind: Kind
    public var condition: Condition
    /// 责任部门.
    public var department: String
    /// 督办内容: what the warning says.
    public var text: String

    public init(id: String, kind: Kind, condition: Condition, department: String, text: String) {
        self.id = id
        self.kind = kind
        self.condition = condition
        self.department = department
        self.text = text
    }

    /// Whether the rule holds for `m` on `today` (business day, in `business`'s time zone); `calledAt`: when its ticket
    /// was called, if known.
    public func holds(for m: Matter, today: String, calendar: WorkingCalendar, business: BusinessCalendar, calledAt: Date? = nil) -> Bool {
        switch condition {
        case .dueWithin(let n):
            guard m.completion == nil, m.openStop == nil else { return false }
            let due = m.dueDay(calendar: calendar, today: today)
            return today <= due && calendar.workingDays(from: today, to: due) <= n
        case .overdue:
            guard m.completion == nil, m.openStop == nil else { return false }
            return today > m.dueDay(calendar: calendar, today: today)
        case .stageOver(let name, let n):
            guard m.completion == nil else { return false }
            return m.stages.contains { s in
                s.end == nil && (name == nil || s.name == name)
                    && calendar.workingDays(from: business.day(of: s.start), to: today) > n
            }
        case .deniedWithoutReason:
            guard let c = m.completion, c.result == .denied else { return false }
            return (c.reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty
        case .acceptedLate(let minutes):
            guard let calledAt else { return false }
            return m.acceptedAt.timeIntervalSince(calledAt) > Double(minutes) * 60
        }
    }
}
