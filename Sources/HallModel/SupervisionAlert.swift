import Foundation

/// A 电子监察 (supervision) alert: a condition that holds now. Raised once when it starts to hold and
/// cleared once when it stops; both are events in the log.
public struct SupervisionAlert: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A ticket waiting longer than the threshold.
        case longWait = "long_wait"
        /// A service running past its category's 限时办结 limit.
        case overTime = "over_time"
        /// A window with no clerk during opening hours while its categories have people waiting.
        case windowUnstaffed = "window_unstaffed"
        case deviceDown = "device_down"
        /// A 差评 (opens a case).
        case badRating = "bad_rating"
        /// The oldest record for the 好差评 platform has waited longer than `[platform] alert_after_minutes`.
        case platformBacklog = "platform_backlog"
    }

    public var kind: Kind
    /// What makes it one condition: "long_wait:2026-11-23/A012", "window_unstaffed:3", …
    public var key: String
    public var window: Int?
    public var ticket: String?
    public var number: String?
    public var device: String?
    public var message: String

    public init(kind: Kind, key: String, window: Int? = nil, ticket: String? = nil, number: String? = nil, device: String? = nil, message: String) {
        self.kind = kind
        self.key = key
        self.window = window
        self.ticket = ticket
        self.number = number
        self.device = device
        self.message = message
    }
}

/// Thresholds for supervision alerts: `[alerts]` in the config.
public struct AlertRules: Sendable, Equatable {
    public var waitMinutes: Double
    /// Opening hours on working days, minutes after local midnight; nil: windows are never required.
    public var opensAt: Int?
    public var closesAt: Int?

    public init(waitMinutes: Double = 30, opensAt: Int? = 9 * 60, closesAt: Int? = 17 * 60) {
        self.waitMinutes = waitMinutes
        self.opensAt = opensAt
        self.closesAt = closesAt
    }

    /// A device as the rules see it.
    public struct DeviceState: Sendable, Equatable {
        public var id: String
        public var window: Int?
        public var up: Bool
        /// Connected but unable to do its job (a printer out of paper): an alert too, with this reason.
        public var fault: String?

        public init(id: String, window: Int?, up: Bool, fault: String? = nil) {
            self.id = id
            self.window = window
            self.up = up
            self.fault = fault
        }
    }

    /// Every condition that holds at `now`. Pure: the monitor diffs successive results.
    public func conditions(setup: HallSetup, state: HallState, now: Date, devices: [DeviceState],
                           platformBacklog: (pending: Int, oldestMinutes: Int)? = nil) -> [SupervisionAlert] {
        var out: [SupervisionAlert] = []
        if let b = platformBacklog {
            out.append(SupervisionAlert(kind: .platformBacklog, key: "platform_backlog",
                                        message: "好差评平台推送积压：\(b.pending) 条记录未送达，最早的已等待 \(b.oldestMinutes) 分钟"))
        }
        for t in state.waiting where now.timeIntervalSince(t.issuedAt) > waitMinutes * 60 {
            let minutes = Int(now.timeIntervalSince(t.issuedAt) / 60)
            out.append(SupervisionAlert(kind: .longWait, key: "long_wait:\(t.id)", ticket: t.id, number: t.number,
                                        message: "\(t.number) 已等候 \(minutes) 分钟（超过 \(Int(waitMinutes)) 分钟）"))
        }
        for number in state.windows.keys.sorted() {
            guard let s = state.windows[number]?.serving, let category = setup.category(s.ticket.category) else { continue }
            let limit = Double(category.timeLimitMinutes) * 60
            if now.timeIntervalSince(s.lastCalledAt) > limit {
                out.append(SupervisionAlert(kind: .overTime, key: "over_time:\(s.ticket.id)", window: number, ticket: s.ticket.id,
                                            number: s.ticket.number,
                                            message: "\(number) 号窗口办理 \(s.ticket.number) 超过\(category.name)限时 \(category.timeLimitMinutes) 分钟"))
            }
        }
        let calendar = BusinessCalendar(identifier: setup.rules.timeZone)
        let day = calendar.day(of: now)
        if let opens = opensAt, let closes = closesAt, setup.rules.workingCalendar.isWorkingDay(day),
           let start = calendar.start(of: day) {
            let minute = Int(now.timeIntervalSince(start) / 60)
            if minute >= opens && minute < closes {
                let waiting = state.waitingCounts
                for w in setup.windows where state.window(w.number).clerk == nil {
                    let people = w.categories.reduce(0) { $0 + waiting[$1, default: 0] }
                    if people > 0 {
                        out.append(SupervisionAlert(kind: .windowUnstaffed, key: "window_unstaffed:\(w.number)", window: w.number,
                                                    message: "\(w.name) 无人在岗，其业务有 \(people) 人等候"))
                    }
                }
            }
        }
        for d in devices where !d.up || d.fault != nil {
            out.append(SupervisionAlert(kind: .deviceDown, key: "device_down:\(d.id)", window: d.window, device: d.id,
                                        message: d.up ? "设备 \(d.id) 故障：\(d.fault ?? "")" : "设备 \(d.id) 断开"))
        }
        return out
    }
}
