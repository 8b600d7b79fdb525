import Access
import Delivery
import Devices
import Foundation
import HallModel
import HallRuntime
import Kiosk
import Hummingbird
import NIOCore
import Store

/// A category as the kiosk shows it: how many wait and roughly how long.
struct KioskCategoryView: Encodable {
    var code: String
    var name: String
    var prefix: String
    var waiting: Int
    var windowsOpen: Int
    /// nil when no window serving it is open.
    var estimatedWaitMinutes: Int?
    /// Whether a 办事指南 file exists for it.
    var guide: Bool = false
}

struct KioskView: Encodable {
    var hall: String
    var now: Date
    /// The hall's time zone, for the kiosk's clock.
    var timeZone: String = "Asia/Shanghai"
    var categories: [KioskCategoryView]
    var printer: PrinterView?
    var reprint: Bool
    /// The 绿色通道 reasons the kiosk offers.
    var priorityReasons: [String] = []
    /// Whether appointments can check in here (预约取号).
    var appointments: Bool = false
    /// 叫号提醒: whether the kiosk may ask for a mobile number, and the tickets ahead when it sends.
    var reminderAhead: Int?
    /// The kiosk's last appointment check-in (scanner or keypad), for its screen.
    var checkIn: CheckInNotice?

    struct PrinterView: Encodable {
        var device: String
        var connected: Bool
        var ready: Bool
        var problemZh: String?
        var problemEn: String?
    }
}

struct RateView: Encodable {
    var number: String
    var categoryName: String
    var window: Int?
    var windowName: String?
    /// awaiting (can rate now), rated, expired, not_served
    var state: String
    var ratingHours: Double
    var levels: [LevelView]
    /// The clerk who served the ticket: name, 工号 and photo, so the citizen knows whom the rating is for.
    var clerk: ClerkView?
    var hall: String
    /// The business day the ticket was taken ("2026-11-23"), so the citizen knows which visit it is.
    var day: String

    struct LevelView: Encodable {
        var level: Int
        var name: String
    }
}

struct ConsoleRating: Encodable {
    var number: String
    var level: Int
    var levelName: String
    var at: Date
}

struct ConsoleView: Encodable {
    var window: WindowView
    var checklist: [String]
    var categoryName: String?
    var waiting: [CategoryView]
    var candidates: Int
    var ratingsToday: [ConsoleRating]
    var servedToday: Int
    var clerks: [ClerkView]
    var categories: [CategoryView]
    var windows: [Int]
    var outcomes: [String]
    /// The tickets this window may call, in the order it would call them (指定叫号 picks one).
    var queue: [QueueItem]
    /// Tickets parked (挂起) here, oldest first; 回呼 may choose one.
    var parked: [QueueItem]
    /// Today's no-shows (过号) at this window; 恢复过号 puts one back in the queue.
    var noShows: [QueueItem]
    /// The console's actions the engine would accept now (its buttons are enabled by this, no rule of its own).
    var allowed: [String]
    /// Why each other action would be refused now, in Chinese (the disabled button's tooltip).
    var refused: [String: String]
    /// The hall's time zone: the console shows times in it, never the PC's.
    var timeZone: String
}

/// A ticket in one of the console's lists.
struct QueueItem: Encodable {
    var ticket: String
    var number: String
    var categoryName: String
    var issuedAt: Date
    var priority: Bool
    var directedWindow: Int?

    init(_ t: Ticket, setup: HallSetup) {
        ticket = t.id
        number = t.number
        categoryName = setup.category(t.category)?.name ?? t.category
        issuedAt = t.issuedAt
        priority = t.priority
        directedWindow = t.directedWindow
    }
}

