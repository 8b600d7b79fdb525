import Access
import Codecs
import Devices
import Foundation
import HallConfig
import HallModel
import HallRuntime
import Logging
import Metrics
import Store

/// Why an appointment code gave no ticket. Nothing is issued for any of these.
public enum AppointmentRefusal: Sendable, Equatable {
    case unknown
    /// Its ticket was taken already (today's number).
    case used(number: String)
    /// Too early: check-in opens at this local time.
    case tooEarly(opensAt: String)
    /// Past its slot and the late tolerance.
    case expired(slot: String)
    /// Booked for another day.
    case otherDay(String)

    public var code: String {
        switch self {
        case .unknown: "appointment_unknown"
        case .used: "appointment_used"
        case .tooEarly: "appointment_too_early"
        case .expired: "appointment_expired"
        case .otherDay: "appointment_other_day"
        }
    }

    public var zh: String {
        switch self {
        case .unknown: "没有找到这个预约号，请核对后重输，或到咨询台询问"
        case .used(let n): "该预约已取号（\(n)），请留意叫号；如号票遗失请到咨询台"
        case .tooEarly(let t): "还未到预约时段，请于 \(t) 以后再来签到取号"
        case .expired(let slot): "预约时段 \(slot) 已过，预约已失效，请取普通号或重新预约"
        case .otherDay(let d): "该预约是 \(d) 的，不是今天，请在预约当天前来"
        }
    }

    public var en: String {
        switch self {
        case .unknown: "no appointment has this code"
        case .used(let n): "this appointment already took ticket \(n)"
        case .tooEarly(let t): "too early: check-in opens at \(t)"
        case .expired(let slot): "the slot \(slot) is over: the appointment expired"
        case .otherDay(let d): "the appointment is for \(d), not today"
        }
    }
}

/// What the kiosk's screen shows after a scan: the ticket, or why there is none.
public struct CheckInNotice: Sendable, Equatable, Encodable {
    /// Grows with every check-in of the kiosk, so the screen shows each once.
    public var id: Int
    public var at: Date
    public var ticket: KioskTicket?
    public var code: String?
    public var messageZh: String
}

extension KioskDesk {
    /// Checks an appointment in: within its slot's tolerance, one priority ticket (预约) for its category;
    /// an unknown, used, early or expired code gets its reason and nothing is issued.
    public func checkIn(code raw: String, kiosk: String, printer: String? = nil, print: Bool = true, requestID: String? = nil,
                        via: String = "keypad") async -> Result<KioskTicket, KioskError> {
        let code = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let result = await checkInOnce(code: code, kiosk: kiosk, printer: printer, print: print, requestID: requestID)
        let outcome: String
        switch result {
        case .success: outcome = "issued"
        case .failure(.appointment(let r)): outcome = r.code
        case .failure: outcome = "failed"
        }
        Counter(label: "counterd_appointment_checkins_total", dimensions: [("result", outcome), ("via", via)]).increment()
        checkInSerial += 1
        let notice: CheckInNotice
        switch result {
        case .success(let t):
            notice = CheckInNotice(id: checkInSerial, at: hall.now, ticket: t, code: nil, messageZh: "预约签到成功")
            logger.info("appointment checked in", metadata: ["ticket": "\(t.number)", "kiosk": "\(kiosk)", "via": "\(via)"])
        case .failure(let e):
            let (zh, c) = Self.words(e)
            notice = CheckInNotice(id: checkInSerial, at: hall.now, ticket: nil, code: c, messageZh: zh)
            // The code itself is not logged: it is the citizen's credential for the ticket.
            logger.notice("appointment check-in refused", metadata: ["reason": "\(c)", "kiosk": "\(kiosk)", "via": "\(via)"])
        }
        lastCheckIn[kiosk] = notice
        return result
    }

    /// The scanners' sink: each code checks in at the kiosk the scanner stands at, printing on that kiosk
    /// token's printer (or `[kiosk] printer`).
    public static func scanSink(_ desk: KioskDesk, tokens: [TokenEntry]) -> ScanSink {
        let printers = Dictionary(tokens.filter { $0.role == .kiosk }.map { ($0.label, $0.printer) }, uniquingKeysWith: { a, _ in a })
        return { code, binding in
            let kiosk = binding.kiosk ?? "scanner"
            // Its own request id: a scan is never taken for a second tap of a ticket being printed at that kiosk.
            _ = await desk.checkIn(code: code, kiosk: kiosk, printer: printers[kiosk] ?? nil, requestID: "scan-\(UUID().uuidString)",
                                   via: "scanner:\(binding.id)")
        }
    }

    /// The kiosk's last check-in, for its screen.
    public func lastCheckIn(kiosk: String) -> CheckInNotice? { lastCheckIn[kiosk] }

    static func words(_ e: KioskError) -> (String, String) {
        switch e {
        case .appointment(let r): (r.zh, r.code)
        case .rejected(let r): (r.messageZh, r.code)
        case .printer(let f): ("出票失败：\(f.zh)，请联系工作人员", f.code)
        case .storage: ("系统暂时无法出票，请联系工作人员", "storage_error")
        case .noTicketToReprint: ("本机还没有打印过号票", "nothing_to_reprint")
        case .noGuide(let c): ("没有“\(c)”的办事指南", "no_guide")
        }
    }

