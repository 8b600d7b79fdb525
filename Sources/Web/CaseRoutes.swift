import Foundation
import HallModel
import Hummingbird
import Store

/// A 差评 case for the dashboard and the API.
struct CaseView: Encodable {
    /// "2026-11-23-A012": the ticket id with its "/" made path-safe.
    var id: String
    var ticket: String
    var number: String
    var day: String
    var window: Int?
    var windowName: String?
    var clerk: String?
    var clerkName: String?
    var category: String?
    var categoryName: String?
    var level: Int
    var levelName: String
    var openedAt: Date
    var dueDay: String
    var state: String
    var stateName: String
    var overdue: Bool
    /// Working days from today to the due day (negative: overdue by that many).
    var workingDaysLeft: Int
    var contactedAt: Date?
    var contactedBy: String?
    var contactMethod: String?
    var citizenSaid: String?
    var rectifiedAt: Date?
    var rectifiedBy: String?
    var rectifyNote: String?
    var closedAt: Date?
    var closedBy: String?
    var closeNote: String?
    /// The citizen's verdict on the fix: satisfied, basically_satisfied, dissatisfied.
    var citizenVerdict: String?
    var citizenVerdictName: String?
    /// What the citizen said with the rating: the 评价指标 with their texts, the comment, and whether a callback
    /// phone was left (shown masked; `POST /api/cases/{id}/phone` reveals it, recorded in the audit).
    var reasons: [ReasonText]
    var comment: String?
    var phoneMasked: String?
    /// 指派: the account answering for the case and its due day.
    var assignee: String?
    var assigneeDueDay: String?
    var assignedBy: String?

    struct ReasonText: Encodable {
        var code: String
        var text: String
    }

    init(_ c: CaseRecord, setup: HallSetup, today: String, indicators: RatingIndicators) {
        func date(_ ms: Int64?) -> Date? { ms.map { Date(timeIntervalSince1970: Double($0) / 1000) } }
        id = c.id.replacingOccurrences(of: "/", with: "-")
        ticket = c.id
        number = c.number
        day = c.day
        window = c.windowNo
        windowName = c.windowNo.flatMap { setup.window($0)?.name }
        clerk = c.clerk
        clerkName = c.clerk.flatMap { setup.clerk($0)?.name }
        category = c.category
        categoryName = c.category.flatMap { setup.category($0)?.name }
        level = c.level
        levelName = RatingLevel(rawValue: c.level)?.chineseName ?? ""
        openedAt = date(c.openedAtMs) ?? Date(timeIntervalSince1970: 0)
        dueDay = c.dueDay
        state = c.state
        stateName = CaseState(rawValue: c.state)?.chineseName ?? c.state
        overdue = c.model.overdue(today: today)
        workingDaysLeft = setup.rules.workingCalendar.workingDays(from: today, to: c.dueDay)
        contactedAt = date(c.contactedAtMs)
        contactedBy = c.contactedBy
        contactMethod = c.contactMethod
        citizenSaid = c.citizenSaid
        rectifiedAt = date(c.rectifiedAtMs)
        rectifiedBy = c.rectifiedBy
        rectifyNote = c.rectifyNote
        closedAt = date(c.closedAtMs)
        closedBy = c.closedBy
        closeNote = c.closeNote
        citizenVerdict = c.citizenVerdict
        citizenVerdictName = c.citizenVerdict.flatMap { CaseVerdict(rawValue: $0)?.chineseName }
        reasons = (c.reasons ?? "").split(separator: ",").map { code in
            ReasonText(code: String(code), text: indicators.indicator(String(code))?.text ?? "（指标表中没有此代码）")
        }
        comment = c.comment
        phoneMasked = c.phone.map(CallbackPhone.masked)
        assignee = c.assignee
        assigneeDueDay = c.assigneeDueDay
        assignedBy = c.assignedBy
    }

    /// "2026-11-23-A012" → "2026-11-23/A012".
    static func ticketID(_ pathID: String) -> String? {
        guard pathID.count > 11, pathID.count < 64 else { return nil }
        let i = pathID.index(pathID.startIndex, offsetBy: 10)
        guard pathID[i] == "-", WorkingCalendar.isDay(String(pathID[..<i])) else { return nil }
        return String(pathID[..<i]) + "/" + pathID[pathID.index(after: i)...]
    }
}

extension WebDependencies {
    /// The hall's business day now.
    func today() async -> String { await hall.engine.calendar.day(of: hall.now) }

    /// Cases for a range of opening days and a filter: all, open (not closed, any day), overdue; `assignee`: only
    /// the cases assigned to that account.
    func caseViews(from: String, to: String, filter: String, assignee: String? = nil) async throws -> [CaseView] {
        let setup = await hall.setup
        let today = await today()
        let records: [CaseRecord]
        switch filter {
        case "open", "overdue": records = try hall.store.unclosedCases()
        default: records = try hall.store.cases(fromDay: from, toDay: to)
        }
        let views = records.filter { assignee == nil || $0.assignee == assignee }
            .map { CaseView($0, setup: setup, today: today, indicators: ratingRules.indicators) }
        return filter == "overdue" ? views.filter(\.overdue) : views
    }
}