/// Each console action as the engine's command, asked of the engine without committing: what it accepts
/// now is what the console offers.
enum ConsoleActions {
    static func commands(_ n: Int, setup: HallSetup, state: HallState, noShow: Ticket?) -> [(String, [HallCommand])] {
        let first = setup.window(n).flatMap { state.candidates(for: $0).first }
        let others = setup.categories.map(\.code), windows = setup.windows.map(\.number).filter { $0 != n }
        let transfers: [HallCommand] = others.map { .transfer(window: n, toCategory: $0, toWindow: nil) } + windows.map { .transfer(window: n, toCategory: nil, toWindow: $0) }
        return [
            ("call-next", [.callNext(window: n)]), ("recall", [.recall(window: n)]), ("no-show", [.noShow(window: n)]),
            ("finish", [.finish(window: n, outcome: .immediate)]), ("park", [.park(window: n)]), ("call-back", [.callBack(window: n)]),
            ("pause", [.pause(window: n)]), ("resume", [.resume(window: n)]), ("sign-out", [.signOut(window: n)]),
            ("transfer", transfers),
            // Asked of one ticket of each list: the buttons beside the others follow the same rule.
            ("call-ticket", first.map { [.callTicket(window: n, ticket: $0.id)] } ?? []),
            ("requeue", noShow.map { [.requeueNoShow(ticket: $0.id, noShow: $0)] } ?? []),
        ]
    }

    static func evaluate(_ engine: HallEngine, _ state: HallState, setup: HallSetup, window n: Int, now: Date,
                         noShow: Ticket? = nil) -> (allowed: [String], refused: [String: String]) {
        var allowed: [String] = [], refused: [String: String] = [:]
        for (name, variants) in commands(n, setup: setup, state: state, noShow: noShow) {
            var reason = name == "call-ticket" ? "没有可叫的号" : name == "requeue" ? "今天本窗口没有过号" : "现在不能执行"
            var ok = false
            for command in variants {
                do {
                    let events = try engine.decide(state, command, now: now)
                    // A move refused while a citizen rates is decided as a logged refusal, not as the move.
                    if events.contains(where: { $0.kind == .ratingSkipRefused }) { reason = "正在等待群众评价，评价后再操作"; continue }
                    ok = true
                    break
                } catch { reason = error.messageZh }
            }
            if ok { allowed.append(name) } else { refused[name] = reason }
        }
        return (allowed, refused)
    }
}

extension RatingLevel {
    static let levelViews = RatingLevel.allCases.sorted { $0.rawValue > $1.rawValue }.map {
        RateView.LevelView(level: $0.rawValue, name: $0.chineseName)
    }
}

