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

/// A ticket as the kiosk shows it.
public struct KioskTicket: Sendable, Equatable, Codable {
    public var ticket: String
    public var number: String
    public var category: String
    public var categoryName: String
    public var priority: Bool
    public var issuedAt: Date
    public var waitingAhead: Int
    public var checklist: [String]
    public var windows: [Int]
    /// On paper (a printer took it) or on screen only (no printer configured, or asked not to print).
    public var printed: Bool
    /// The answer to a repeated request (double tap, retry): the ticket already issued for it.
    public var repeated: Bool
    /// The 绿色通道 reason, 预约 for an appointment.
    public var priorityReason: String? = nil
    /// The appointment it checked in.
    public var appointment: String? = nil
    /// The hall's estimate when it was taken, whole minutes (nil: no window serves it now).
    public var estimatedWaitMinutes: Int? = nil
}

/// Why the kiosk gave no ticket.
public enum KioskError: Error, Sendable, Equatable {
    case rejected(Rejection)
    /// The printer could not print: the number was voided, nothing joined the queue.
    case printer(PrintFault)
    case storage(String)
    case noTicketToReprint
    /// An appointment code that cannot check in now.
    case appointment(AppointmentRefusal)
    /// No 办事指南 file for the category, or no printer to print it on.
    case noGuide(String)
}

