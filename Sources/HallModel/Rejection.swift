/// Why a command was refused. A refused command changes nothing.
public enum Rejection: Error, Sendable, Equatable {
    case unknownCategory(String)
    case unknownWindow(Int)
    case unknownClerk(String)
    case noClerkSignedIn(window: Int)
    case clerkAlreadySignedIn(clerk: String, window: Int)
    case clerkAtOtherWindow(clerk: String, window: Int)
    case windowPaused(window: Int)
    case windowNotPaused(window: Int)
    case ticketInService(ticket: String)
    case noTicketInService(window: Int)
    case queueEmpty(window: Int)
    case transferTargetMissing
    case transferToSameWindow(window: Int)
    case nothingParked(window: Int)
    /// confirm/void of a ticket that is not reserved (already confirmed, voided, or from another day).
    case notReserved(ticket: String)
    /// A rating by ticket (phone or tablet) for a ticket that was never served.
    case ticketNotServed(ticket: String)
    /// A rating by ticket after the configured period for phone ratings.
    case ratingPeriodOver(ticket: String)
    case unknownCase(String)
    /// Reasons from the tablet, but the window's last rating is not a keypad rating waiting for them.
    case reasonsNotAwaited(window: Int)
    /// The reasons came after the rating's wait.
    case reasonsTooLate(window: Int)
    /// A case action not allowed in the case's state (open → contacted → rectified → closed).
    case wrongCaseState(case: String, state: CaseState, action: String)
    /// An assignment of a case with a due day outside the case's own deadline.
    case caseAssignmentInvalid(case: String, detail: String)
    /// A supervisor's move of a ticket that is not waiting (called, served, or not today's).
    case ticketNotWaiting(ticket: String)
    /// A move that would change nothing, or a window that does not serve the target category.
    case moveTargetInvalid(detail: String)
    /// 指定叫号 of a ticket this window may not call now (not waiting, another category, directed elsewhere).
    case ticketNotCallable(ticket: String, window: Int)
    /// 恢复过号 of a ticket that is not one of today's no-shows.
    case notNoShow(ticket: String)
    /// A call-back of a ticket that is not parked at this window.
    case ticketNotParked(ticket: String, window: Int)
    /// A notice that is too long, or already over.
    case noticeInvalid(detail: String)
    /// A priority ticket with a reason the hall's `[kiosk] priority_reasons` does not list.
    case priorityReasonUnknown(String)
    /// An appointment code that already took a ticket today.
    case appointmentUsed(code: String, ticket: String)

    /// Stable machine-readable code for APIs and logs.
    public var code: String {
        switch self {
        case .unknownCategory: "unknown_category"
        case .unknownWindow: "unknown_window"
        case .unknownClerk: "unknown_clerk"
        case .noClerkSignedIn: "no_clerk_signed_in"
        case .clerkAlreadySignedIn: "clerk_already_signed_in"
        case .clerkAtOtherWindow: "clerk_at_other_window"
        case .windowPaused: "window_paused"
        case .windowNotPaused: "window_not_paused"
        case .ticketInService: "ticket_in_service"
        case .noTicketInService: "no_ticket_in_service"
        case .queueEmpty: "queue_empty"
        case .transferTargetMissing: "transfer_target_missing"
        case .transferToSameWindow: "transfer_to_same_window"
        case .ticketNotWaiting: "ticket_not_waiting"
        case .moveTargetInvalid: "move_target_invalid"
        case .noticeInvalid: "notice_invalid"
        case .priorityReasonUnknown: "priority_reason_unknown"
        case .appointmentUsed: "appointment_used"
        case .ticketNotCallable: "ticket_not_callable"
        case .notNoShow: "not_no_show"
        case .ticketNotParked: "ticket_not_parked"
        case .nothingParked: "nothing_parked"
        case .notReserved: "not_reserved"
        case .ticketNotServed: "ticket_not_served"
        case .ratingPeriodOver: "rating_period_over"
        case .unknownCase: "unknown_case"
        case .wrongCaseState: "wrong_case_state"
        case .caseAssignmentInvalid: "invalid_assignment"
        case .reasonsNotAwaited: "reasons_not_awaited"
        case .reasonsTooLate: "reasons_too_late"
        }
    }

    /// True when the command named something that does not exist (as opposed to a wrong state).
    public var isUnknownEntity: Bool {
        switch self {
        case .unknownCategory, .unknownWindow, .unknownClerk, .unknownCase: true
        default: false
        }
    }

