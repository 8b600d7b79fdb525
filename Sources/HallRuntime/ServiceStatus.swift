import Foundation
import HallModel
import Logging
import ServiceLifecycle

/// What `counterctl status` shows: written by counterd to `<runtime dir>/status.json` every 2 seconds, so a
/// local administrator sees the service, its queues and windows without an API token.
public struct ServiceStatus: Codable, Sendable, Equatable {
    public struct Queue: Codable, Sendable, Equatable {
        public var category: String
        public var name: String
        public var waiting: Int
        public var longestWaitSeconds: Int
    }
    public struct Window: Codable, Sendable, Equatable {
        public var number: Int
        public var name: String
        public var clerk: String?
        /// closed, open, paused, serving, awaiting_rating
        public var state: String
        public var ticket: String?
    }

    public var pid: Int32
    public var startedAt: Date
    public var updatedAt: Date
    public var hall: String
    public var config: String
    public var database: String
    public var listen: String
    public var events: Int64
    public var day: String
    public var queues: [Queue]
    public var windows: [Window]
    /// The push to the 好差评 platform (absent in files of older versions).
    public var platform: PlatformStatus?
    /// The log's shipping to the district (absent for a hall alone).
    public var district: ShipStatus?

    /// How old a status file may be before `counterctl status` says the service is not answering.
    public static let staleSeconds: Double = 5

    public static func make(setup: HallSetup, state: HallState, now: Date, pid: Int32, startedAt: Date, config: String,
                            database: String, listen: String, events: Int64, platform: PlatformStatus? = nil,
                            district: ShipStatus? = nil) -> ServiceStatus {
        let queues = setup.categories.map { c in
            let waiting = state.waiting.filter { $0.category == c.code }
            let longest = waiting.map { now.timeIntervalSince($0.issuedAt) }.max() ?? 0
            return Queue(category: c.code, name: c.name, waiting: waiting.count, longestWaitSeconds: Int(max(0, longest)))
        }
        let windows = setup.windows.map { w in
            let s = state.window(w.number)
            let label: String
            if s.clerk == nil { label = "closed" } else if s.serving != nil { label = "serving" } else if s.awaiting != nil {
                label = "awaiting_rating"
            } else if s.paused { label = "paused" } else { label = "open" }
            return Window(number: w.number, name: w.name, clerk: s.clerk.map { setup.clerk($0)?.name ?? $0 }, state: label,
                          ticket: s.serving?.ticket.number)
        }
        return ServiceStatus(pid: pid, startedAt: startedAt, updatedAt: now, hall: setup.name, config: config, database: database,
                             listen: listen, events: events, day: state.day, queues: queues, windows: windows, platform: platform, district: district)
    }

    public static let encoder = WireCoding.statusFileEncoder()
    public static let decoder = WireCoding.statusFileDecoder()
}

/// Keeps `status.json` in the runtime directory current while counterd runs; removes it on stop.
public struct StatusFileService: Service {
    let path: String
    let snapshot: @Sendable () async -> ServiceStatus
    let logger: Logger

    public init(path: String, logger: Logger = Logger(label: "counterd.status"), snapshot: @escaping @Sendable () async -> ServiceStatus) {
        self.path = path
        self.snapshot = snapshot
        self.logger = logger
    }

    public func run() async {
        await cancelWhenGracefulShutdown {
            var warned = false
            while !Task.isCancelled {
                do {
                    try Self.replace(path, with: ServiceStatus.encoder.encode(await snapshot()))
                } catch where !warned {
                    logger.warning("cannot write status file", metadata: ["path": "\(path)", "error": "\(error)"])
                    warned = true
                } catch {}
                try? await Task.sleep(for: .seconds(2))
            }
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A new file renamed over the old, so a reader never sees half of one; not synced to disk, because
    /// the file says "alive now" and after a crash it is stale whatever it holds (Foundation's atomic write
    /// fsyncs, once a second, on an idle hall's SD card).
    static func replace(_ path: String, with data: Data) throws {
        let temporary = path + ".new"
        // open/write/close by hand: Foundation's Data.write fsyncs even when not atomic.
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let e = errno
        close(fd)
        guard written == data.count else {
            unlink(temporary)
            throw POSIXError(POSIXErrorCode(rawValue: written < 0 ? e : ENOSPC) ?? .EIO)
        }
        guard rename(temporary, path) == 0 else {
            let e = errno
            unlink(temporary)
            throw POSIXError(POSIXErrorCode(rawValue: e) ?? .EIO)
        }
    }
}
