import Access
import Foundation
import HallConfig
import HallModel
import HallRuntime
import Hummingbird
import Kiosk
import NIOCore
import Store

/// What citizens reach besides the ticket: appointment check-in (预约取号), the 办事指南 of each category
/// (on the kiosk, printed, and public at /guide/CODE for the ticket's QR code), the booking system's
/// appointments, and the 群众服务 report.
func addCitizenRoutes(_ router: Router<HallRequestContext>, _ deps: WebDependencies) {
    let forBook = router.requiring(deps, .book, under: "api")
    let forReports = router.requiring(deps, .reports, under: "api")
    let forTakeTicket = router.requiring(deps, .takeTicket, under: "api")
    let api = router.group("api")

    forTakeTicket.post("kiosk/appointments/check-in") { request, context in
        let principal = try context.principal
        guard let kiosk = deps.kiosk else { throw APIError(.serviceUnavailable, code: "no_kiosk", zh: "取号服务未启用", en: "the kiosk service is not running") }
        let body = try await JSON.body(Bodies.CheckIn.self, request)
        guard kiosk.citizens != nil else {
            throw APIError(.conflict, code: "appointments_off", zh: "本厅未开通预约取号", en: "appointments are not enabled here")
        }
        if let id = body.requestId, id.count > 100 {
            throw APIError.badRequest("invalid_request_id", zh: "请求编号过长", en: "request_id is at most 100 characters")
        }
        switch await kiosk.checkIn(code: body.code, kiosk: principal.label, printer: principal.printer, print: body.print ?? true,
                                   requestID: body.requestId) {
        case .success(let t): return try JSON.response(t, status: t.repeated ? .ok : .created)
        case .failure(let e): throw kioskError(e)
        }
    }

    forTakeTicket.post("kiosk/guides/:category/print") { request, context in
        let principal = try context.principal
        guard let kiosk = deps.kiosk else { throw APIError(.serviceUnavailable, code: "no_kiosk", zh: "取号服务未启用", en: "the kiosk service is not running") }
        let code = context.parameters.get("category") ?? ""
        switch await kiosk.printGuide(category: code, kiosk: principal.label, printer: principal.printer) {
        case .success: return Response(status: .noContent)
        case .failure(let e): throw kioskError(e)
        }
    }

    // Public, like the printed guide on the hall's wall: the ticket's QR code opens it on any phone.
    api.get("guides/:category") { _, context in
        let code = context.parameters.get("category") ?? ""
        let setup = await deps.hall.setup
        guard let category = setup.category(code) else {
            throw APIError(.notFound, code: "unknown_category", zh: "没有这个业务类别", en: "no such category")
        }
        guard let guide = await deps.kiosk?.guides[code] else {
            throw APIError(.notFound, code: "no_guide", zh: "本业务暂无办事指南，请咨询窗口工作人员", en: "no guide for this category")
        }
        return try JSON.response(GuideView(guide: guide, category: category, hall: setup.name,
                                           windows: setup.windows.filter { $0.categories.contains(code) }.map(\.number)))
    }

    forBook.post("appointments") { request, _ in
        guard let citizens = deps.kiosk?.citizens else {
            throw APIError(.conflict, code: "appointments_off", zh: "本厅未开通预约取号", en: "appointments are not enabled here")
        }
        var r = request
        let buffer = try await r.collectBody(upTo: 4 * 1024 * 1024)
        let data = Data(buffer.readableBytesView)
        // One appointment, or {"appointments": [...]} for a batch.
        let inputs: [AppointmentInput]
        if let batch = try? JSON.decoder.decode(AppointmentBatch.self, from: data) {
            inputs = batch.appointments
        } else {
            do { inputs = [try JSON.decoder.decode(AppointmentInput.self, from: data)] } catch {
                throw APIError.badRequest("malformed_json", zh: "请求内容须为一条预约或 {\"appointments\": [...]}",
                                          en: "the body must be one appointment or {\"appointments\": [...]}: \(JSON.describe(error))")
            }
        }
        guard inputs.count <= 5000 else {
            throw APIError.badRequest("batch_too_large", zh: "一次最多 5000 条预约", en: "at most 5000 appointments per request")
        }
        let setup = await deps.hall.setup
        let outcome = try book(inputs, setup: setup, citizens: citizens, now: deps.wallClock())
        if inputs.count == 1, let p = outcome.refused.first {
            throw APIError.badRequest("invalid_appointment", zh: "预约信息有误（\(p.field)）：\(p.zh)", en: "\(p.field): \(p.en)")
        }
        return try JSON.response(outcome, status: outcome.added > 0 ? .created : .ok)
    }

    forBook.get("appointments") { request, _ in
        guard let citizens = deps.kiosk?.citizens else {
            throw APIError(.conflict, code: "appointments_off", zh: "本厅未开通预约取号", en: "appointments are not enabled here")
        }
        let (from, to) = try await range(request, deps)
        return try JSON.response(try citizens.appointments(from: from, to: to))
    }

    forReports.get("reports/citizens") { request, _ in
        let (from, to) = try await range(request, deps)
        let (setup, now) = (await deps.hall.setup, deps.hall.now)
        let late = await deps.kiosk?.currentSettings.appointmentLateMinutes ?? 15
        do {
            return try JSON.response(try CitizenReport.make(store: deps.hall.store, citizens: deps.kiosk?.citizens, setup: setup,
                                                            from: from, to: to, now: now, lateMinutes: late))
        } catch {
            throw APIError.storage("\(error)")
        }
    }

    router.get("/guide/:category") { _, _ in Page.response(Page.guide) }
}

