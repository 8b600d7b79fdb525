import Access
import Foundation
import HallModel
import HallRuntime
import Hummingbird
import Store

/// A supervisor's moves from the dashboard: sign a clerk out, pause or open a window, move a waiting
/// ticket, put up a notice. Each is an ordinary hall command, decided by the same engine rules as at the
/// window, logged with the person's account as its source and in the audit record.
func addSuperviseRoutes(_ router: Router<HallRequestContext>, _ deps: WebDependencies) {
    let api = router.requiring(deps, .supervise, under: "api/supervise")
    let windows = router.requiring(deps, under: "api/supervise/windows") { _ in .supervise }

    @Sendable func act(_ context: HallRequestContext, _ action: String, target: String, detail: String, _ command: HallCommand) async throws -> Response {
        let principal = try context.principal
        do {
            let events = try await deps.run(command, source: principal.source)
            if let refused = events.lazy.compactMap({ if case .ratingSkipRefused(let r) = $0.event { r } else { nil } }).first {
                throw APIError.awaitingRating(refused, now: deps.hall.now)
            }
            deps.audit(principal, action, target: target, detail: detail)
            let (setup, state, now) = await deps.hall.snapshot()
            return try JSON.response(SupervisedView(events: events.map(EventView.init),
                                                    hall: HallView(setup: setup, state: state, now: now, devices: deps.devices?.all ?? [])))
        } catch let e as APIError {
            if e.status != .unauthorized && e.status != .forbidden {
                deps.audit(principal, action, target: target, detail: "\(detail) — 未执行：\(e.messageZh)", ok: false)
            }
            throw e
        }
    }

    func windowMove(_ path: String, _ action: String, _ zh: String, _ make: @escaping @Sendable (Int) -> HallCommand) {
        windows.post(":window/\(path)") { _, context in
            let w = try context.window
            return try await act(context, action, target: "\(w) 号窗口", detail: zh, make(w))
        }
    }
    windowMove("sign-out", "supervise_sign_out", "强制签退") { .signOut(window: $0) }
    windowMove("pause", "supervise_pause", "暂停窗口") { .pause(window: $0) }
    windowMove("resume", "supervise_resume", "开放窗口") { .resume(window: $0) }
    // The steps a forced sign-out of a serving window needs first: 过号, or the ticket back in its queue for any window.
    windowMove("no-show", "supervise_no_show", "过号") { .noShow(window: $0) }
    windows.post(":window/requeue") { _, context in
        let w = try context.window
        let serving = await deps.hall.state.window(w).serving
        return try await act(context, "supervise_transfer", target: "\(w) 号窗口", detail: "转回排队 \(serving?.ticket.number ?? "")",
                             .transfer(window: w, toCategory: serving?.ticket.category, toWindow: nil))
    }

    // A waiting ticket (id "2026-11-23/A012" or today's number "A012") to another category and/or window.
    api.post("tickets/:ticket/move") { request, context in
        let body = try await JSON.body(Bodies.MoveTicket.self, request)
        let ref = (context.parameters.get("ticket") ?? "").removingPercentEncoding ?? ""
        let setup = await deps.hall.setup
        var words: [String] = []
        if let c = body.toCategory { words.append("改为\(setup.category(c)?.name ?? c)") }
        if let w = body.toWindow { words.append("指定 \(w) 号窗口") } else if body.toCategory == nil {
            throw APIError.badRequest("move_target_missing", zh: "请指定新的业务类别或窗口", en: "name to_category or to_window")
        }
        return try await act(context, "supervise_move", target: ref, detail: words.joined(separator: "，"),
                             .moveWaiting(ticket: ref, toCategory: body.toCategory, toWindow: body.toWindow))
    }

    // The TV and hall pages' notice: {"text", "until"}; an empty text takes it down.
    api.post("notice") { request, context in
        let body = try await JSON.body(Bodies.Notice.self, request)
        let clear = body.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        return try await act(context, clear ? "supervise_notice_clear" : "supervise_notice", target: "大厅通知", detail: clear ? "撤下通知" : body.text,
                             .postNotice(text: body.text, until: body.until))
    }
}

struct SupervisedView: Encodable {
    var events: [EventView]
    var hall: HallView
}
