import Foundation
import HallAPI
import HallModel
import Store

/// 差评工单: the case list and the steps open → contacted → rectified → closed, 指派 and 显示号码 — generated
/// operations (`openapi.yaml`, tag cases).
extension HallAPIService {
    func cases(_ input: Operations.Cases.Input) async throws -> Operations.Cases.Output {
        let principal = try RequestPrincipal.required
        let query = input.query
        let (from, to) = try await deps.range(from: query.from, to: query.to)
        let filter = query.state ?? .all
        // ?mine=1: the cases assigned to the signed-in person.
        let mine = query.mine == ._1 || query.mine == ._true
        if mine && principal.account == nil {
            throw APIError.badRequest("mine_needs_account", zh: "“我的工单”只对登录的人员有效（设备或脚本令牌没有指派的工单）",
                                      en: "mine=1 needs a signed-in person, not a token")
        }
        // With an explicit period (the dashboard always sends one), the open and overdue lists keep to the cases opened
        // in it; without one they are the whole backlog, whatever day a case was opened.
        let explicit = query.from != nil || query.to != nil
        let views = try await caseViews(from: from, to: to, filter: filter, assignee: mine ? principal.account : nil)
            .filter { !explicit || filter == .all || ($0.day >= from && $0.day <= to) }
        // The rates are over every case opened in the range, whichever the list shows.
        let opened = filter == .all ? views : try await caseViews(from: from, to: to, filter: .all)
        return .ok(.init(body: .json(.init(
            from: from, to: to, today: await deps.today(), summary: .init(opened, key: "all"),
            byWindow: Components.Schemas.CaseSummary.grouped(opened) { $0.window.map(String.init) },
            byClerk: Components.Schemas.CaseSummary.grouped(opened) { $0.clerk }, cases: views))))
    }

    func caseAssign(_ input: Operations.CaseAssign.Input) async throws -> Operations.CaseAssign.Output {
        guard case .json(let body) = input.body else { throw APIError.notFound }
        return .ok(.init(body: .json(try await step("assign", pathID: input.path.id) { _, stored in
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
        })))
    }

    func caseContact(_ input: Operations.CaseContact.Input) async throws -> Operations.CaseContact.Output {
        guard case .json(let body) = input.body else { throw APIError.notFound }
        return .ok(.init(body: .json(try await step("contact", pathID: input.path.id) { now, stored in
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
        })))
    }

    func caseRectify(_ input: Operations.CaseRectify.Input) async throws -> Operations.CaseRectify.Output {
        guard case .json(let body) = input.body else { throw APIError.notFound }
        return .ok(.init(body: .json(try await step("rectify", pathID: input.path.id) { _, _ in
            guard !body.note.isEmpty, body.note.count <= 2000 else {
                throw APIError.badRequest("invalid_note", zh: "请填写整改说明（不超过2000字）", en: "note (1–2000 characters) is needed")
            }
            return .rectify(note: body.note)
        })))
    }

    func caseClose(_ input: Operations.CaseClose.Input) async throws -> Operations.CaseClose.Output {
        // The body is optional: a close without a note or a verdict is allowed.
        var note = ""
        var verdict: CaseVerdict?
        if case .json(let body) = input.body {
            note = body.note ?? ""
            verdict = body.verdict.flatMap { CaseVerdict(rawValue: $0.rawValue) }
        }
        guard note.count <= 2000 else {
            throw APIError.badRequest("invalid_note", zh: "办结说明不超过2000字", en: "note is at most 2000 characters")
        }
        return .ok(.init(body: .json(try await step("close", pathID: input.path.id) { _, _ in .close(note: note, verdict: verdict) })))
    }

    /// 显示号码: the callback phone in full, for a person allowed to see it; each reveal is an audit record.
    func casePhone(_ input: Operations.CasePhone.Input) async throws -> Operations.CasePhone.Output {
        let principal = try RequestPrincipal.required
        guard let id = Components.Schemas.Case.ticketID(input.path.id), let stored = try await StoreReads.run({ try deps.hall.store.badRatingCase(id) }) else {
            throw Self.unknownCase
        }
        guard let phone = stored.phone else {
            throw APIError(.notFound, code: "no_phone", zh: "这条差评没有留下回访电话", en: "the citizen left no callback phone")
        }
        deps.audit(principal, "reveal_phone", target: stored.number, detail: "差评工单 \(id) 的回访电话")
        return .ok(.init(body: .json(.init(id: input.path.id, phone: phone))))
    }

    static let unknownCase = APIError(.notFound, code: "unknown_case", zh: "没有这个差评工单", en: "no such case")

    /// One step on a case: `make` reads the step from the request, given the time now and the case as stored
    /// (nil: unknown); the Hall decides. Answers the case after the step.
    private func step(_ name: String, pathID: String, _ make: (Date, CaseRecord?) async throws -> CaseAction) async throws -> Components.Schemas.Case {
        let principal = try RequestPrincipal.required
        guard let id = Components.Schemas.Case.ticketID(pathID) else { throw Self.unknownCase }
        let stored = try await StoreReads.run { try deps.hall.store.badRatingCase(id) }
        let action = try await make(deps.hall.now, stored)
        // The Hall looks the case up itself, inside its actor: a check against `stored` here would let two
        // identical steps sent at once both pass.
        _ = try await deps.run(.caseAction(case: id, action: action, manager: principal.account ?? principal.label, current: nil),
                               source: principal.source)
        if principal.account != nil { deps.audit(principal, "case_\(name)", target: stored?.number ?? id, detail: "差评工单 \(id)") }
        let setup = await deps.hall.setup
        guard let record = try await StoreReads.run({ try deps.hall.store.badRatingCase(id) }) else { throw APIError.notFound }
        return try Components.Schemas.Case(record, setup: setup, today: await deps.today(), indicators: deps.ratingRules.indicators)
    }

