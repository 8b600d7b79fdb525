import Foundation
import HallModel
import Logging
import Metrics
import ServiceLifecycle

/// Sends every committed supervision alert (raised and cleared) to `[alerts] webhook` as a JSON POST, in
/// order, retrying a failed delivery with growing pauses (1 s, 2 s, 4 s … at most 60 s) up to
/// `maxAttempts` times; then it is dropped with an error line and `counterd_alert_webhook_failures_total`.
/// Plain http:// only (a hall intranet); the body is the event as the log has it, with its sequence number.
public actor AlertWebhook: Service {
    public struct Target: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var path: String

        /// nil for anything but http://host[:port]/path.
        public init?(url: String) {
            guard let u = URL(string: url), u.scheme == "http", let host = u.host, !host.isEmpty else { return nil }
            self.host = host
            port = u.port ?? 80
            path = u.path.isEmpty ? "/" : u.path + (u.query.map { "?" + $0 } ?? "")
        }
    }

    private let target: Target
    private let hub: EventHub
    private let maxAttempts: Int
    private let firstPause: Double
    private let logger: Logger

    public init(target: Target, hub: EventHub, maxAttempts: Int = 8, firstPause: Double = 1,
                logger: Logger = Logger(label: "counterd.alerts.webhook")) {
        self.target = target
        self.hub = hub
        self.maxAttempts = maxAttempts
        self.firstPause = firstPause
        self.logger = logger
    }

    public func run() async throws {
        let events = hub.subscribe()
        let encoder = WireCoding.webhookEncoder()
        // A stop ends the forwarding (and any retry pause): the alerts stay in the log either way.
        await cancelWhenGracefulShutdown {
            for await stored in events {
                let a: AlertChange
                switch stored.event {
                case .alertRaised(let change), .alertCleared(let change): a = change
                default: continue
                }
                guard let body = try? encoder.encode(stored) else { continue }
                await self.deliver(Array(body), key: a.alert)
            }
        }
    }

    private func deliver(_ body: [UInt8], key: String) async {
        var pause = firstPause
        for attempt in 1...maxAttempts {
            let target = self.target
            // Blocking socket calls (up to 5 s each) on a thread of their own: on a 2-core hall PC the
            // concurrency pool has two threads, and the hall must not wait for a slow webhook.
            let result = await withCheckedContinuation { (c: CheckedContinuation<Result<Int, PostError>, Never>) in
                Thread.detachNewThread { c.resume(returning: Self.post(target, body: body)) }
            }
            switch result {
            case .success(let status) where (200..<300).contains(status):
                Counter(label: "counterd_alert_webhook_deliveries_total").increment()
                return
            case .success(let status):
                logger.warning("alert webhook answered \(status)", metadata: ["alert": "\(key)", "attempt": "\(attempt)"])
            case .failure(let why):
                logger.warning("alert webhook unreachable: \(why)", metadata: ["alert": "\(key)", "attempt": "\(attempt)"])
            }
            Counter(label: "counterd_alert_webhook_retries_total").increment()
            if attempt == maxAttempts || Task.isCancelled { break }
            try? await Task.sleep(for: .milliseconds(Int(pause * 1000)))
            pause = min(60, pause * 2)
        }
        Counter(label: "counterd_alert_webhook_failures_total").increment()
        logger.error("alert webhook delivery given up", metadata: ["alert": "\(key)", "attempts": "\(maxAttempts)"])
    }

    struct PostError: Error, CustomStringConvertible {
        var description: String
    }

    /// One HTTP/1.1 POST with 5 s timeouts; returns the status code.
    static func post(_ t: Target, body: [UInt8]) -> Result<Int, PostError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(t.host, String(t.port), &hints, &list) == 0, let first = list else {
            return .failure(PostError(description: "cannot resolve \(t.host)"))
        }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { return .failure(PostError(description: "socket: \(errno)")) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            return .failure(PostError(description: "connect: \(String(cString: strerror(errno)))"))
        }
        let head = "POST \(t.path) HTTP/1.1\r\nHost: \(t.host):\(t.port)\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\nUser-Agent: counterd/\(CounterdVersion.version)\r\n\r\n"
        let request = Array(head.utf8) + body
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return .failure(PostError(description: "send: \(String(cString: strerror(errno)))")) }
            sent += n
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while !answer.contains(0x0A) && answer.count < 8192 {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 1024, 0) }
            if n <= 0 { break }
            answer += buffer[0..<n]
        }
        let line = String(decoding: answer.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self).split(separator: " ")
        guard line.count >= 2, line[0].hasPrefix("HTTP/"), let status = Int(line[1]) else {
            return .failure(PostError(description: "no HTTP answer"))
        }
        return .success(status)
    }
}