func addCaseRoutes(_ router: Router<HallRequestContext>, _ deps: WebDependencies) {
    let forCases = router.requiring(deps, .cases, under: "api")
    let forReports = router.requiring(deps, .reports, under: "api")
    let forRevealPhone = router.requiring(deps, .revealPhone, under: "api")
    forReports.get("cases") { request, context in
        let principal = try context.principal
        let (from, to) = try await range(request, deps)
        let filter = request.uri.queryParameters.get("state") ?? "all"
        guard ["all", "open", "overdue"].contains(filter) else {
            throw APIError.badRequest("invalid_state", zh: "state 须为 all、open 或 overdue", en: "state must be all, open or overdue")
        }
        struct Cases: Encodable {
            var from: String
            var to: String
            var today: String
            /// 回访率 and 整改率 of the cases opened in the range, in all and per window and per clerk.
            var summary: CaseSummary
            var byWindow: [CaseSummary]
            var byClerk: [CaseSummary]
            var cases: [CaseView]
        }
        // ?mine=1: the cases assigned to the signed-in person.
        // With an explicit period (the dashboard always sends one), the open and overdue lists keep to the cases opened
        // in it; without one they are the whole backlog, whatever day a case was opened.
        let explicit = request.uri.queryParameters.get("from") != nil || request.uri.queryParameters.get("to") != nil
        let mine = ["1", "true"].contains(request.uri.queryParameters.get("mine") ?? "")
        if mine && principal.account == nil {
            throw APIError.badRequest("mine_needs_account", zh: "“我的工单”只对登录的人员有效（设备或脚本令牌没有指派的工单）",
                                      en: "mine=1 needs a signed-in person, not a token")
        }
        let views = try await deps.caseViews(from: from, to: to, filter: filter, assignee: mine ? principal.account : nil)
            .filter { !explicit || filter == "all" || ($0.day >= from && $0.day <= to) }
        // The rates are over every case opened in the range, whichever the list shows.
        let opened = filter == "all" ? views : try await deps.caseViews(from: from, to: to, filter: "all")
        return try JSON.response(Cases(from: from, to: to, today: await deps.today(), summary: CaseSummary(opened, key: "all"),
                                       byWindow: CaseSummary.grouped(opened) { $0.window.map(String.init) },
                                       byClerk: CaseSummary.grouped(opened) { $0.clerk }, cases: views))
    }

    /// `make` reads the step from the request, given the time now and the case as stored (nil: unknown).
    func caseAction(_ name: String, _ make: @escaping @Sendable (Request, Date, CaseRecord?) async throws -> CaseAction) {
        forCases.post("cases/:id/\(name)") { request, context in
            let principal = try context.principal
            guard let pathID = context.parameters.get("id"), let id = CaseView.ticketID(pathID) else {
                throw APIError(.notFound, code: "unknown_case", zh: "没有这个差评工单", en: "no such case")
            }
            let stored = try deps.hall.store.badRatingCase(id)
            let action = try await make(request, await deps.hall.now, stored)
            // The Hall looks the case up itself, inside its actor: a check against `stored` here would let two
            // identical steps sent at once both pass.
            _ = try await deps.run(.caseAction(case: id, action: action, manager: principal.account ?? principal.label, current: nil),
                               source: principal.source)
            if principal.account != nil { deps.audit(principal, "case_\(name)", target: stored?.number ?? id, detail: "差评工单 \(id)") }
            let setup = await deps.hall.setup
            guard let record = try deps.hall.store.badRatingCase(id) else { throw APIError.notFound }
            return try JSON.response(CaseView(record, setup: setup, today: await deps.today(), indicators: deps.ratingRules.indicators))
        }
    }
    caseAction("assign") { request, _, stored in
        let body = try await JSON.body(Bodies.CaseAssign.self, request)
        let login = body.assignee.trimmingCharacters(in: .whitespaces)
        guard let accounts = deps.accounts, !login.isEmpty, let account = try accounts.account(login), !account.disabled else {
            throw APIError.badRequest("unknown_assignee", zh: "指派对象（assignee）须为已启用的人员账号（counterctl user list 可查看）",
                                      en: "assignee must be an enabled account (counterctl user list)")
        }
        let due = body.dueDay ?? stored?.dueDay ?? ""
        guard WorkingCalendar.isDay(due) else {
            throw APIError.badRequest("invalid_due_day", zh: "指派期限（due_day）须为 YYYY-MM-DD 格式的日期", en: "due_day must be a date YYYY-MM-DD")
        }
        return .assign(assignee: account.login, dueDay: due)
    }
    // 显示号码: the callback phone in full, for a person allowed to see it; each reveal is an audit record.
    forRevealPhone.post("cases/:id/phone") { request, context in
        let principal = try context.principal
        guard let pathID = context.parameters.get("id"), let id = CaseView.ticketID(pathID),
              let stored = try deps.hall.store.badRatingCase(id) else {
            throw APIError(.notFound, code: "unknown_case", zh: "没有这个差评工单", en: "no such case")
        }
        guard let phone = stored.phone else {
            throw APIError(.notFound, code: "no_phone", zh: "这条差评没有留下回访电话", en: "the citizen left no callback phone")
        }
        deps.audit(principal, "reveal_phone", target: stored.number, detail: "差评工单 \(id) 的回访电话")
        struct Phone: Encodable { var id: String; var phone: String }
        return try JSON.response(Phone(id: pathID, phone: phone))
    }
    caseAction("contact") { request, now, stored in
        let body = try await JSON.body(Bodies.CaseContact.self, request)
        if let at = body.at {
            // A contact is recorded after it happened: not in the future (a minute's clock skew aside), not
            // before the rating that opened the case.
            if at > now.addingTimeInterval(60) {
                throw APIError.badRequest("invalid_contact_time", zh: "回访时间 at 不能晚于现在", en: "at is in the future")
            }
            if let stored, at < Date(timeIntervalSince1970: Double(stored.openedAtMs) / 1000) {
                throw APIError.badRequest("invalid_contact_time", zh: "回访时间 at 不能早于差评工单的创建时间",
                                          en: "at is before the case was opened")
            }
        }
        guard !body.method.isEmpty, body.method.count <= 50, body.citizenSaid.count <= 2000 else {
            throw APIError.badRequest("invalid_contact", zh: "请填写回访方式（不超过50字）和群众意见（不超过2000字）",
                                      en: "method (1–50 characters) and citizen_said (at most 2000) are needed")
        }
        return .contact(at: body.at ?? now, method: body.method, citizenSaid: body.citizenSaid)
    }
    caseAction("rectify") { request, _, _ in
        let body = try await JSON.body(Bodies.CaseRectify.self, request)
        guard !body.note.isEmpty, body.note.count <= 2000 else {
            throw APIError.badRequest("invalid_note", zh: "请填写整改说明（不超过2000字）", en: "note (1–2000 characters) is needed")
        }
        return .rectify(note: body.note)
    }
    caseAction("close") { request, _, _ in
        let body = try await JSON.body(Bodies.CaseClose.self, request, allowEmpty: true)
        guard (body.note ?? "").count <= 2000 else {
            throw APIError.badRequest("invalid_note", zh: "办结说明不超过2000字", en: "note is at most 2000 characters")
        }
        var verdict: CaseVerdict?
        if let v = body.verdict {
            guard let parsed = CaseVerdict(rawValue: v) else {
                throw APIError.badRequest("invalid_verdict", zh: "群众对整改的评价须为 satisfied（满意）、basically_satisfied（基本满意）或 dissatisfied（不满意）",
                                          en: "verdict must be satisfied, basically_satisfied or dissatisfied")
            }
            verdict = parsed
        }
        return .close(note: body.note ?? "", verdict: verdict)
    }
}

