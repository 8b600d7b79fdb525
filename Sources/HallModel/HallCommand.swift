import Foundation

/// What people and devices ask of the hall.
public enum HallCommand: Sendable, Equatable {
    case issueTicket(category: String, priority: Bool, details: IssueDetails = IssueDetails())
    /// Print-before-issue, step 1: take the next number without putting it in the queue.
    case reserveTicket(category: String, priority: Bool, details: IssueDetails = IssueDetails())
    /// Step 2 after the printer took the ticket: the reserved number joins the queue.
    case confirmTicket(ticket: String)
    /// Step 2 when the ticket could not be printed: the number is voided, with the reason.
    case voidTicket(ticket: String, reason: String)
    /// A rating for one ticket (phone via the ticket's QR link, or a window tablet). `served` is the
    /// ticket's stored record (looked up by the caller), nil when the store does not have it.
    case rateTicket(ticket: String, level: RatingLevel, served: ServedTicket?, detail: RatingDetail? = nil)
    case signIn(window: Int, clerk: String)
    case signOut(window: Int)
    case callNext(window: Int)
    case recall(window: Int)
    case noShow(window: Int)
    /// Send the ticket in service back to the queue under another category and/or to one window.
    case transfer(window: Int, toCategory: String?, toWindow: Int?)
    case pause(window: Int)
    case resume(window: Int)
    /// `projectNo`: the 办件编号 the clerk typed; nil: generated from the hall's prefix, the day and the number.
    case finish(window: Int, outcome: Outcome, projectNo: String? = nil)
    /// A caller keypad's evaluate key: finish with the serving ticket's category's `defaultOutcome`.
    case finishWithDefaultOutcome(window: Int)
    /// Hang (挂起) the ticket in service: set it aside at this window and serve others.
    case park(window: Int)
    /// Call a parked ticket (id or number) back into service; nil: the most recently parked.
    case callBack(window: Int, ticket: String? = nil)
    /// 指定叫号: call this waiting ticket (id or today's number), if the window may serve it.
    case callTicket(window: Int, ticket: String)
    /// 恢复过号: put a no-show back in the queue. `noShow` is the ticket as the store has it, given by the
    /// caller only when the store says it is a no-show (nil: it is not, or unknown).
    case requeueNoShow(ticket: String, noShow: Ticket?)
    case rate(window: Int, level: RatingLevel, detail: RatingDetail? = nil)
    /// The tablet's reasons for the level just given on the window's keypad (`ticket`: the rating they are for).
    case addReasons(window: Int, ticket: String, detail: RatingDetail)
    /// The citizen is still choosing the reasons of `ticket`'s level-only rating on the tablet: renew the reasons window.
    case extendReasons(window: Int, ticket: String)
    /// A manager's step on a 差评 case; `current` is the case as the store has it (nil: unknown). `Hall.execute`
    /// fills it in itself from the store, whatever the caller passed.
    case caseAction(case: String, action: CaseAction, manager: String, current: BadRatingCase?)
    /// A supervision condition started (raised) or stopped holding.
    case alert(SupervisionAlert, raised: Bool)
    /// A supervisor moves a waiting ticket (id or today's number) to another category and/or to one window.
    case moveWaiting(ticket: String, toCategory: String?, toWindow: Int?)
    /// A supervisor's notice for the TV and hall pages until `until` (nil: until taken down); "" takes it down.
    case postNotice(text: String, until: Date?)
    /// Records a setup change (reload or admin edit) that the runtime already checked and applied.
    case recordSetupChange(SetupChanged)
    /// Housekeeping only: rating timeouts and the midnight reset.
    case tick
    /// A device came or went; recorded so outages stand next to the ratings they explain.
    case deviceStatus(device: String, role: String, window: Int?, connected: Bool, detail: String)

    /// The window a command acts on, if any.
    public var window: Int? {
        switch self {
        case .issueTicket, .tick, .reserveTicket, .confirmTicket, .voidTicket, .rateTicket, .caseAction, .alert, .postNotice, .recordSetupChange,
             .requeueNoShow: nil
        case .moveWaiting(_, _, let w): w
        case .deviceStatus(_, _, let w, _, _): w
        case .signIn(let w, _), .signOut(let w), .callNext(let w), .recall(let w), .noShow(let w),
             .transfer(let w, _, _), .pause(let w), .resume(let w), .finish(let w, _, _), .finishWithDefaultOutcome(let w), .rate(let w, _, _), .park(let w), .callBack(let w, _), .callTicket(let w, _),
             .addReasons(let w, _, _), .extendReasons(let w, _):
            w
        }
    }

    public var name: String {
        switch self {
        case .issueTicket: "issue_ticket"
        case .reserveTicket: "reserve_ticket"
        case .confirmTicket: "confirm_ticket"
        case .voidTicket: "void_ticket"
        case .rateTicket: "rate_ticket"
        case .caseAction(_, let a, _, _): "case_\(a.name)"
        case .alert(_, let raised): raised ? "alert_raise" : "alert_clear"
        case .signIn: "sign_in"
        case .signOut: "sign_out"
        case .callNext: "call_next"
        case .recall: "recall"
        case .noShow: "no_show"
        case .transfer: "transfer"
        case .pause: "pause"
        case .resume: "resume"
        case .finish, .finishWithDefaultOutcome: "finish"
        case .park: "park"
        case .callBack: "call_back"
        case .callTicket: "call_ticket"
        case .requeueNoShow: "requeue_no_show"
        case .rate: "rate"
        case .addReasons: "add_reasons"
        case .extendReasons: "extend_reasons"
        case .tick: "tick"
        case .moveWaiting: "move_waiting"
        case .postNotice: "post_notice"
        case .recordSetupChange: "setup_change"
        case .deviceStatus: "device_status"
        }
    }
}

/// What the store knows about a served ticket, for a rating that arrives by ticket rather than at the window.
public struct ServedTicket: Sendable, Equatable {
    public var ticket: String
    public var number: String
    public var window: Int
    public var clerk: String
    public var category: String
    /// Business day the service finished on.
    public var servedDay: String
    public var finishedAt: Date
    /// Already rated (committed): a second rating is a duplicate.
    public var rated: Bool

    public init(ticket: String, number: String, window: Int, clerk: String, category: String, servedDay: String,
                finishedAt: Date, rated: Bool) {
        self.ticket = ticket
        self.number = number
        self.window = window
        self.clerk = clerk
        self.category = category
        self.servedDay = servedDay
        self.finishedAt = finishedAt
        self.rated = rated
    }
}

/// What a citizen adds to a level on the tablet or the phone: the 评价指标 codes chosen (checked against the
/// hall's list before the command is made), a comment, and for a 差评 a phone number for the callback.
public struct RatingDetail: Sendable, Equatable {
    public var reasons: [String]
    public var comment: String?
    public var phone: String?
    /// Where it was given; nil: the command's usual channel (the keypad for `rate`, the phone for `rateTicket`).
    public var channel: RatingChannel?
    /// False for a tap on the tablet's level: the reasons, comment and phone may follow within the reasons window.
    /// True when the citizen has said all they will (even if that is no reason at all).
    public var complete: Bool

    public init(reasons: [String] = [], comment: String? = nil, phone: String? = nil, channel: RatingChannel? = nil, complete: Bool = true) {
        self.reasons = reasons
        self.comment = comment
        self.phone = phone
        self.channel = channel
        self.complete = complete
    }
}
