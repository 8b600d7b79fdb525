import AsyncHTTPClient
import Foundation
import HallModel
import HallRuntime
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// Sends every committed supervision alert (raised and cleared) to `[alerts] webhook` as a JSON POST, in
/// order, retrying a failed delivery with growing pauses (1 s, 2 s, 4 s … at most 60 s) up to
/// `maxAttempts` times; then it is dropped with an error line and `counterd_alert_webhook_failures_total`.
/// http:// or https://, IPv4 or IPv6, through the process's one shared AsyncHTTPClient; the body is the
/// event as the log has it, with its sequence number.
public actor AlertWebhook: Service {
    public struct Target: Sendable, Equatable {
        public var url: String

        /// nil for anything but an http:// or https:// URL with a host.
        public init?(url: String) {
            guard let u = URL(string: url), ["http", "https"].contains(u.scheme?.lowercased() ?? ""),
                  let host = u.host, !host.isEmpty else { return nil }
            self.url = url
        }
    }

    private let target: Target
    private let events: AsyncStream<StoredEvent>
    private let client: HTTPClient
    private let maxAttempts: Int
    private let firstPause: Double
    private let timeout: TimeAmount
    private let clock: any Clock<Duration>
    private let logger: Logger

    /// Subscribes to `hub` at once, so no alert committed after this returns is missed.
    public init(target: Target, hub: EventHub, client: HTTPClient = .upstream, maxAttempts: Int = 8, firstPause: Double = 1,
                timeout: TimeAmount = .seconds(5), logger: Logger = Logger(label: "counterd.alerts.webhook"),
                clock: any Clock<Duration> = ContinuousClock()) {
        self.clock = clock
        self.target = target
        self.events = hub.subscribe()
        self.client = client
        self.maxAttempts = maxAttempts
        self.firstPause = firstPause
        self.timeout = timeout
        self.logger = logger
    }

    public func run() async throws {
        let encoder = WireCoding.webhookEncoder()
        // A stop ends the forwarding (and any retry pause): the alerts stay in the log either way.
        await cancelWhenGracefulShutdown {
            for await stored in self.events {
                let a: AlertChange
                switch stored.event {
                case .alertRaised(let change), .alertCleared(let change): a = change
                default: continue
                }
                guard let body = try? encoder.encode(stored) else { continue }
                await self.deliver(body, key: a.alert)
            }
        }
    }

    private func deliver(_ body: Data, key: String) async {
        let retrying = Retrying(attempts: maxAttempts, backoff: Backoff(first: firstPause, max: 60), clock: clock)
        let result = await retrying.run({ attempt in
            var request = HTTPClientRequest(url: target.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "counterd/\(CounterdVersion.version)")
            request.body = .bytes(ByteBuffer(bytes: body))
            do {
                let response = try await client.execute(request, timeout: timeout, logger: logger)
                // The answer's body is not used; reading it frees the connection for the next alert.
                _ = try? await response.body.collect(upTo: 64 * 1024)
                if (200..<300).contains(response.status.code) { return .delivered }
                logger.warning("alert webhook answered \(response.status.code)", metadata: ["alert": "\(key)", "attempt": "\(attempt)"])
            } catch {
                logger.warning("alert webhook unreachable: \(error)", metadata: ["alert": "\(key)", "attempt": "\(attempt)"])
            }
            Counter(label: "counterd_alert_webhook_retries_total").increment()
            return .failed
        })
        if result == .delivered {
            Counter(label: "counterd_alert_webhook_deliveries_total").increment()
            return
        }
        Counter(label: "counterd_alert_webhook_failures_total").increment()
        logger.error("alert webhook delivery given up", metadata: ["alert": "\(key)", "attempts": "\(maxAttempts)"])
    }
}