/// The people-facing API: the kiosk's tickets, ratings by ticket (the QR code's phone page), and the clerk
/// console's window summary.
func addPeopleRoutes(_ router: Router<HallRequestContext>, _ deps: WebDependencies) {
    let forTakeTicket = router.requiring(deps, .takeTicket, under: "api")
    let api = router.group("api")

    forTakeTicket.get("kiosk") { request, context in
        let principal = try context.principal
        return try JSON.response(await kioskView(deps, principal: principal))
    }

    forTakeTicket.post("kiosk/tickets") { request, context in
        let principal = try context.principal
        guard let kiosk = deps.kiosk else { throw APIError(.serviceUnavailable, code: "no_kiosk", zh: "取号服务未启用", en: "the kiosk service is not running") }
        let body = try await JSON.body(Bodies.KioskTicket.self, request)
        if let id = body.requestId, id.count > 100 {
            throw APIError.badRequest("invalid_request_id", zh: "请求编号过长", en: "request_id is at most 100 characters")
        }
        if let r = body.priorityReason, r.isEmpty || r.count > 30 {
            throw APIError.badRequest("invalid_priority_reason", zh: "优先取号原因无效", en: "priority_reason must be 1 to 30 characters")
        }
        let phone = try body.phone.map { raw in
            guard let p = ReminderDesk.normalizedPhone(raw) else {
                throw APIError.badRequest("invalid_phone", zh: "手机号码应为以 1 开头的 11 位数字", en: "phone must be 11 digits starting with 1")
            }
            return p
        }
        if phone != nil && deps.reminders == nil {
            throw APIError(.conflict, code: "reminders_off", zh: "本厅未开通叫号提醒短信", en: "turn-near reminders are not configured ([reminders])")
        }
        let result = await kiosk.take(category: body.category, priority: body.priority ?? false,
                                      details: IssueDetails(priorityReason: body.priorityReason), kiosk: principal.label,
                                      printer: principal.printer, print: body.print ?? true, requestID: body.requestId)
        switch result {
        case .success(let t):
            if let phone, let reminders = deps.reminders, !t.repeated { try await reminders.add(ticket: t.ticket, phone: phone) }
            return try JSON.response(t, status: t.repeated ? .ok : .created)
        case .failure(let e): throw kioskError(e)
        }
    }

    forTakeTicket.post("kiosk/reprint") { request, context in
        let principal = try context.principal
        guard let kiosk = deps.kiosk else { throw APIError(.serviceUnavailable, code: "no_kiosk", zh: "取号服务未启用", en: "the kiosk service is not running") }
        let body = try await JSON.body(Bodies.ReprintPIN.self, request)
        guard let pin = await kiosk.currentSettings.staffPIN else {
            throw APIError(.forbidden, code: "reprint_disabled", zh: "未启用补打（[kiosk] staff_pin）", en: "reprint is off: set [kiosk] staff_pin")
        }
        guard ConstantTime.equal(body.pin, pin) else { throw APIError(.forbidden, code: "wrong_pin", zh: "工作人员密码错误", en: "wrong staff PIN") }
        switch await kiosk.reprint(kiosk: principal.label, printer: principal.printer) {
        case .success(let t): return try JSON.response(t)
        case .failure(let e): throw kioskError(e)
        }
    }

    // A clerk's photo for the evaluator pages: public, like the photo board (公示) at the window.
    api.get("clerks/:id/photo") { _, context in
        let id = context.parameters.get("id") ?? ""
        guard let path = await deps.hall.setup.clerk(id)?.photo else {
            throw APIError(.notFound, code: "no_photo", zh: "该工作人员没有配置照片", en: "no photo is configured for clerk \(id)")
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path), let size = attributes[.size] as? Int, size <= 2_000_000,
              let data = FileManager.default.contents(atPath: path) else {
            throw APIError(.notFound, code: "no_photo", zh: "照片文件无法读取或超过 2 MB：\(path)", en: "the photo file cannot be read or is over 2 MB: \(path)")
        }
        var headers = HTTPFields()
        headers[.contentType] = path.lowercased().hasSuffix(".png") ? "image/png" : "image/jpeg"
        headers[.cacheControl] = "max-age=300"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    // The 评价指标 the tablet and the phone offer after a level: public, as the national list is.
    api.get("indicators") { _, _ in
        struct Item: Encodable {
            var code: String
            var level: Int
            var levelName: String
            var text: String
        }
        struct List: Encodable {
            var version: String
            var reasonRequiredForBad: Bool
            var indicators: [Item]
        }
        let rules = deps.ratingRules
        return try JSON.response(List(version: rules.indicators.version, reasonRequiredForBad: rules.reasonRequiredForBad,
                                      indicators: rules.indicators.indicators.map {
                                          Item(code: $0.code, level: $0.level.rawValue, levelName: $0.level.chineseName, text: $0.text) }))
    }

    // Rating by ticket: the token is the only credential, and it opens one ticket's rating and nothing else.
    api.get("rate/:token") { _, context in
        let (ticket, record) = try await ratedTicket(deps, context)
        return try JSON.response(await rateView(deps, ticket: ticket, record: record))
    }
    api.post("rate/:token") { request, context in
        let (ticket, record) = try await ratedTicket(deps, context)
        let (level, detail) = try await JSON.body(RatingInput.self, request).checked(deps.ratingRules)
        let served = record.flatMap(servedTicket)
        let events = try await deps.run(.rateTicket(ticket: ticket, level: level, served: served, detail: detail), source: "ticket-link")
        if events.contains(where: { $0.event.kind == .ticketRated }) {
            struct Accepted: Encodable {
                var accepted = true
                var number: String
                var level: Int
                var levelName: String
            }
            return try JSON.response(Accepted(number: record?.number ?? "", level: level.rawValue, levelName: level.chineseName), status: .created)
        }
        throw APIError(.conflict, code: "rating_duplicate", zh: "该号码已评价，感谢您的参与", en: "this ticket is already rated")
    }

    router.requiring(deps, under: "api/windows") { .actAtWindow($0) }.get(":window/console") { _, context in
        let n = try context.window
        return try JSON.response(try await consoleView(deps, window: n))
    }
}

func kioskError(_ e: KioskError) -> APIError {
    switch e {
    case .appointment(let r): APIError(r == .unknown ? .notFound : .conflict, code: r.code, zh: r.zh, en: r.en)
    case .noGuide(let c): APIError(.notFound, code: "no_guide", zh: "没有“\(c)”的办事指南或本机没有打印机", en: "no guide for \(c), or no printer here")
    case .rejected(let r): APIError.rejected(r)
    case .printer(let f): APIError(.serviceUnavailable, code: f.code, zh: "出票失败：\(f.zh)，请联系工作人员", en: "ticket not printed: \(f.en)")
    case .storage(let s): APIError.storage(s)
    case .noTicketToReprint: APIError(.notFound, code: "nothing_to_reprint", zh: "本机还没有打印过号票", en: "this kiosk has printed no ticket yet")
    }
}

private func ratedTicket(_ deps: WebDependencies, _ context: HallRequestContext) async throws -> (String, TicketRecord?) {
    // A token that is not ours gets the same answer as an unknown page: nothing to learn from it.
    guard let links = deps.links, let token = context.parameters.get("token"), let ticket = links.ticket(for: token) else {
        throw APIError(.notFound, code: "unknown_link", zh: "评价链接无效", en: "this rating link is not valid")
    }
    let record = try? await StoreReads.run { try deps.hall.store.ticket(ticket) }
    return (ticket, record ?? nil)
}

private func servedTicket(_ r: TicketRecord) -> ServedTicket? {
    guard r.status == .served, let window = r.windowNo, let finished = r.finishedAtMs else { return nil }
    return ServedTicket(ticket: r.id, number: r.number, window: window, clerk: r.clerk ?? "", category: r.category,
                        servedDay: r.day, finishedAt: Date(timeIntervalSince1970: Double(finished) / 1000),
                        rated: r.ratingState == .rated)
}

private func rateView(_ deps: WebDependencies, ticket: String, record: TicketRecord?) async -> RateView {
    let (setup, state, now) = await deps.hall.snapshot()
    let number = record?.number ?? String(ticket.split(separator: "/").last ?? "")
    let categoryName = record.flatMap { setup.category($0.category)?.name } ?? ""
    let window = record?.windowNo
    var view = RateView(number: number, categoryName: categoryName, window: window, windowName: window.flatMap { setup.window($0)?.name },
                        state: "not_served", ratingHours: setup.rules.ticketRatingHours, levels: RatingLevel.levelViews,
                        clerk: record?.clerk.map { ClerkView(id: $0, setup: setup) }, hall: setup.name,
                        day: record?.day ?? String(ticket.split(separator: "/").first ?? ""))
    if state.windows.values.contains(where: { $0.awaiting?.ticket == ticket }) {
        view.state = "awaiting"
    } else if let r = record, let served = servedTicket(r) {
        if served.rated || state.ratedToday.contains(ticket) {
            view.state = "rated"
        } else if now.timeIntervalSince(served.finishedAt) > setup.rules.ticketRatingHours * 3600 {
            view.state = "expired"
        } else {
            view.state = "awaiting"
        }
    }
    return view
}

private func kioskView(_ deps: WebDependencies, principal: Principal) async -> KioskView {
    let (setup, state, now) = await deps.hall.snapshot()
    let counts = state.waitingCounts
    let guides = await deps.kiosk?.guides ?? [:]
    let categories = setup.categories.map { c -> KioskCategoryView in
        let open = setup.windows.filter { w in
            let s = state.window(w.number)
            return w.categories.contains(c.code) && s.clerk != nil && !s.paused
        }.count
        // The engine's one estimator, the same the ticket is printed with.
        let estimate = WaitEstimator.estimate(category: c.code, priority: false, state: state, setup: setup).map(WaitEstimator.minutes)
        return KioskCategoryView(code: c.code, name: c.name, prefix: c.prefix, waiting: counts[c.code, default: 0], windowsOpen: open,
                                 estimatedWaitMinutes: estimate, guide: guides[c.code] != nil)
    }
    var printer: KioskView.PrinterView?
    let kioskSettings = await deps.kiosk?.currentSettings
    if let device = principal.printer ?? kioskSettings?.printer, let room = deps.kiosk?.room {
        let status = room.status(device)
        let problems = status?.faults ?? []
        let connected = room.isConnected(device)
        printer = KioskView.PrinterView(
            device: device, connected: connected, ready: connected && (status?.canPrint ?? false),
            problemZh: !connected ? "打印机未连接" : problems.isEmpty ? (status == nil ? "打印机无响应" : nil) : problems.map(\.zh).joined(separator: "，"),
            problemEn: !connected ? "printer not connected" : problems.isEmpty ? (status == nil ? "printer not answering" : nil) : problems.map(\.en).joined(separator: ", "))
    }
    var view = KioskView(hall: setup.name, now: now, timeZone: setup.rules.timeZone, categories: categories, printer: printer,
                         reprint: kioskSettings?.staffPIN != nil)
    view.priorityReasons = kioskSettings?.priorityReasons ?? []
    view.appointments = deps.kiosk?.citizens != nil && kioskSettings?.appointments == true
    view.reminderAhead = deps.reminders == nil ? nil : kioskSettings?.reminder?.ahead
    view.checkIn = await deps.kiosk?.lastCheckIn(kiosk: principal.label)
    return view
}

private func consoleView(_ deps: WebDependencies, window n: Int) async throws -> ConsoleView {
    let (setup, state, now) = await deps.hall.snapshot()
    let today = await deps.hall.engine.calendar.day(of: now)
    let config = setup.window(n)!
    let ws = state.window(n)
    let counts = state.waitingCounts
    func categoryView(_ c: ServiceCategory) -> CategoryView {
        CategoryView(code: c.code, name: c.name, prefix: c.prefix, waiting: counts[c.code, default: 0], checklist: c.checklist,
                     timeLimitMinutes: c.timeLimitMinutes)
    }
    let tickets = (try? await StoreReads.run { try deps.hall.store.tickets(day: today) }) ?? []
    let mine = tickets.filter { $0.windowNo == n }
    let ratings = mine.filter { $0.ratingState == .rated && $0.rating != nil }
        .sorted { ($0.ratedAtMs ?? 0) > ($1.ratedAtMs ?? 0) }
        .prefix(10)
        .map { r in
            ConsoleRating(number: r.number, level: r.rating ?? 0, levelName: RatingLevel(rawValue: r.rating ?? 3)?.chineseName ?? "",
                          at: Date(timeIntervalSince1970: Double(r.ratedAtMs ?? 0) / 1000))
        }
    let current = ws.serving.flatMap { setup.category($0.ticket.category) }
    // Today's no-shows here that are not back in the queue already.
    let back = Set(state.waiting.map(\.id))
    let noShows = mine.filter { $0.status == .noShow && !back.contains($0.id) }.map {
        Ticket(id: $0.id, number: $0.number, day: $0.day, category: $0.category, priority: $0.priority,
               issuedAt: Date(timeIntervalSince1970: Double($0.issuedAtMs) / 1000))
    }
    let actions = ConsoleActions.evaluate(await deps.hall.engine, state, setup: setup, window: n, now: now, noShow: noShows.first)
    return ConsoleView(
        window: WindowView(config, ws, setup: setup), checklist: current?.checklist ?? [], categoryName: current?.name,
        waiting: config.categories.compactMap { setup.category($0) }.map(categoryView),
        candidates: state.candidates(for: config).count, ratingsToday: Array(ratings),
        servedToday: mine.filter { $0.status == .served }.count,
        clerks: setup.clerks.map { ClerkView(id: $0.id, setup: setup) },
        categories: setup.categories.map(categoryView), windows: setup.windows.map(\.number).filter { $0 != n },
        outcomes: Outcome.allCases.map(\.rawValue),
        queue: state.candidates(for: config).prefix(30).map { QueueItem($0, setup: setup) },
        parked: ws.parked.map { QueueItem($0.ticket, setup: setup) },
        noShows: noShows.map { QueueItem($0, setup: setup) },
        allowed: actions.allowed, refused: actions.refused, timeZone: setup.rules.timeZone)
}