    private func checkInOnce(code: String, kiosk: String, printer: String?, print: Bool, requestID: String?) async -> Result<KioskTicket, KioskError> {
        guard let citizens, !code.isEmpty, code.count <= 64 else { return .failure(.appointment(.unknown)) }
        let appointment: AppointmentRecord?
        do { appointment = try citizens.appointment(code) } catch { return .failure(.storage("\(error)")) }
        guard let a = appointment else { return .failure(.appointment(.unknown)) }
        let (now, setup) = (hall.now, await hall.setup)
        let today = await hall.engine.calendar.day(of: now)
        let state = await hall.state
        if let ticket = a.ticket ?? state.appointmentsUsed[code] {
            // The same request again (a retry after a lost answer) gets its ticket back.
            if let id = requestID, let done = recent[kiosk]?.first(where: { $0.requestID == id }) { return .success(done.repeated) }
            return .failure(.appointment(.used(number: String(ticket.split(separator: "/").last ?? ""))))
        }
        guard a.day == today else {
            return .failure(.appointment(a.day < today ? .expired(slot: "\(a.day) \(a.slotStart)–\(a.slotEnd)") : .otherDay(a.day)))
        }
        guard let start = Self.instant(day: a.day, time: a.slotStart, timeZone: setup.rules.timeZone),
              let end = Self.instant(day: a.day, time: a.slotEnd, timeZone: setup.rules.timeZone) else {
            return .failure(.appointment(.unknown))
        }
        let opens = start.addingTimeInterval(-Double(settings.appointmentEarlyMinutes) * 60)
        let closes = end.addingTimeInterval(Double(settings.appointmentLateMinutes) * 60)
        if now < opens { return .failure(.appointment(.tooEarly(opensAt: Self.clock(opens, timeZone: setup.rules.timeZone)))) }
        if now > closes { return .failure(.appointment(.expired(slot: "\(a.slotStart)–\(a.slotEnd)"))) }
        let result = await take(category: a.category, priority: true,
                                details: IssueDetails(priorityReason: IssueDetails.appointmentReason, appointment: code),
                                kiosk: kiosk, printer: printer, print: print, requestID: requestID)
        if case .success(let t) = result, !t.repeated {
            do { _ = try citizens.arrived(code: code, ticket: t.ticket, at: t.issuedAt, late: now > end) } catch {
                // The log has the check-in (the ticket's appointment); `reconcileAppointments` restores the row.
                logger.error("appointment check-in not recorded in citizens.sqlite", metadata: ["ticket": "\(t.number)", "error": "\(error)"])
            }
        }
        if case .failure(.rejected(.appointmentUsed(_, let ticket))) = result {
            return .failure(.appointment(.used(number: String(ticket.split(separator: "/").last ?? ""))))
        }
        return result
    }

    /// After a restart: check-ins in today's log that `citizens.sqlite` missed (a crash between the two).
    public func reconcileAppointments() async {
        guard let citizens else { return }
        let (state, setup) = (await hall.state, await hall.setup)
        for (code, ticket) in state.appointmentsUsed {
            guard let a = try? citizens.appointment(code), a.ticket == nil else { continue }
            let t = state.waiting.first { $0.id == ticket } ?? state.reserved.first { $0.id == ticket }
            let end = Self.instant(day: a.day, time: a.slotEnd, timeZone: setup.rules.timeZone) ?? .distantFuture
            let now = hall.now
            let at = t?.issuedAt ?? now
            _ = try? citizens.arrived(code: code, ticket: ticket, at: at, late: at > end)
        }
    }

    static func instant(day: String, time: String, timeZone: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: timeZone)
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.date(from: "\(day) \(time)")
    }

    static func clock(_ d: Date, timeZone: String) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: timeZone)
        f.dateFormat = "HH:mm"
        return f.string(from: d)
    }

    // MARK: 办事指南

    /// Prints the category's 办事指南 on the kiosk's printer.
    public func printGuide(category: String, kiosk: String, printer: String? = nil) async -> Result<Void, KioskError> {
        guard let guide = guides[category] else { return .failure(.noGuide(category)) }
        guard let device = printer ?? settings.printer else { return .failure(.noGuide(category)) }
        let setup = await hall.setup
        let profile = printers[device]
        let slip = GuideSlip(hall: setup.name, title: guide.title ?? setup.category(category)?.name ?? category,
                             materials: guide.materials.isEmpty ? (setup.category(category)?.checklist ?? []) : guide.materials,
                             timeLimit: guide.timeLimit, fees: guide.fees, legalBasis: guide.legalBasis, location: guide.location,
                             complaintPhone: guide.complaintPhone, notes: guide.notes,
                             qrURL: settings.ratingURL.map { $0 + "/guide/" + category },
                             columns: profile?.columns ?? settings.columns, chineseMode: profile?.chineseMode ?? settings.chineseMode,
                             partialCut: profile?.partialCut ?? settings.partialCut)
        let outcome = await room.print(device: device, body: slip.body, cut: slip.cut)
        Counter(label: "counterd_guide_prints_total", dimensions: [("result", outcome.printed ? "printed" : "failed")]).increment()
        if case .notPrinted(let fault) = outcome { return .failure(.printer(fault)) }
        logger.info("guide printed", metadata: ["category": "\(category)", "kiosk": "\(kiosk)"])
        return .success(())
    }
}