/// The answer to a batch of appointments: how many were new, changed, the same, and which were refused.
struct BookingOutcome: Encodable {
    var added = 0
    var updated = 0
    var unchanged = 0
    /// Already checked in: left as they were.
    var arrived = 0
    var refused: [Refused] = []

    struct Refused: Encodable {
        var index: Int
        var code: String
        var field: String
        var zh: String
        var en: String
    }
}

func book(_ inputs: [AppointmentInput], setup: HallSetup, citizens: CitizenStore, now: Date) throws -> BookingOutcome {
    var outcome = BookingOutcome()
    for (i, input) in inputs.enumerated() {
        switch AppointmentIntake.check(input, setup: setup, bookedAt: now) {
        case .failure(let p):
            outcome.refused.append(.init(index: i, code: input.code, field: p.field, zh: p.zh, en: p.en))
        case .success(let record):
            do {
                switch try citizens.book(record) {
                case .added: outcome.added += 1
                case .updated: outcome.updated += 1
                case .unchanged: outcome.unchanged += 1
                case .alreadyArrived: outcome.arrived += 1
                }
            } catch {
                throw APIError.storage("\(error)")
            }
        }
    }
    return outcome
}

/// A 办事指南 as the kiosk and the guide page show it.
struct GuideView: Encodable {
    var hall: String
    var category: String
    var categoryName: String
    var title: String
    var materials: [String]
    var timeLimit: String?
    var fees: String?
    var legalBasis: [String]
    var location: String?
    var complaintPhone: String
    var notes: [String]
    /// The windows that serve the category.
    var windows: [Int]

    init(guide g: ServiceGuide, category c: ServiceCategory, hall: String, windows: [Int] = []) {
        self.hall = hall
        self.category = c.code
        self.categoryName = c.name
        self.title = g.title ?? c.name
        // One list: the category's checklist (the ticket prints it, the console shows it); a guide's own only when there is none.
        self.materials = c.checklist.isEmpty ? g.materials : c.checklist
        self.timeLimit = g.timeLimit
        self.fees = g.fees
        self.legalBasis = g.legalBasis
        self.location = g.location
        self.complaintPhone = g.complaintPhone
        self.notes = g.notes
        self.windows = windows
    }
}
