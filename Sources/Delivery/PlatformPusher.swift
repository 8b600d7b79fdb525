import AsyncHTTPClient
import Foundation
import HallModel
import HallRuntime
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Store
import Synchronization

/// Delivers the outbox to the provincial 好差评 platform: the oldest pending record first, one at a time,
/// so the platform sees the hall's records in log order. A failed attempt is retried after a pause that
/// doubles (`retry_first_seconds` … `retry_max_seconds`) for as long as it takes — a week without network
/// included: the records wait in SQLite. A record the platform accepted is never sent again (its state
/// is written before the next one is read); one it refused as invalid is kept as `rejected` and skipped.
/// Each record carries an id (`record_id`: hall and log seq) so the platform can drop a resend whose
/// first answer was lost.
public actor PlatformPusher: Service {
    public struct Target: Sendable {
        public var url: String
        public var authHeader: String
        /// Read on each attempt, so a fixed token file needs no restart.
        public var authTokenFile: String?
        public var timeout: TimeAmount
        public var retryFirst: Double
        public var retryMax: Double
        /// The pause after each failed attempt of a record.
        public var backoff: Backoff { Backoff(first: retryFirst, max: retryMax) }
        public var alertAfterMinutes: Double

        public init(url: String, authHeader: String = "Authorization", authTokenFile: String? = nil, timeout: TimeAmount = .seconds(10),
                    retryFirst: Double = 1, retryMax: Double = 300, alertAfterMinutes: Double = 60) {
            self.url = url
            self.authHeader = authHeader
            self.authTokenFile = authTokenFile
            self.timeout = timeout
            self.retryFirst = retryFirst
            self.retryMax = retryMax
            self.alertAfterMinutes = alertAfterMinutes
        }
    }

    private let store: EventStore
    private var builder: PlatformRecordBuilder
    /// The hall's setup as it is now (a reload may change task codes, names): read before each record.
    private let setup: (@Sendable () async -> HallSetup)?
    private let target: Target
    private let client: HTTPClient
    private let health: PlatformHealth
    private let logger: Logger
    private let events: AsyncStream<StoredEvent>
    private let bell: Doorbell
    /// Wall time for the outbox's attempt times (the pauses run on `clock`, inside the bell).
    private let wallClock: @Sendable () -> Date
    private var problem: (PlatformStatus.Problem, String)?

    /// Subscribes to `hub` at once, so a record queued after this returns wakes the pusher.
    public init(store: EventStore, builder: PlatformRecordBuilder, target: Target, hub: EventHub, health: PlatformHealth,
                client: HTTPClient = .upstream, logger: Logger = Logger(label: "counterd.platform"),
                setup: (@Sendable () async -> HallSetup)? = nil, clock: any Clock<Duration> = ContinuousClock(),
                wallClock: @escaping @Sendable () -> Date) {
        self.bell = Doorbell(clock: clock)
        self.wallClock = wallClock
        self.setup = setup
        self.store = store
        self.builder = builder
        self.target = target
        self.client = client
        self.health = health
        self.logger = logger
        self.events = hub.subscribe()
    }

    public func run() async throws {
        // Stopping ends the loop between attempts; whatever is pending stays in the outbox for the next start.
        await Doorbell.run(bell, ringingOn: events, when: { OutboxRecord.kind(of: $0.event) != nil }) { await self.loop() }
    }

    private func loop() async {
        logger.info("pushing to the 好差评 platform", metadata: ["url": "\(target.url)", "profile": "\(builder.profile.name)"])
        // A record refused as invalid waited for its cause to be fixed in the config, which takes a restart:
        // so each start sends the refused ones again, in their place in the order.
        if let n = try? store.outboxRetry(), n > 0 { logger.notice("sending \(n) records the platform refused before again") }
        var published = ContinuousClock.now - .seconds(10)
        while !Task.isCancelled {
            let pause = await step()
            // The status's counts read the whole outbox: at most once a second while records flow.
            if pause != nil || ContinuousClock.now - published > .seconds(1) {
                publish()
                published = ContinuousClock.now
            }
            if let pause { await bell.wait(seconds: pause) }
        }
    }

    /// One record's attempt, or nothing due. Returns how long to wait before the next step (nil: go on).
    func step() async -> Double? {
        let now = wallClock()
        let head: OutboxRecord
        do {
            guard let h = try store.outboxPending(limit: 1).first else { return 30 }
            head = h
        } catch {
            logger.error("cannot read the outbox: \(error)")
            return 5
        }
        let nowMs = Int64(now.timeIntervalSince1970 * 1000)
        if head.notBeforeMs > nowMs { return Double(head.notBeforeMs - nowMs) / 1000 }
        if let next = head.nextAttemptMs, next > nowMs { return Double(next - nowMs) / 1000 }
        if let setup, case let now = await setup(), now != builder.setup {
            builder = PlatformRecordBuilder(store: store, setup: now, profile: builder.profile, indicators: builder.indicators)
        }
        do {
            guard let event = try store.event(seq: head.seq) else {
                try store.outboxAttempted(head.id, at: now, status: 0, answer: "event \(head.seq) is not in the log", done: .skipped, next: nil)
                return nil
            }
            var merged: [OutboxRecord] = []
            var mergedEvents: [StoredEvent] = []
            if head.kind == .rating {
                merged = try store.outboxPendingReasons(ticket: head.ticket, after: head.id)
                mergedEvents = try merged.compactMap { try store.event(seq: $0.seq) }
            }
            guard let built = try builder.build(event, merging: mergedEvents) else {
                try store.outboxAttempted(head.id, at: now, status: 0, answer: "profile \(builder.profile.name) has no shape for \(head.kind.rawValue)",
                                          done: .skipped, next: nil)
                Counter(label: "counterd_platform_records_total", dimensions: [("result", "skipped")]).increment()
                return nil
            }
            return try await send(head, built, merged: merged.map(\.id))
        } catch {
            logger.error("cannot prepare outbox record \(head.id): \(error)")
            return 5
        }
    }

    private func send(_ head: OutboxRecord, _ built: PlatformRecordBuilder.Built, merged: [Int64]) async throws -> Double? {
        var request = HTTPClientRequest(url: target.url + built.path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "User-Agent", value: "counterd/\(CounterdVersion.version)")
        if let file = target.authTokenFile {
            guard let token = try? String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
                problem = (.noCredential, "无法读取平台凭据文件 \(file)：请检查 [platform] auth_token_file 与文件权限")
                logger.error("cannot read the platform token file", metadata: ["file": "\(file)"])
                return 30
            }
            request.headers.add(name: target.authHeader, value: token)
        }
        request.body = .bytes(ByteBuffer(bytes: built.body))
        let started = ContinuousClock.now
        var status = 0, answer = ""
        do {
            let response = try await client.execute(request, timeout: target.timeout, logger: logger)
            status = Int(response.status.code)
            let body = try await response.body.collect(upTo: 64 * 1024)
            answer = String(buffer: body)
        } catch {
            answer = "\(error)"
        }
        let now = wallClock()
        let took = ContinuousClock.now - started
        Timer(label: "counterd_platform_push_seconds").recordNanoseconds(took.components.seconds * 1_000_000_000 + took.components.attoseconds / 1_000_000_000)
        if status != 0 && builder.profile.accepts(status: status, body: Array(answer.utf8)) {
            try store.outboxAttempted(head.id, at: now, status: status, answer: answer, done: .accepted, next: nil, merged: merged)
            Counter(label: "counterd_platform_records_total", dimensions: [("result", "accepted")]).increment()
            if problem != nil { logger.notice("the 好差评 platform accepts records again") }
            problem = nil
            return nil
        }
        let kind: PlatformStatus.Problem
        let message: String
        switch status {
        case 0:
            kind = .unreachable
            message = "无法连接好差评平台（\(Self.host(target.url))）：\(answer.prefix(120))。记录保存在本机，网络恢复后自动补推"
        case 401, 403:
            kind = .credentialRefused
            message = "好差评平台拒绝了凭据（HTTP \(status)）：请更换 [platform] auth_token_file 中的令牌；记录保存在本机，改好后自动补推"
        case 408, 429, 500...599:
            kind = .serverError
            message = "好差评平台暂时故障（HTTP \(status)）：稍后自动重试"
        default:
            kind = .rejected
            message = "好差评平台拒收记录 \(head.id)（HTTP \(status)：\(answer.prefix(120))）：请核对事项编码、区划代码等配置，改好后重启 counterd（systemctl restart counterd）即重新推送"
        }
        problem = (kind, message)
        if kind == .rejected {
            try store.outboxAttempted(head.id, at: now, status: status, answer: answer, done: .rejected, next: nil)
            Counter(label: "counterd_platform_records_total", dimensions: [("result", "rejected")]).increment()
            logger.error("the 好差评 platform rejected a record", metadata: ["record": "\(head.id)", "seq": "\(head.seq)", "status": "\(status)",
                                                                          "answer": "\(answer.prefix(200))"])
            return nil
        }
        let pause = target.backoff.pause(afterFailures: head.attempts + 1)
        try store.outboxAttempted(head.id, at: now, status: status, answer: answer, done: nil, next: now.addingTimeInterval(pause))
        Counter(label: "counterd_platform_retries_total", dimensions: [("problem", kind.rawValue)]).increment()
        // One warning per failing stretch at the first attempts; the status keeps the latest.
        if head.attempts < 3 || kind == .credentialRefused && head.attempts % 20 == 0 {
            logger.warning("push to the 好差评 platform failed: \(kind.rawValue)", metadata: [
                "record": "\(head.id)", "attempt": "\(head.attempts + 1)", "status": "\(status)", "retry_in_s": "\(Int(pause))"])
        }
        return pause
    }

    /// Refreshes the shared status and the gauges.
    func publish() {
        guard let summary = try? store.outboxSummary() else { return }
        let s = PlatformStatus(configured: true, transport: "http", profile: builder.profile.name, url: Self.host(target.url, path: true),
                               summary: summary, problem: problem?.0, message: problem?.1, alertAfterMinutes: target.alertAfterMinutes)
        health.set(s)
        Gauge(label: "counterd_platform_outbox_pending").record(summary.pending)
        Gauge(label: "counterd_platform_outbox_rejected").record(summary.rejected)
        Gauge(label: "counterd_platform_oldest_pending_seconds").record(s.oldestPendingSeconds ?? 0)
    }

    static func host(_ url: String, path: Bool = false) -> String {
        guard let u = URLComponents(string: url) else { return url }
        let base = "\(u.scheme ?? "http")://\(u.host ?? "")\(u.port.map { ":\($0)" } ?? "")"
        return path ? base + u.path : (u.host ?? url)
    }
}
