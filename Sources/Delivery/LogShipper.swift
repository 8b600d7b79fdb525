import AsyncHTTPClient
import Foundation
import HallModel
import HallRuntime
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import LogFormat
import Store
import Synchronization

/// Ships the hall's log to the district service, exactly once by idempotency: batches of the rows after
/// the cursor (their stored bytes and chain hashes), POSTed to `/api/v1/halls/{hall_id}/events`; the
/// district answers the highest contiguous seq it holds, which becomes the cursor (kept in SQLite). A gap
/// answer (409, the seq it expects) moves the cursor to what the district has; a broken chain (422) is
/// logged and retried slowly — it needs a person. The hall never waits for this: what is not acknowledged
/// stays in the log, and a week of backlog catches up by itself.
public actor LogShipper: Service {
    public struct Target: Sendable {
        public var url: String
        public var hallID: String
        public var tokenFile: String
        public var batchSize: Int
        public var retryFirst: Double
        public var retryMax: Double
        public var timeout: TimeAmount
        /// With nothing to ship, an empty batch this often (the district's sign of life).
        public var heartbeat: Double

        public init(url: String, hallID: String, tokenFile: String, batchSize: Int = 2_000, retryFirst: Double = 1, retryMax: Double = 60,
                    heartbeat: Double = 30,
                    timeout: TimeAmount = .seconds(15)) {
            self.url = url
            self.hallID = hallID
            self.tokenFile = tokenFile
            self.batchSize = batchSize
            self.retryFirst = retryFirst
            self.retryMax = retryMax
            self.heartbeat = heartbeat
            self.timeout = timeout
        }
    }


    public static let cursorName = "district"
    private let store: EventStore
    private let target: Target
    private let client: HTTPClient
    private let health: ShipHealth
    private let logger: Logger
    private let events: AsyncStream<StoredEvent>
    private let bell: Doorbell
    private let clock: any Clock<Duration>
    private let wallClock: @Sendable () -> Date
    private let setup: (@Sendable () async -> ReportSetup)?
    private var failures = 0
    private var gaps = 0

    /// - Parameter setup: the hall's report inputs (names, weights, hours), sent with each batch so the
    ///   district's reports for this hall read as the hall's own.
    public init(store: EventStore, target: Target, hub: EventHub, health: ShipHealth, client: HTTPClient = .upstream,
                setup: (@Sendable () async -> ReportSetup)? = nil, logger: Logger = Logger(label: "counterd.district"),
                clock: any Clock<Duration> = ContinuousClock(), wallClock: @escaping @Sendable () -> Date) {
        self.bell = Doorbell(clock: clock)
        self.clock = clock
        self.wallClock = wallClock
        self.setup = setup
        self.store = store
        self.target = target
        self.client = client
        self.health = health
        self.logger = logger
        self.events = hub.subscribe()
    }

    public func run() async throws {
        await Doorbell.run(bell, ringingOn: events, when: { _ in true }) { await self.loop() }
    }

    private func loop() async {
        logger.info("shipping the log to the district", metadata: ["url": "\(target.url)", "hall": "\(target.hallID)"])
        while !Task.isCancelled {
            let pause = await step()
            guard let pause else { continue }
            if failures > 0 {
                // After a failure the whole pause is kept: new events must not cut it short (in a busy hall they come
                // many times a second, and every hall would hammer a district in trouble).
                try? await clock.sleep(for: .milliseconds(Int(pause * 1000)))
            } else {
                await bell.wait(seconds: pause)
            }
        }
    }

    /// One batch, or nothing to send. Returns the pause before the next step (nil: go on at once).
    func step() async -> Double? {
        let now = wallClock()
        let cursor: Int64, batch: [RawEvent], last: Int64
        do {
            cursor = try store.shipCursor(Self.cursorName)
            batch = try store.rawEvents(after: cursor, limit: target.batchSize)
            last = try store.lastSeq()
        } catch {
            logger.error("cannot read the log to ship it: \(error)")
            return 5
        }
        health.update { s in
            s.acked = cursor
            s.last = last
            s.lagEvents = max(0, last - cursor)
        }
        Gauge(label: "counterd_district_lag_events").record(Int(max(0, last - cursor)))
        // Nothing new: an empty batch still goes every `heartbeat` seconds, a heartbeat that tells the district the hall is up.
        if batch.isEmpty { health.update { $0.lagSeconds = 0 } }
        if !batch.isEmpty, let first = try? store.events(after: cursor, limit: 1).first {
            health.update { $0.lagSeconds = max(0, now.timeIntervalSince(first.at)) }
        }
        guard let token = try? String(contentsOfFile: target.tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
              !token.isEmpty else {
            return fail(now, "no_credential", "无法读取区级平台令牌文件 \(target.tokenFile)：请检查 [district] token_file 与文件权限", status: 0)
        }
        var request = HTTPClientRequest(url: target.url.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/api/v1/halls/\(target.hallID)/events")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: LogBatch.lineContentType)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "User-Agent", value: "counterd/\(CounterdVersion.version)")
        let reportSetup = await setup?()
        guard let body = try? LogBatch(hallId: target.hallID, last: last, setup: reportSetup, events: batch).lines() else { return 5 }
        request.body = .bytes(ByteBuffer(bytes: body))
        var status = 0
        var answer = WireAnswer()
        do {
            let response = try await client.execute(request, timeout: target.timeout, logger: logger)
            status = Int(response.status.code)
            let data = try await response.body.collect(upTo: 1 << 20)
            // The district's answer in the shape both sides share (`WireAnswer`): its keys are its own.
            answer = (try? WireCoding.plainDecoder().decode(WireAnswer.self, from: Data(data.readableBytesView))) ?? WireAnswer()
        } catch {
            return fail(now, "unreachable", "无法连接区级平台（\(target.url)）：\(String("\(error)".prefix(120)))。日志保存在本机，恢复后自动补传", status: 0)
        }
        switch status {
        case 200:
            let acked = answer.acked ?? cursor
            do { try store.setShipCursor(Self.cursorName, to: acked, at: now) } catch {
                logger.error("cannot keep the district cursor: \(error)")
                return 5
            }
            Counter(label: "counterd_district_events_shipped_total").increment(by: Int(max(0, acked - cursor)))
            if failures > 0 { logger.notice("the district accepts the log again", metadata: ["acked": "\(acked)"]) }
            failures = 0
            gaps = 0
            health.update { s in
                s.acked = acked
                s.lagEvents = max(0, s.last - acked)
                s.lastSuccessAt = now
                s.offlineSince = nil
                s.problem = nil
                s.message = nil
            }
            return batch.isEmpty ? target.heartbeat : acked > cursor ? nil : 1
        case 409 where answer.error?.code == "gap":
            // The district holds less (or more) than the cursor says: resume from what it holds — at once the first
            // time, then as a failure (a district that answers "gap" to its own expectation must not be hammered).
            let expected = answer.error?.expected ?? 1
            logger.warning("the district expects another seq", metadata: ["cursor": "\(cursor)", "expected": "\(expected)"])
            try? store.resetShipCursor(Self.cursorName, to: max(0, expected - 1), at: now)
            gaps += 1
            return gaps > 1 ? fail(now, "gap", "区级平台反复要求从 seq \(expected) 重传：稍后自动重试", status: status) : nil
        case 401, 403:
            return fail(now, "credential_refused", "区级平台拒绝了本厅的令牌（HTTP \(status)）：请核对 [district] hall_id 与 token_file", status: status)
        case 422 where answer.error?.code == "chain_broken":
            return fail(now, "chain_broken", "区级平台发现日志哈希链在 seq \(answer.error?.seq ?? 0) 断开：请运行 counterctl verify 并联系管理员", status: status,
                        slow: true)
        default:
            return fail(now, "server_error", "区级平台暂时故障（HTTP \(status)）：稍后自动重试", status: status)
        }
    }

    private func fail(_ now: Date, _ problem: String, _ message: String, status: Int, slow: Bool = false) -> Double {
        failures += 1
        health.update { s in
            if s.offlineSince == nil { s.offlineSince = now }
            s.problem = problem
            s.message = message
        }
        Counter(label: "counterd_district_ship_failures_total", dimensions: [("problem", problem)]).increment()
        if failures <= 3 || failures % 50 == 0 {
            logger.warning("shipping to the district failed: \(problem)", metadata: ["status": "\(status)", "attempt": "\(failures)"])
        }
        let pause = Backoff(first: target.retryFirst, max: target.retryMax).pause(afterFailures: failures)
        return slow ? max(pause, min(300, target.retryMax)) : pause
    }
}
