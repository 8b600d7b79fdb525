import Foundation
import HallModel
import Logging
import Metrics

/// Each hall's link as the district sees it: how far its log has arrived, how stale the district's view
/// is, and whether the hall has gone quiet during its opening hours (a hall ships at least every 30 s,
/// even with nothing new, so silence means the hall or its line is down).
public struct HallLinkMonitor: Sendable {
    let config: DistrictConfig
    let store: DistrictStore

    public struct Link: Codable, Sendable, Equatable {
        public var hallId: String
        public var name: String
        public var level: String
        public var parent: String?
        public var lastSeq: Int64
        /// The hall's own last seq as it last said; lag = hall_last_seq − last_seq.
        public var hallLastSeq: Int64?
        public var lagEvents: Int64
        /// Age of the newest event the district holds while the hall has more; 0 when caught up.
        public var lagSeconds: Double
        public var lastEventAt: Date?
        public var lastReceivedAt: Date?
        /// When the hall was last heard from, if that is longer ago than `silent_after_minutes`.
        public var offlineSince: Date?
        /// ok, lagging, offline, silent (offline during opening hours: an alert), never (nothing received yet).
        public var state: String
        public var message: String

        enum CodingKeys: String, CodingKey {
            case hallId = "hall_id", name, level, parent, lastSeq = "last_seq", hallLastSeq = "hall_last_seq", lagEvents = "lag_events"
            case lagSeconds = "lag_seconds", lastEventAt = "last_event_at", lastReceivedAt = "last_received_at", offlineSince = "offline_since"
            case state, message
        }
    }

    /// Whether `now` is inside the hall's opening hours on one of its working days.
    static func isOpen(_ setup: ReportSetup?, at now: Date) -> Bool {
        guard let setup, let opens = setup.opensAt, let closes = setup.closesAt else { return false }
        let zone = TimeZone(identifier: setup.timeZone) ?? TimeZone(identifier: "Asia/Shanghai")!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.hour, .minute], from: now)
        let minute = (c.hour ?? 0) * 60 + (c.minute ?? 0)
        let day = BusinessCalendar(timeZone: zone).day(of: now)
        return setup.calendar.isWorkingDay(day) && minute >= opens && minute < closes
    }

    public func links(now: Date = Date()) async throws -> [Link] {
        let heads = Dictionary(uniqueKeysWithValues: try await store.heads().map { ($0.hallId, $0) })
        let setups = try await DistrictReports(store: store, config: config).setups()
        let quiet = config.silentAfterMinutes * 60
        return config.halls.map { h in
            let head = heads[h.id]
            let last = head?.lastSeq ?? 0
            let lag = max(0, (head?.hallLastSeq ?? last) - last)
            let lastEvent = head?.lastEventAtMs.map { Date(timeIntervalSince1970: Double($0) / 1000) }
            let received = head?.lastReceivedAt
            let offline = received.flatMap { now.timeIntervalSince($0) > quiet ? $0 : nil }
            let state: String, message: String
            if received == nil {
                state = "never"
                message = "尚未收到该厅的日志：请检查该厅 [district] 配置与令牌"
            } else if let offline {
                let gone = now.timeIntervalSince(offline)
                let minutes = gone < 60 ? "不足 1 分钟" : "\(Int(gone / 60)) 分钟"
                if Self.isOpen(setups[h.id], at: now) {
                    state = "silent"
                    message = "营业时间内已 \(minutes)未收到该厅数据：请联系该厅检查网络与 counterd 服务"
                } else {
                    state = "offline"
                    message = "已 \(minutes)未收到该厅数据（非营业时间）"
                }
            } else if lag > 0 {
                state = "lagging"
                message = "待补传 \(lag) 条"
            } else {
                state = "ok"
                message = "正常"
            }
            return Link(hallId: h.id, name: h.name, level: h.level, parent: h.parent, lastSeq: last, hallLastSeq: head?.hallLastSeq,
                        lagEvents: lag, lagSeconds: lag > 0 ? max(0, lastEvent.map { now.timeIntervalSince($0) } ?? 0) : 0,
                        lastEventAt: lastEvent, lastReceivedAt: received, offlineSince: offline, state: state, message: message)
        }
    }

    /// Every minute: gauges per hall, and a log line when a hall falls silent in its opening hours or comes back.
    public func run(logger: Logger) async {
        var silent = Set<String>()
        while !Task.isCancelled {
            // Bounded like the requests: a read stuck after a PostgreSQL restart must not hold the stop.
            if let links = try? await Deadline.answered(within: Deadline.readSeconds, { try await self.links() }) {
                for l in links {
                    Gauge(label: "counterd_district_hall_lag_events", dimensions: [("hall", l.hallId)]).record(Int(l.lagEvents))
                    Gauge(label: "counterd_district_hall_lag_seconds", dimensions: [("hall", l.hallId)]).record(l.lagSeconds)
                    if l.state == "silent", silent.insert(l.hallId).inserted {
                        logger.warning("hall silent during its opening hours", metadata: ["hall": "\(l.hallId)", "since": "\(l.offlineSince.map { "\($0)" } ?? "-")"])
                    } else if l.state != "silent", silent.remove(l.hallId) != nil {
                        logger.notice("hall heard from again", metadata: ["hall": "\(l.hallId)"])
                    }
                }
                Gauge(label: "counterd_district_halls_silent").record(silent.count)
            }
            try? await Task.sleep(for: .seconds(60))
        }
    }
}