    public var messageZh: String {
        switch self {
        case .unknownCategory(let c): "没有业务类别 \(c)"
        case .unknownWindow(let w): "没有 \(w) 号窗口"
        case .unknownClerk(let c): "没有工作人员 \(c)"
        case .noClerkSignedIn(let w): "\(w) 号窗口没有工作人员签到"
        case .clerkAlreadySignedIn(let c, let w): "工作人员 \(c) 已在 \(w) 号窗口签到"
        case .clerkAtOtherWindow(let c, let w): "工作人员 \(c) 已在 \(w) 号窗口签到，请先签退"
        case .windowPaused(let w): "\(w) 号窗口已暂停服务"
        case .windowNotPaused(let w): "\(w) 号窗口未暂停"
        case .ticketInService(let t): "正在办理 \(t)，请先办结、过号或转移"
        case .noTicketInService(let w): "\(w) 号窗口当前没有正在办理的号码"
        case .queueEmpty(let w): "\(w) 号窗口没有等候的号码"
        case .transferTargetMissing: "请指定转移的业务类别或窗口"
        case .transferToSameWindow(let w): "不能转移到本窗口（\(w) 号）"
        case .nothingParked(let w): "\(w) 号窗口没有挂起的号码"
        case .notReserved(let t): "号码 \(t) 不在待出票状态"
        case .ticketNotServed(let t): "号码 \(t) 尚未办结，暂不能评价"
        case .ratingPeriodOver(let t): "号码 \(t) 的评价期限已过"
        case .unknownCase(let c): "没有差评工单 \(c)"
        case .wrongCaseState(let c, let s, let a): "差评工单 \(c) 当前为“\(s.chineseName)”，不能\(Self.actionZh(a))"
        case .caseAssignmentInvalid(let c, let d): "差评工单 \(c) 不能这样指派：\(d)"
        case .reasonsNotAwaited(let w): "\(w) 号窗口没有等待补充原因的评价"
        case .reasonsTooLate(let w): "\(w) 号窗口的评价已超时，不能再补充原因"
        case .ticketNotWaiting(let t): "号码 \(t) 不在等候队列中（已叫号、已办结或不是今天的号），不能调整"
        case .moveTargetInvalid(let d): "不能这样调整：\(d)"
        case .noticeInvalid(let d): "通知无效：\(d)"
        case .ticketNotCallable(let t, let w): "号码 \(t) 不在 \(w) 号窗口可叫的等候号中（已叫、不属本窗口业务或已指定其他窗口）"
        case .notNoShow(let t): "号码 \(t) 不是今天的过号（或已恢复排队），不能恢复"
        case .ticketNotParked(let t, let w): "号码 \(t) 没有挂起在 \(w) 号窗口"
        case .priorityReasonUnknown(let r): "优先取号原因“\(r)”不在本厅的绿色通道原因中"
        case .appointmentUsed(_, let t): "该预约已取号（\(t.split(separator: "/").last ?? "")），不能重复取号"
        }
    }

    public var messageEn: String {
        switch self {
        case .unknownCategory(let c): "no service category \(c)"
        case .unknownWindow(let w): "no window \(w)"
        case .unknownClerk(let c): "no clerk \(c)"
        case .noClerkSignedIn(let w): "no clerk is signed in at window \(w)"
        case .clerkAlreadySignedIn(let c, let w): "clerk \(c) is already signed in at window \(w)"
        case .clerkAtOtherWindow(let c, let w): "clerk \(c) is signed in at window \(w); sign out there first"
        case .windowPaused(let w): "window \(w) is paused"
        case .windowNotPaused(let w): "window \(w) is not paused"
        case .ticketInService(let t): "ticket \(t) is in service: finish, no-show or transfer it first"
        case .noTicketInService(let w): "window \(w) has no ticket in service"
        case .queueEmpty(let w): "no ticket is waiting for window \(w)"
        case .transferTargetMissing: "a transfer needs a category or a window"
        case .transferToSameWindow(let w): "cannot transfer to the same window (\(w))"
        case .nothingParked(let w): "window \(w) has no parked ticket"
        case .notReserved(let t): "ticket \(t) is not waiting to be printed"
        case .ticketNotServed(let t): "ticket \(t) has not been served yet"
        case .ratingPeriodOver(let t): "the rating period of ticket \(t) is over"
        case .unknownCase(let c): "no case \(c)"
        case .wrongCaseState(let c, let s, let a): "case \(c) is \(s.rawValue): cannot \(a) it (open → contacted → rectified → closed)"
        case .caseAssignmentInvalid(let c, let d): "case \(c) cannot be assigned so: the due day must lie between its opening day and its own due day (\(d))"
        case .reasonsNotAwaited(let w): "window \(w) has no keypad rating waiting for its reasons"
        case .reasonsTooLate(let w): "the rating at window \(w) timed out: its reasons can no longer be added"
        case .ticketNotWaiting(let t): "ticket \(t) is not waiting (called, served, or not today's): it cannot be moved"
        case .moveTargetInvalid(let d): "cannot move it so: \(d)"
        case .noticeInvalid(let d): "invalid notice: \(d)"
        case .ticketNotCallable(let t, let w): "ticket \(t) is not one window \(w) may call now (called, another category, or directed elsewhere)"
        case .notNoShow(let t): "ticket \(t) is not one of today's no-shows (or is back in the queue already)"
        case .ticketNotParked(let t, let w): "ticket \(t) is not parked at window \(w)"
        case .priorityReasonUnknown(let r): "priority reason \"\(r)\" is not one of the hall's [kiosk] priority_reasons"
        case .appointmentUsed(let c, let t): "appointment \(c) already took ticket \(t)"
        }
    }

    static func actionZh(_ a: String) -> String {
        switch a {
        case "contact": "登记回访"
        case "rectify": "登记整改"
        case "close": "办结"
        case "assign": "指派"
        default: a
        }
    }
}
