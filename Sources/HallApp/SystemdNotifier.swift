import Foundation
import HallRuntime
import Logging
import ServiceLifecycle

/// sd_notify(3) without libsystemd: datagrams to $NOTIFY_SOCKET (a path, or "@name" in the abstract
/// namespace). Does nothing when not started by systemd.
public struct SystemdNotifier: Sendable {
    public let socketPath: String?
    /// $WATCHDOG_USEC: how often systemd expects WATCHDOG=1, if it watches.
    public let watchdogInterval: Duration?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        watchdogInterval = environment["WATCHDOG_USEC"].flatMap(Int64.init).map { .microseconds($0) }
    }

    public var isActive: Bool { socketPath != nil }

    @discardableResult
    public func notify(_ state: String) -> Bool {
        guard let path = socketPath else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        guard bytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (bytes.first == 0 ? 0 : 1))
        let sent = state.utf8CString.withUnsafeBufferPointer { msg in
            withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, msg.baseAddress, msg.count - 1, Int32(MSG_NOSIGNAL), $0, length)
                }
            }
        }
        return sent >= 0
    }
}

/// Tells systemd the service is ready, keeps its status line current, and pings the watchdog only while
/// the Hall actor answers: a hung hall stops the pings and systemd restarts the service.
public struct SystemdService: Service {
    public let notifier: SystemdNotifier
    public let hall: Hall
    public let ready: @Sendable () async -> Bool
    public let status: @Sendable () async -> String
    let logger: Logger

    public init(notifier: SystemdNotifier, hall: Hall, logger: Logger = Logger(label: "counterd.systemd"),
                ready: @escaping @Sendable () async -> Bool, status: @escaping @Sendable () async -> String) {
        self.notifier = notifier
        self.hall = hall
        self.logger = logger
        self.ready = ready
        self.status = status
    }

    public func run() async {
        guard notifier.isActive else {
            await cancelWhenGracefulShutdown { while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) } }
            return
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled, !(await ready()) { try? await Task.sleep(for: .milliseconds(50)) }
            notifier.notify("READY=1\nSTATUS=\(await status())")
            let ping = notifier.watchdogInterval.map { $0 / 2 } ?? .seconds(10)
            var lastStatus = Date()
            while !Task.isCancelled {
                try? await Task.sleep(for: min(ping, .seconds(10)))
                // The hall must answer within the ping interval for the ping to go out.
                let alive = await withTaskGroup(of: Bool.self) { group in
                    group.addTask { _ = hall.now; return true }
                    group.addTask { try? await Task.sleep(for: ping); return false }
                    let first = await group.next() ?? false
                    group.cancelAll()
                    return first
                }
                if alive, notifier.watchdogInterval != nil { notifier.notify("WATCHDOG=1") }
                if !alive { logger.critical("hall actor did not answer; withholding the watchdog ping") }
                if Date().timeIntervalSince(lastStatus) >= 10 {
                    notifier.notify("STATUS=\(await status())")
                    lastStatus = Date()
                }
            }
        }
        notifier.notify("STOPPING=1\nSTATUS=stopping")
    }
}
