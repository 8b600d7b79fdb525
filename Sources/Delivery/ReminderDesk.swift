import AsyncHTTPClient
import Crypto
import Foundation
import HallConfig
import HallModel
import HallRuntime
import Logging
import Metrics
import NIOCore
import ServiceLifecycle
import Store

/// 叫号提醒: when a ticket whose holder left a mobile number has `ahead` or fewer tickets before it, one
/// message goes to the SMS/WeChat gateway (a JSON POST: `{"phone", "text", "ticket", "number", "hall"}`),
/// retried with growing pauses. Numbers are sealed with AES-GCM under a key file beside the database,
/// never logged or shown, wiped once the message went or gave up, and deleted with their rows at the end
/// of the business day.
public actor ReminderDesk: Service {
    public nonisolated let store: CitizenStore
    private let hall: Hall
    private var settings: ReminderSettings
    private let key: SymmetricKey
    private let client: HTTPClient
    private let events: AsyncStream<StoredEvent>
    private let firstPause: Double
    private let clock: any Clock<Duration>
    private let logger: Logger
    /// Tickets whose message is being sent now.
    private var sending: Set<String> = []
    /// False once a check found nothing pending, until a number is added: most commits then cost no read.
    private var mayHavePending = true
    /// The business day whose earlier rows were last deleted.
    private var cleaned: String?

    /// Subscribes to `hub` at once. `keyPath`: the 32-byte key file, made (0600) when missing.
    public init(hall: Hall, store: CitizenStore, settings: ReminderSettings, keyPath: String, client: HTTPClient = .shared,
                firstPause: Double = 1, logger: Logger = Logger(label: "counterd.reminders"),
                clock: any Clock<Duration> = ContinuousClock()) throws {
        self.clock = clock
        self.hall = hall
        self.store = store
        self.settings = settings
        self.key = try Self.loadKey(keyPath)
        self.client = client
        self.events = hall.hub.subscribe()
        self.firstPause = firstPause
        self.logger = logger
    }

    public func reconfigure(_ settings: ReminderSettings) { self.settings = settings }

    /// 11 digits starting with 1 (spaces and dashes dropped); nil otherwise.
    public nonisolated static func normalizedPhone(_ raw: String) -> String? {
        let digits = raw.filter { $0 != " " && $0 != "-" }
        guard digits.count == 11, digits.first == "1", digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return digits
    }

    /// Keeps `phone` (sealed) for `ticket`'s reminder, and checks at once whether it is already due: when this
    /// returns, the kiosk's answer comes after that decision.
    public func add(ticket: String, phone: String) async throws {
        let sealed = try AES.GCM.seal(Data(phone.utf8), using: key)
        guard let combined = sealed.combined else { throw CocoaError(.coderInvalidValue) }
        try store.addReminder(ReminderRecord(ticket: ticket, day: String(ticket.split(separator: "/").first ?? ""), sealedPhone: combined,
                                             createdAt: hall.now))
        Counter(label: "counterd_reminders_total", dimensions: [("result", "registered")]).increment()
        mayHavePending = true
        await check()
    }

    public func run() async throws {
        await check()
        await cancelWhenGracefulShutdown {
            for await e in self.events {
                await self.check()
                // How far the reminders have looked: what a test (or a person) waits on before saying none was due.
                Gauge(label: "counterd_reminders_checked_seq").record(e.seq)
            }
        }
    }

    /// Sends what is due and forgets what is over; runs after every commit.
    public func check() async {
        let (state, setup, now) = (await hall.state, await hall.setup, hall.now)
        let today = await hall.engine.calendar.day(of: now)
        if cleaned != today, let gone = try? store.deleteReminders(before: today) {
            cleaned = today
            if gone > 0 { logger.info("reminders of past days deleted", metadata: ["count": "\(gone)"]) }
        }
        guard mayHavePending, let pending = try? store.pendingReminders() else { return }
        if pending.isEmpty { mayHavePending = false }
        for r in pending where !sending.contains(r.ticket) {
            guard let t = state.waiting.first(where: { $0.id == r.ticket }) else {
                // Called, gone or not yet confirmed: a called ticket needs no message any more.
                if !state.reserved.contains(where: { $0.id == r.ticket }) {
                    try? store.reminderDone(ticket: r.ticket, outcome: "not_needed", at: now)
                }
                continue
            }
            let ahead = state.callsBefore(t, setup: setup)
            guard let ahead, ahead <= settings.ahead else { continue }
            sending.insert(r.ticket)
            Counter(label: "counterd_reminders_total", dimensions: [("result", "due")]).increment()
            let text = Self.text(settings.template, hall: setup.name, ticket: t, ahead: ahead, setup: setup)
            let sealed = r.sealedPhone
            Task { await self.deliver(ticket: t, sealed: sealed, text: text, hall: setup.name) }
        }
    }

    nonisolated static func text(_ template: String, hall: String, ticket t: Ticket, ahead: Int, setup: HallSetup) -> String {
        let windows = setup.windows.filter { $0.categories.contains(t.category) }.map { String($0.number) }.joined(separator: "、")
        return template.replacingOccurrences(of: "{hall}", with: hall)
            .replacingOccurrences(of: "{number}", with: t.number)
            .replacingOccurrences(of: "{category}", with: setup.category(t.category)?.name ?? t.category)
            .replacingOccurrences(of: "{ahead}", with: String(ahead))
            .replacingOccurrences(of: "{windows}", with: windows)
    }

    private func deliver(ticket t: Ticket, sealed: Data, text: String, hall name: String) async {
        defer { sending.remove(t.id) }
        guard let box = try? AES.GCM.SealedBox(combined: sealed), let plain = try? AES.GCM.open(box, using: key),
              let phone = String(data: plain, encoding: .utf8) else {
            logger.error("reminder number cannot be unsealed (key file changed?): dropped", metadata: ["ticket": "\(t.number)"])
            try? store.reminderDone(ticket: t.id, outcome: "failed", at: hall.now)
            Counter(label: "counterd_reminders_total", dimensions: [("result", "failed")]).increment()
            return
        }
        struct Body: Encodable {
            var phone: String
            var text: String
            var ticket: String
            var number: String
            var hall: String
        }
        let body = (try? WireCoding.plainEncoder().encode(Body(phone: phone, text: text, ticket: t.id, number: t.number, hall: name))) ?? Data()
        let retrying = Retrying(attempts: settings.attempts, backoff: Backoff(first: firstPause, max: 60), clock: clock)
        let result = await retrying.run({ attempt in
            var request = HTTPClientRequest(url: settings.webhook)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            request.headers.add(name: "User-Agent", value: "counterd/\(CounterdVersion.version)")
            if let token = settings.token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            request.body = .bytes(ByteBuffer(bytes: body))
            do {
                let response = try await client.execute(request, timeout: .seconds(5), logger: logger)
                _ = try? await response.body.collect(upTo: 64 * 1024)
                let code = response.status.code
                if (200..<300).contains(code) { return .delivered }
                if code == 401 || code == 403 {
                    // A credential problem is not a network fault: retrying will not help.
                    logger.error("reminder gateway refused our credential (\(code)): check [reminders] token", metadata: ["ticket": "\(t.number)"])
                    return .refused
                }
                logger.warning("reminder gateway answered \(code)", metadata: ["ticket": "\(t.number)", "attempt": "\(attempt)"])
            } catch {
                logger.warning("reminder gateway unreachable: \(error)", metadata: ["ticket": "\(t.number)", "attempt": "\(attempt)"])
            }
            return .failed
        }, retrying: { _, _ in Counter(label: "counterd_reminder_retries_total").increment() })
        let outcome = switch result {
        case .delivered: "sent"
        case .refused: "refused"
        case .failed: "failed"
        }
        Counter(label: "counterd_reminders_total", dimensions: [("result", outcome)]).increment()
        if outcome == "sent" {
            logger.info("turn-near reminder sent", metadata: ["ticket": "\(t.number)"])
        } else {
            logger.error("turn-near reminder not delivered", metadata: ["ticket": "\(t.number)", "outcome": "\(outcome)"])
        }
        try? store.reminderDone(ticket: t.id, outcome: outcome, at: hall.now)
    }

    static func loadKey(_ path: String) throws -> SymmetricKey {
        if let data = FileManager.default.contents(atPath: path), data.count == 32 { return SymmetricKey(data: data) }
        let key = SymmetricKey(size: .bits256)
        let data = key.withUnsafeBytes { Data($0) }
        let tmp = path + ".new"
        guard FileManager.default.createFile(atPath: tmp, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        _ = rename(tmp, path)
        return key
    }
}