/// A range from the query parameters `from` and `to`: a 400 that names them.
func validateRange(_ deps: WebDependencies, from: String, to: String) throws {
    do {
        try deps.reports.validate(from: from, to: to)
    } catch {
        throw APIError.badRequest("invalid_range", zh: error.messageZh, en: error.message(from: "from", to: "to"))
    }
}

/// ?from=&to= (default: today), validated.
func range(_ request: Request, _ deps: WebDependencies) async throws -> (String, String) {
    let today = await deps.today()
    let from = request.uri.queryParameters.get("from") ?? today
    let to = request.uri.queryParameters.get("to") ?? from
    try validateRange(deps, from: from, to: to)
    return (from, to)
}

/// 回访率 (contacted ÷ opened; the rules ask for 100 %) and 整改率 (rectified ÷ opened) of a set of cases,
/// with the citizens' verdicts on the fixes.
struct CaseSummary: Encodable {
    var key: String
    var opened: Int
    var contacted: Int
    var rectified: Int
    var closed: Int
    var overdue: Int
    /// Percent, one decimal; nil with no cases.
    var callbackRate: Double?
    var rectifyRate: Double?
    /// satisfied, basically_satisfied, dissatisfied → count.
    var verdicts: [String: Int]

    init(_ cases: [CaseView], key: String) {
        self.key = key
        opened = cases.count
        contacted = cases.filter { $0.contactedAt != nil }.count
        rectified = cases.filter { $0.rectifiedAt != nil }.count
        closed = cases.filter { $0.closedAt != nil }.count
        overdue = cases.filter(\.overdue).count
        let total = cases.count
        func percent(_ n: Int) -> Double? { total == 0 ? nil : (Double(n) * 1000 / Double(total)).rounded() / 10 }
        callbackRate = percent(contacted)
        rectifyRate = percent(rectified)
        verdicts = Dictionary(grouping: cases.compactMap(\.citizenVerdict), by: { $0 }).mapValues(\.count)
    }

    static func grouped(_ cases: [CaseView], by key: (CaseView) -> String?) -> [CaseSummary] {
        Dictionary(grouping: cases) { key($0) ?? "-" }.sorted { $0.key < $1.key }.map { CaseSummary($0.value, key: $0.key) }
    }
}
