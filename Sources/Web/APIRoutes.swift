import Access
import Exports
import Foundation
import HallModel
import HallRuntime
import Hummingbird
import Logging
import Metrics
import NIOCore
import Store

/// Builds the router: JSON API, event stream, OpenAPI document and metrics.
public func makeRouter(_ deps: WebDependencies) -> Router<HallRequestContext> {
    let router = Router(context: HallRequestContext.self)
    let table = RouteTable()
    let forRead = router.requiring(deps, .read, under: "api")
    let forTakeTicket = router.requiring(deps, .takeTicket, under: "api")
    // The throttle of wrong credentials measures real elapsed time, whatever time the hall keeps.
    router.middlewares.add(JSONErrorMiddleware(routes: table, authFailures: deps.authFailures, now: { Date() }))

    router.get("/healthz") { _, _ in
        try JSON.response(["status": "ok"])
    }
    router.get("/openapi.yaml") { _, _ in Page.response(Page.openAPI, type: "application/yaml; charset=utf-8") }
    router.get("/metrics") { request, _ in
        if let required = deps.metricsTokenSHA256 {
            let header = request.headers[.authorization] ?? ""
            let given = header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : ""
            // Digests compared, as for every token: a timing difference tells nothing about the token itself.
            guard !given.isEmpty, AccessControl.hash(given) == required else {
                throw APIError(.unauthorized, code: "metrics_token", zh: "/metrics 需要令牌：Authorization: Bearer <[server] metrics_token_sha256 对应的令牌>",
                               en: "/metrics needs the token of [server] metrics_token_sha256 as Authorization: Bearer")
            }
        }
        let (setup, state, now) = await deps.hall.snapshot()
        HallMetrics.recordQueues(setup: setup, state: state, now: now)
        var buffer: [UInt8] = []
        deps.registry?.emit(into: &buffer)
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: MetricsHelp.annotate(String(decoding: buffer, as: UTF8.self)))))
    }

    // Browser displays (Chromium in kiosk mode): the page is static; its data needs a token in ?token=.
    @Sendable func displayPage(_ layout: DisplayPages.Layout, _ request: Request, window: Int? = nil) -> Response {
        let calls = request.uri.queryParameters.get("calls").flatMap(Int.init) ?? 8
        return Page.response(DisplayPages.html(layout: layout, window: window, templates: deps.templates, calls: max(1, min(calls, 30))))
    }
    router.get("/display/hall") { request, _ in displayPage(.hall, request) }
    router.get("/display/tv") { request, _ in displayPage(.tv, request) }
    router.get("/display/window/:window") { request, context in
        guard let w = context.parameters.get("window", as: Int.self) else {
            throw APIError.badRequest("invalid_window", zh: "窗口号无效", en: "window must be a number")
        }
        return displayPage(.window, request, window: w)
    }

    addPeopleRoutes(router, deps)
    addPeoplePages(router, deps)
    HallAPIService.register(on: router, deps)
    addDashboardRoutes(router, deps)
    addReasonRoutes(router, deps)
    addAccountRoutes(router, deps)
    addSuperviseRoutes(router, deps)
    addTicketRoutes(router, deps)
    addAdminRoutes(router, deps)
    addCitizenRoutes(router, deps)

    let reading = forRead
    reading.get("state") { _, _ in
        let (setup, state, now) = await deps.hall.snapshot()
        return try JSON.response(HallView(setup: setup, state: state, now: now, devices: deps.devices?.all ?? []))
    }
    reading.get("devices") { _, _ in
        return try JSON.response(["devices": deps.devices?.all ?? []])
    }
    reading.get("events") { request, context in
        return try EventStream.response(deps: deps, request: request, logger: context.logger)
    }
    forTakeTicket.post("tickets") { request, context in
        let principal = try context.principal
        let body = try await JSON.body(Bodies.IssueTicket.self, request)
        let events = try await deps.run(.issueTicket(category: body.category, priority: body.priority ?? false),
                                        source: "kiosk:\(principal.label)")
        guard let issued = events.issued else {
            throw APIError(.internalServerError, code: "internal", zh: "服务器内部错误", en: "no ticket was issued")
        }
        let (setup, state, _) = await deps.hall.snapshot()
        let category = setup.category(body.category)
        let id = issued.ticket
        let ahead = state.ahead(of: id, category: body.category)
        return try JSON.response(IssuedTicketView(
            ticket: id, number: issued.number, category: body.category, categoryName: category?.name ?? "",
            priority: issued.priority, issuedAt: issued.issuedAt, waitingAhead: ahead,
            checklist: category?.checklist ?? [],
            windows: setup.windows.filter { $0.categories.contains(body.category) }.map(\.number)), status: .created)
    }

    let windows = router.requiring(deps, under: "api/windows") { .actAtWindow($0) }
    func windowAction(_ path: String, _ make: @escaping @Sendable (Int, Request) async throws -> HallCommand) {
        windows.post(":window/\(path)") { request, context in
            let number = try context.window
            let command = try await make(number, request)
            let events = try await deps.run(command, source: "console:\(number)")
            if let refused = events.lazy.compactMap({ if case .ratingSkipRefused(let r) = $0.event { r } else { nil } }).first {
                throw APIError.awaitingRating(refused, now: deps.hall.now)
            }
            let (setup, state, _) = await deps.hall.snapshot()
            return try JSON.response(CommandResult(
                events: events.map(EventView.init),
                window: setup.window(number).map { WindowView($0, state.window(number), setup: setup) }))
        }
    }
    windowAction("sign-in") { w, request in
        let body = try await JSON.body(Bodies.SignIn.self, request)
        try await checkPIN(deps, window: w, clerk: body.clerk, pin: body.pin)
        return .signIn(window: w, clerk: body.clerk)
    }
    windowAction("sign-out") { w, _ in .signOut(window: w) }
    windowAction("call-next") { w, _ in .callNext(window: w) }
    windowAction("recall") { w, _ in .recall(window: w) }
    windowAction("no-show") { w, _ in .noShow(window: w) }
    windowAction("pause") { w, _ in .pause(window: w) }
    windowAction("park") { w, _ in .park(window: w) }
    windowAction("call-back") { w, request in
        return .callBack(window: w, ticket: try await JSON.body(Bodies.CallBack.self, request, allowEmpty: true).ticket)
    }
    // 指定叫号: {"ticket": id or today's number}.
    windowAction("call-ticket") { w, request in
        return .callTicket(window: w, ticket: try await JSON.body(Bodies.CallTicket.self, request).ticket)
    }
    // 恢复过号: {"ticket": id}; the store says whether it is a no-show, the engine whether it may come back.
    windowAction("requeue") { _, request in
        let id = try await JSON.body(Bodies.Requeue.self, request).ticket
        let stored = try await StoreReads.run { try deps.hall.store.ticket(id) }
        let noShow = stored.flatMap { t in
            t.status == .noShow
                ? Ticket(id: t.id, number: t.number, day: t.day, category: t.category, priority: t.priority,
                         issuedAt: Date(timeIntervalSince1970: Double(t.issuedAtMs) / 1000))
                : nil
        }
        return .requeueNoShow(ticket: stored?.number ?? id, noShow: noShow)
    }
    windowAction("resume") { w, _ in .resume(window: w) }
    windowAction("transfer") { w, request in
        let body = try await JSON.body(Bodies.Transfer.self, request)
        return .transfer(window: w, toCategory: body.category, toWindow: body.window)
    }
    windowAction("finish") { w, request in
        let body = try await JSON.body(Bodies.Finish.self, request, allowEmpty: true)
        guard let outcome = Outcome(rawValue: body.outcome ?? Outcome.immediate.rawValue) else {
            throw APIError.badRequest("unknown_outcome", zh: "办件类型无效（immediate/promised/joint/reported/replied）",
                                      en: "outcome must be one of immediate, promised, joint, reported, replied")
        }
        let projectNo = body.projectNo?.trimmingCharacters(in: .whitespaces)
        if let p = projectNo, !p.isEmpty,
           p.count > 50 || !p.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            throw APIError.badRequest("invalid_project_no", zh: "办件编号（project_no）须为不超过 50 位的字母、数字、- 或 _，留空则自动生成",
                                      en: "project_no must be at most 50 ASCII letters, digits, - or _ (empty: generated)")
        }
        return .finish(window: w, outcome: outcome, projectNo: projectNo.flatMap { $0.isEmpty ? nil : $0 })
    }
    windows.post(":window/rating") { request, context in
        let number = try context.window
        let input = try await JSON.body(RatingInput.self, request)
        // A tap on a level is committed at once, before the citizen picks reasons (they follow as their own
        // event within the reasons window): a citizen who is slow, or walks away, is still counted.
        var (level, detail) = try input.isLevelOnly ? (input.checkedLevel(), RatingDetail(complete: false)) : input.checked(deps.ratingRules)
        detail.channel = .tablet
        let events = try await deps.run(.rate(window: number, level: level, detail: detail), source: "web-evaluator:\(number)")
        if let rated = events.rating {
            return try JSON.response(RatingResult(accepted: true, ticket: rated.ticket, level: level.rawValue,
                                                  levelName: level.chineseName, events: events.map(EventView.init),
                                                  reasonsUntil: rated.reasonsUntil), status: .created)
        }
        let reason = events.ignoredRating?.reason ?? .nothingAwaited
        switch reason {
        case .duplicate:
            throw APIError(.conflict, code: "rating_duplicate", zh: "该号码已评价，本次评价不计入", en: "this ticket is already rated; the press was not counted")
        case .noClerk:
            throw APIError(.conflict, code: "rating_no_clerk", zh: "窗口无人签到，评价不计入", en: "no clerk is signed in; the press was not counted")
        default:
            throw APIError(.conflict, code: "rating_not_awaited", zh: "当前没有待评价的办件", en: "no service is awaiting a rating at this window")
        }
    }
    // The tablet says the citizen is still choosing reasons or typing: the reasons window is renewed.
    windows.post(":window/rating/reasons/extend") { request, context in
        let number = try context.window
        let body = try await JSON.body(Bodies.ReasonsExtend.self, request)
        _ = try await deps.run(.extendReasons(window: number, ticket: body.ticket), source: "web-evaluator:\(number)")
        guard let want = await deps.hall.state.window(number).reasonsWanted, want.ticket == body.ticket else {
            throw APIError(.conflict, code: "reasons_not_awaited", zh: "\(number) 号窗口没有等待补充原因的评价",
                           en: "window \(number) has no rating of ticket \(body.ticket) waiting for its reasons")
        }
        return try JSON.response(ReasonsExtendResult(ticket: want.ticket, until: want.until))
    }
    // The reasons for a level-only rating (a keypad press or the tablet's tap): `{"ticket", "reasons", "comment",
    // "phone"}`, checked against that level; they attach to that rating as their own event.
    windows.post(":window/rating/reasons") { request, context in
        let number = try context.window
        let body = try await JSON.body(Bodies.RatingReasons.self, request)
        guard let want = await deps.hall.state.window(number).reasonsWanted, want.ticket == body.ticket else {
            throw APIError(.conflict, code: "reasons_not_awaited", zh: "\(number) 号窗口没有等待补充原因的评价",
                           en: "window \(number) has no keypad rating of ticket \(body.ticket) waiting for its reasons")
        }
        var (_, detail) = try RatingInput(level: want.level.rawValue, reasons: body.reasons, comment: body.comment, phone: body.phone)
            .checked(deps.ratingRules)
        detail.channel = .tablet
        let events = try await deps.run(.addReasons(window: number, ticket: body.ticket, detail: detail), source: "web-evaluator:\(number)")
        return try JSON.response(RatingResult(accepted: true, ticket: want.ticket, level: want.level.rawValue,
                                              levelName: want.level.chineseName, events: events.map(EventView.init)), status: .created)
    }

    table.fill(from: router)
    return router
}