    /// Cases for a range of opening days and a filter: all, open (not closed, any day), overdue; `assignee`: only
    /// the cases assigned to that account.
    func caseViews(from: String, to: String, filter: Operations.Cases.Input.Query.StatePayload,
                   assignee: String? = nil) async throws -> [Components.Schemas.Case] {
        let setup = await deps.hall.setup
        let today = await deps.today()
        let store = deps.hall.store
        let records: [CaseRecord] = try await StoreReads.run {
            switch filter {
            case .open, .overdue: try store.unclosedCases()
            case .all: try store.cases(fromDay: from, toDay: to)
            }
        }
        let views = try records.filter { assignee == nil || $0.assignee == assignee }
            .map { try Components.Schemas.Case($0, setup: setup, today: today, indicators: deps.ratingRules.indicators) }
        return filter == .overdue ? views.filter(\.overdue) : views
    }
}

extension Components.Schemas.Case {
    init(_ c: CaseRecord, setup: HallSetup, today: String, indicators: RatingIndicators) throws {
        func date(_ ms: Int64?) -> Date? { ms.map { Date(timeIntervalSince1970: Double($0) / 1000) } }
        guard let state = StatePayload(rawValue: c.state.rawValue) else {
            throw APIError(.internalServerError, code: "internal", zh: "差评工单 \(c.id) 的状态无法识别", en: "case \(c.id) has a state the API does not name")
        }
        self.init(
            id: c.id.replacingOccurrences(of: "/", with: "-"), ticket: c.id, number: c.number, day: c.day,
            window: c.windowNo, windowName: c.windowNo.flatMap { setup.window($0)?.name },
            clerk: c.clerk, clerkName: c.clerk.flatMap { setup.clerk($0)?.name },
            category: c.category, categoryName: c.category.flatMap { setup.category($0)?.name },
            level: c.level, levelName: RatingLevel(rawValue: c.level)?.chineseName ?? "",
            openedAt: date(c.openedAtMs) ?? Date(timeIntervalSince1970: 0), dueDay: c.dueDay,
            state: state, stateName: c.state.chineseName,
            overdue: c.model.overdue(today: today),
            workingDaysLeft: setup.rules.workingCalendar.workingDays(from: today, to: c.dueDay),
            contactedAt: date(c.contactedAtMs), contactedBy: c.contactedBy, contactMethod: c.contactMethod, citizenSaid: c.citizenSaid,
            rectifiedAt: date(c.rectifiedAtMs), rectifiedBy: c.rectifiedBy, rectifyNote: c.rectifyNote,
            closedAt: date(c.closedAtMs), closedBy: c.closedBy, closeNote: c.closeNote,
            citizenVerdict: c.citizenVerdict.flatMap(CitizenVerdictPayload.init(rawValue:)),
            citizenVerdictName: c.citizenVerdict.flatMap { CaseVerdict(rawValue: $0)?.chineseName },
            reasons: (c.reasons ?? "").split(separator: ",").map { code in
                .init(code: String(code), text: indicators.indicator(String(code))?.text ?? "（指标表中没有此代码）")
            },
            comment: c.comment, phoneMasked: c.phone.map(CallbackPhone.masked),
            assignee: c.assignee, assigneeDueDay: c.assigneeDueDay, assignedBy: c.assignedBy)
    }

    /// "2026-11-23-A012" → "2026-11-23/A012".
    static func ticketID(_ pathID: String) -> String? {
        guard pathID.count > 11, pathID.count < 64 else { return nil }
        let i = pathID.index(pathID.startIndex, offsetBy: 10)
        guard pathID[i] == "-", WorkingCalendar.isDay(String(pathID[..<i])) else { return nil }
        return String(pathID[..<i]) + "/" + pathID[pathID.index(after: i)...]
    }
}

extension Components.Schemas.CaseSummary {
    /// 回访率 (contacted ÷ opened; the rules ask for 100 %) and 整改率 (rectified ÷ opened) of a set of cases, with the
    /// citizens' verdicts on the fixes.
    init(_ cases: [Components.Schemas.Case], key: String) {
        let total = cases.count
        func percent(_ n: Int) -> Double? { total == 0 ? nil : (Double(n) * 1000 / Double(total)).rounded() / 10 }
        let contacted = cases.filter { $0.contactedAt != nil }.count
        let rectified = cases.filter { $0.rectifiedAt != nil }.count
        self.init(
            key: key, opened: total, contacted: contacted, rectified: rectified,
            closed: cases.filter { $0.closedAt != nil }.count, overdue: cases.filter(\.overdue).count,
            callbackRate: percent(contacted), rectifyRate: percent(rectified),
            verdicts: .init(additionalProperties: Dictionary(grouping: cases.compactMap(\.citizenVerdict?.rawValue), by: { $0 }).mapValues(\.count)))
    }

    static func grouped(_ cases: [Components.Schemas.Case], by key: (Components.Schemas.Case) -> String?) -> [Self] {
        Dictionary(grouping: cases) { key($0) ?? "-" }.sorted { $0.key < $1.key }.map { Self($0.value, key: $0.key) }
    }
}