/// The ticket kiosk's flow, print before issue: take the next number (reserved, not yet in the queue),
/// print it, and only when the printer has confirmed the ticket does the number join the queue; otherwise
/// it is voided in the log with the printer's reason. One ticket at a time per kiosk; a repeated request
/// (the same request id, or a second tap while the first is printing) gets the first one's ticket.
public actor KioskDesk {
    public nonisolated let hall: Hall
    public nonisolated let room: PrinterRoom
    var settings: KioskSettings
    /// Printer profiles by device id: paper, cut and Chinese mode of the printer a ticket goes to.
    var printers: [String: PrinterProfile]
    private let links: RatingLinks?
    let logger: Logger
    /// 办事指南 by category code.
    public private(set) var guides: [String: ServiceGuide] = [:]
    /// Appointments and reminder numbers; nil: no appointment check-in.
    public nonisolated let citizens: CitizenStore?
    /// The last scanner or keypad check-in per kiosk, for its screen.
    var lastCheckIn: [String: CheckInNotice] = [:]
    var checkInSerial = 0

    struct Done {
        var requestID: String
        var ticket: KioskTicket
        var repeated: KioskTicket {
            var t = ticket
            t.repeated = true
            return t
        }
    }
    /// Per kiosk: the request being served and the last answers, by request id.
    private var inFlight: [String: (id: String?, task: Task<Result<KioskTicket, KioskError>, Never>)] = [:]
    var recent: [String: [Done]] = [:]
    private var lastPrinted: [String: KioskTicket] = [:]

    public init(hall: Hall, room: PrinterRoom, settings: KioskSettings, links: RatingLinks?, printers: [String: PrinterProfile] = [:],
                guides: [String: ServiceGuide] = [:], citizens: CitizenStore? = nil, logger: Logger = Logger(label: "counterd.kiosk")) {
        self.printers = printers
        self.guides = guides
        self.citizens = citizens
        self.hall = hall
        self.room = room
        self.settings = settings
        self.links = links
        self.logger = logger
    }

    public func reconfigure(_ settings: KioskSettings, printers: [String: PrinterProfile] = [:], guides: [String: ServiceGuide]? = nil) {
        self.settings = settings
        self.printers = printers
        if let guides { self.guides = guides }
    }

    public var currentSettings: KioskSettings { settings }

    /// Numbers reserved when counterd stopped mid-print are voided: whether they reached paper is unknown,
    /// and a number nobody holds must not be called. Logged so staff can help a citizen holding one.
    public func voidInterrupted() async {
        for t in await hall.state.reserved {
            logger.warning("voiding a ticket whose printing was interrupted by a restart", metadata: ["number": "\(t.number)"])
            _ = try? await hall.execute(.voidTicket(ticket: t.id, reason: "interrupted"), source: "kiosk:recovery")
        }
    }

    /// Takes a ticket for `kiosk`. `printer` overrides the configured one; `print = false` shows it on
    /// screen only (kiosks that print with their own software).
    public func take(category: String, priority: Bool, details: IssueDetails = IssueDetails(), kiosk: String, printer: String? = nil,
                     print: Bool = true, requestID: String? = nil) async -> Result<KioskTicket, KioskError> {
        if let id = requestID, let done = recent[kiosk]?.first(where: { $0.requestID == id }) {
            return .success(done.repeated)
        }
        if let current = inFlight[kiosk] {
            // The same request again, or a second tap without an id while the first is printing.
            if current.id == requestID {
                return await current.task.value.map { var t = $0; t.repeated = true; return t }
            }
            _ = await current.task.value
            if let id = requestID, let done = recent[kiosk]?.first(where: { $0.requestID == id }) {
                return .success(done.repeated)
            }
        }
        let device = print ? (printer ?? settings.printer) : nil
        let task = Task { await self.issue(category: category, priority: priority, details: details, kiosk: kiosk, device: device) }
        inFlight[kiosk] = (requestID, task)
        let result = await task.value
        if inFlight[kiosk]?.task == task { inFlight[kiosk] = nil }
        // Only a ticket is remembered: the same request after a printer fault (refilled since) tries again.
        if let id = requestID, case .success(let ticket) = result {
            var list = recent[kiosk] ?? []
            list.append(Done(requestID: id, ticket: ticket))
            recent[kiosk] = Array(list.suffix(32))
        }
        return result
    }

    /// Prints the kiosk's last ticket again, marked 补打; no new number.
    public func reprint(kiosk: String, printer: String? = nil) async -> Result<KioskTicket, KioskError> {
        guard let printed = lastPrinted[kiosk], let device = printer ?? settings.printer else { return .failure(.noTicketToReprint) }
        let last = await current(printed)
        let layout = await self.layout(last, reprint: true, device: device)
        let outcome = await room.print(device: device, body: layout.body, cut: layout.cut)
        Counter(label: "counterd_kiosk_reprints_total", dimensions: [("result", outcome.printed ? "printed" : "failed")]).increment()
        if case .notPrinted(let fault) = outcome { return .failure(.printer(fault)) }
        logger.info("ticket reprinted", metadata: ["number": "\(last.number)", "kiosk": "\(kiosk)"])
        return .success(last)
    }

    // MARK: Flow

    private func issue(category: String, priority: Bool, details: IssueDetails, kiosk: String, device: String?) async -> Result<KioskTicket, KioskError> {
        let source = "kiosk:\(kiosk)"
        guard let device else {
            do {
                let events = try await hall.execute(.issueTicket(category: category, priority: priority, details: details), source: source)
                guard let e = events.issued else { return .failure(.storage("no ticket issued")) }
                return .success(await view(ticket: e.ticket, number: e.number, category: e.category, priority: e.priority,
                                           issuedAt: e.issuedAt, printed: false, reason: e.priorityReason, appointment: e.appointment,
                                           estimate: e.estimatedWaitSeconds))
            } catch {
                return .failure(Self.map(error))
            }
        }
        let reserved: TicketReserved
        do {
            let events = try await hall.execute(.reserveTicket(category: category, priority: priority, details: details), source: source)
            guard let e = events.reserved else { return .failure(.storage("no number reserved")) }
            reserved = e
        } catch {
            return .failure(Self.map(error))
        }
        let id = reserved.ticket
        var ticket = await view(ticket: id, number: reserved.number, category: reserved.category, priority: reserved.priority,
                                issuedAt: reserved.issuedAt, printed: true, reason: reserved.priorityReason, appointment: reserved.appointment,
                                estimate: reserved.estimatedWaitSeconds)
        let layout = await self.layout(ticket, reprint: false, device: device)
        let outcome = await room.print(device: device, body: layout.body, cut: layout.cut)
        switch outcome {
        case .notPrinted(let fault):
            logger.error("ticket not printed: number voided", metadata: [
                "number": "\(reserved.number)", "printer": "\(device)", "reason": "\(fault.en)"])
            do {
                try await hall.execute(.voidTicket(ticket: id, reason: fault.code), source: source)
            } catch {
                logger.critical("could not void an unprinted ticket", metadata: ["number": "\(reserved.number)", "error": "\(error)"])
            }
            return .failure(.printer(fault))
        case .printed, .printedUnconfirmed:
            if case .printedUnconfirmed(let why) = outcome {
                logger.warning("ticket printed, its end not confirmed: issued", metadata: ["number": "\(reserved.number)", "why": "\(why)"])
            }
            // The citizen holds the paper: the number must join the queue. One retry covers a failed commit.
            for attempt in 1...2 {
                do {
                    let events = try await hall.execute(.confirmTicket(ticket: id), source: source)
                    if let e = events.issued { ticket.issuedAt = e.issuedAt }
                    lastPrinted[kiosk] = ticket
                    return .success(ticket)
                } catch {
                    logger.critical("printed ticket not yet in the queue", metadata: ["number": "\(ticket.number)", "attempt": "\(attempt)", "error": "\(error)"])
                    if case .rejected = error { return .failure(Self.map(error)) }
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
            return .failure(.storage("the printed ticket \(ticket.number) could not be committed"))
        }
    }

    private static func map(_ error: HallError) -> KioskError {
        switch error {
        case .rejected(let r): .rejected(r)
        case .storage(let s): .storage(s)
        }
    }

    private func view(ticket id: String, number: String, category code: String, priority: Bool, issuedAt: Date,
                      printed: Bool, reason: String?, appointment: String?, estimate: Double?) async -> KioskTicket {
        let (setup, state, _) = await hall.snapshot()
        let category = setup.category(code)
        let ahead = state.ahead(of: id, category: code)
        return KioskTicket(ticket: id, number: number, category: code, categoryName: category?.name ?? code,
                           priority: priority, issuedAt: issuedAt, waitingAhead: ahead, checklist: category?.checklist ?? [],
                           windows: setup.windows.filter { $0.categories.contains(code) }.map(\.number), printed: printed,
                           repeated: false, priorityReason: reason, appointment: appointment,
                           estimatedWaitMinutes: estimate.map(WaitEstimator.minutes))
    }

    /// The ticket as it stands now: one transferred or moved since it was printed is reprinted with its current
    /// category, checklist and windows (the window it was directed to, if any), never the ones it had at the kiosk.
    public func current(_ t: KioskTicket) async -> KioskTicket {
        guard let now = await hall.state.waiting.first(where: { $0.id == t.ticket }) else { return t }
        let setup = await hall.setup
        var out = t
        out.category = now.category
        out.categoryName = setup.category(now.category)?.name ?? now.category
        out.checklist = setup.category(now.category)?.checklist ?? []
        out.windows = now.directedWindow.map { [$0] } ?? setup.windows.filter { $0.categories.contains(now.category) }.map(\.number)
        return out
    }

    /// The printed ticket for `t`, in the hall's time zone, for the printer `device` (its profile's paper,
    /// cut and Chinese mode; `[kiosk]`'s when it has none).
    public func layout(_ t: KioskTicket, reprint: Bool, device: String? = nil) async -> TicketLayout {
        let profile = device.flatMap { printers[$0] }
        let setup = await hall.setup
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: setup.rules.timeZone)
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        let windows = t.windows.map(String.init).joined(separator: "、")
        let qr = settings.ratingURL.flatMap { base in links.map { base + "/r/" + $0.token(for: t.ticket) } }
        let guide = guides[t.category] != nil ? settings.ratingURL.map { $0 + "/guide/" + t.category } : nil
        var layout = TicketLayout(hall: setup.name, number: t.number, category: t.categoryName,
                                  windowHint: windows.isEmpty ? "请留意叫号" : "请留意叫号，到 \(windows) 号窗口办理",
                                  issuedAt: formatter.string(from: t.issuedAt), waitingAhead: t.waitingAhead, checklist: t.checklist,
                                  qrURL: qr, barcode: settings.barcode ? t.number : nil, columns: profile?.columns ?? settings.columns,
                                  chineseMode: profile?.chineseMode ?? settings.chineseMode, partialCut: profile?.partialCut ?? settings.partialCut,
                                  reprint: reprint)
        layout.estimatedWaitMinutes = t.estimatedWaitMinutes
        layout.priorityReason = t.priorityReason
        layout.guideURL = guide
        return layout
    }
}