/// A clerk with a PIN (`[[clerks]] pin_hash`) signs in only with it; wrong PINs are counted per window
/// and, five within ten minutes, lock that window's sign-in for five minutes.
private func checkPIN(_ deps: WebDependencies, window w: Int, clerk: String, pin: String?) async throws {
    guard let stored = deps.access.clerkPINs[clerk] else { return }
    let now = deps.hall.now
    if let left = deps.pinGuard.locked(window: w, now: now) {
        let minutes = Int((left / 60).rounded(.up))
        throw APIError(.tooManyRequests, code: "pin_locked",
                       zh: "PIN 已连续输错 \(deps.pinGuard.limit) 次，本窗口的签到已锁定，请 \(minutes) 分钟后再试，或请管理员核对 PIN。",
                       en: "\(deps.pinGuard.limit) wrong PINs in a row: sign-in at this window is locked; try again in \(minutes) min or ask a manager to check the PIN")
    }
    guard let pin, !pin.isEmpty else {
        throw APIError.badRequest("pin_required", zh: "请输入工作人员 \(clerk) 的签到 PIN。", en: "enter the sign-in PIN of clerk \(clerk)")
    }
    // PBKDF2 is slow on purpose: off the server's event loop.
    let ok = await Task.detached { ClerkPIN.verify(pin, against: stored) }.value
    guard ok else {
        let left = deps.pinGuard.failed(window: w, now: now)
        Counter(label: "counterd_pin_failures_total", dimensions: [("window", String(w))]).increment()
        Logger(label: "counterd.access").warning("wrong sign-in PIN", metadata: ["window": "\(w)", "clerk": "\(clerk)", "tries_left": "\(left)"])
        throw APIError(.forbidden, code: "wrong_pin",
                       zh: left > 0 ? "PIN 不正确，未签到。再输错 \(left) 次，本窗口签到将锁定 5 分钟。" : "PIN 不正确，未签到。本窗口签到已锁定 5 分钟。",
                       en: left > 0 ? "wrong PIN, not signed in; \(left) more wrong tries lock sign-in here for 5 min" : "wrong PIN, not signed in; sign-in here is locked for 5 min")
    }
    deps.pinGuard.succeeded(window: w)
}
