/// 效能 at 办结 (the classes deployed 效能 systems publish): 即办, 提前, 按期, 逾期.
public enum MatterEfficiency: String, Sendable, Codable, CaseIterable {
    case immediate
    case early
    case onTime = "on_time"
    case late

    public var chineseName: String {
        switch self {
        case .immediate: "即办"
        case .early: "提前"
        case .onTime: "按期"
        case .late: "逾期"
        }
    }

    /// A completed matter's class: a 即办件 completed the day it was accepted is 即办 (later, it is judged against
    /// that same day); the others against their due day.
    public static func of(outcome: Outcome, acceptedDay: String, completedDay: String, dueDay: String) -> MatterEfficiency {
        if outcome == .immediate && completedDay <= acceptedDay { return .immediate }
        if completedDay < dueDay { return .early }
        if completedDay == dueDay { return .onTime }
        return .late
    }
}

/// An open matter's light on the 电子监察 board: 正常, 黄牌 (due within `yellowWorkingDays` working days), 红牌 (overdue).
public enum MatterSignal: String, Sendable, Codable, CaseIterable {
    case normal
    case yellow
    case red

    public var chineseName: String {
        switch self {
        case .normal: "正常"
        case .yellow: "黄牌"
        case .red: "红牌"
        }
    }

    /// Due today or within `yellowWorkingDays` working days: yellow; past the due day: red.
    public static func of(dueDay: String, today: String, calendar: WorkingCalendar, yellowWorkingDays: Int = 1) -> MatterSignal {
        if today > dueDay { return .red }
        return calendar.workingDays(from: today, to: dueDay) <= yellowWorkingDays ? .yellow : .normal
    }
}
