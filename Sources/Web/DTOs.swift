import Devices
import Foundation
import HallModel

/// JSON views of the hall for the API. Keys are snake_case.
struct CategoryView: Encodable {
    var code: String
    var name: String
    var prefix: String
    var waiting: Int
    var checklist: [String]
    var timeLimitMinutes: Int
}

struct ClerkView: Encodable {
    var id: String
    var name: String
    /// 工号.
    var staffNo: String?
    /// Where the photo is served, when the config names one.
    var photoUrl: String?

    init(id: String, setup: HallSetup) {
        let c = setup.clerk(id)
        self.id = id
        name = c?.name ?? id
        staffNo = c?.staffNo
        photoUrl = c?.photo == nil ? nil : "/api/clerks/\(id)/photo"
    }
}

/// A keypad rating whose reasons the tablet may add.
struct ReasonsWantedView: Encodable {
    var ticket: String
    var number: String
    var level: Int
    var levelName: String
    var until: Date
    /// When the level was given.
    var since: Date?
    /// "evaluator" (the keypad) or "tablet" (a tap on the tablet).
    var channel: String
    /// The length of the reasons window; the tablet renews it while the citizen types.
    var windowSeconds: Double
}

struct TicketView: Encodable {
    var ticket: String
    var number: String
    var category: String
    var priority: Bool
    var issuedAt: Date
    var directedWindow: Int?
    var transfers: Int
}

struct ServingView: Encodable {
    var ticket: String
    var number: String
    var category: String
    var firstCalledAt: Date
    var lastCalledAt: Date
    var recalls: Int
}

struct AwaitingView: Encodable {
    var ticket: String
    var number: String
    var deadline: Date
}

struct WindowView: Encodable {
    var number: Int
    var name: String
    var categories: [String]
    var phase: String
    var paused: Bool
    var clerk: ClerkView?
    var serving: ServingView?
    var awaitingRating: AwaitingView?
    var reasonsWanted: ReasonsWantedView?

    init(_ config: ServiceWindow, _ s: WindowState, setup: HallSetup) {
        number = config.number
        name = config.name
        categories = config.categories
        phase = s.phase
        paused = s.paused
        clerk = s.clerk.map { ClerkView(id: $0, setup: setup) }
        serving = s.serving.map {
            ServingView(ticket: $0.ticket.id, number: $0.ticket.number, category: $0.ticket.category,
                        firstCalledAt: $0.firstCalledAt, lastCalledAt: $0.lastCalledAt, recalls: $0.recalls)
        }
        awaitingRating = s.awaiting.map { AwaitingView(ticket: $0.ticket, number: $0.number, deadline: $0.deadline) }
        reasonsWanted = s.reasonsWanted.map {
            ReasonsWantedView(ticket: $0.ticket, number: $0.number, level: $0.level.rawValue, levelName: $0.level.chineseName, until: $0.until,
                              since: $0.since, channel: ($0.channel ?? .evaluator).rawValue, windowSeconds: setup.rules.reasonsWindowSeconds)
        }
    }
}

struct HallView: Encodable {
    var hall: String
    var day: String
    var now: Date
    var categories: [CategoryView]
    var windows: [WindowView]
    var waiting: [TicketView]
    var devices: [DeviceHealth]
    /// The supervisor's notice for the TV and hall pages, while it lasts.
    var notice: HallNotice?
    /// The hall's time zone: screens show its clock, not the PC's.
    var timeZone: String

    init(setup: HallSetup, state: HallState, now: Date, devices: [DeviceHealth] = []) {
        self.devices = devices
        notice = state.notice.flatMap { $0.shows(at: now) ? $0 : nil }
        timeZone = setup.rules.timeZone
        hall = setup.name
        day = state.day
        self.now = now
        let counts = state.waitingCounts
        categories = setup.categories.map {
            CategoryView(code: $0.code, name: $0.name, prefix: $0.prefix, waiting: counts[$0.code, default: 0],
                         checklist: $0.checklist, timeLimitMinutes: $0.timeLimitMinutes)
        }
        windows = setup.windows.map { WindowView($0, state.window($0.number), setup: setup) }
        waiting = state.waiting.map {
            TicketView(ticket: $0.id, number: $0.number, category: $0.category, priority: $0.priority,
                       issuedAt: $0.issuedAt, directedWindow: $0.directedWindow, transfers: $0.transfers)
        }
    }
}

/// A stored event flattened: `seq` beside the event's own fields.
struct EventView: Encodable {
    var stored: StoredEvent

    enum Keys: String, CodingKey { case seq }

    func encode(to encoder: any Encoder) throws {
        try stored.record.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(stored.seq, forKey: .seq)
    }
}

struct IssuedTicketView: Encodable {
    var ticket: String
    var number: String
    var category: String
    var categoryName: String
    var priority: Bool
    var issuedAt: Date
    var waitingAhead: Int
    var checklist: [String]
    var windows: [Int]
}

struct CommandResult: Encodable {
    var events: [EventView]
    var window: WindowView?
}

struct RatingResult: Encodable {
    var accepted: Bool
    var ticket: String?
    var level: Int
    var levelName: String
    var events: [EventView]
    /// A level-only rating: until when its reasons, comment and phone may follow (`POST …/rating/reasons`).
    var reasonsUntil: Date?
}

struct ReasonsExtendResult: Encodable {
    var ticket: String
    var until: Date
}
