import Foundation
import Logging

/// A device came or went: the daemon turns this into a device_connected / device_lost event in the log.
public struct DeviceStatusChange: Sendable, Equatable {
    public var binding: DeviceBinding
    public var connected: Bool
    public var detail: String
}

/// One task per configured device: wait until it is present, open it, run its driver, and after any
/// failure try again with exponential backoff (100 ms doubling to 10 s). A hotplug "add" skips the
/// backoff, a "remove" closes the connection at once. A slow or dead device never blocks another.
public actor DeviceSupervisor {
    public nonisolated let board: HealthBoard
    /// The configured devices, in config order; replaced by `reconfigure`.
    public private(set) var bindings: [DeviceBinding]
    private var matcher: DeviceMatcher
    private var driverFor: @Sendable (DeviceBinding) -> any DeviceDriver
    private let onChange: @Sendable (DeviceStatusChange) async -> Void
    private let logger: Logger
    private let now: @Sendable () -> Date

    private var present: [String: UdevDevice] = [:]
    /// Every device udev has shown us, by syspath: a binding added by a reload finds its device here.
    private var seen: [String: UdevDevice] = [:]
    private var tasks: [String: Task<Void, Never>] = [:]
    private var running = false
    private var connections: [String: any ByteConnection] = [:]
    private var wake: Set<String> = []
    /// Devices pausing (backoff, waiting to appear), each resumed early by a wake.
    private var pausing: [String: CheckedContinuation<Void, Never>] = [:]
    /// The clock of backoff pauses and stability: injected, so tests advance it instead of waiting.
    private let clock: any Clock<Duration>
    /// Starts a stopwatch on that clock.
    private let startStopwatch: @Sendable () -> @Sendable () -> Duration
    /// Connections closed because udev said the device was removed.
    private var unplugged: Set<String> = []
    /// Set once the devices present at start have been enumerated (or there was nothing to enumerate).
    public private(set) var enumerated = false
    /// Devices that matched more than one binding, by syspath.
    public private(set) var ambiguous: [String: [String]] = [:]

    public static let maxBackoff: Double = 10
    /// A connection must last this long before the backoff starts again from 100 ms: a device that
    /// accepts and drops at once must not reconnect (and log an outage) ten times a second.
    public static let stableSeconds: Double = 5

    public init<C: Clock>(bindings: [DeviceBinding], board: HealthBoard = HealthBoard(),
                driverFor: @escaping @Sendable (DeviceBinding) -> any DeviceDriver = { _ in CountingDriver() },
                logger: Logger = Logger(label: "counterd.devices"),
                now: @escaping @Sendable () -> Date = { Date() }, clock: C = ContinuousClock(),
                onChange: @escaping @Sendable (DeviceStatusChange) async -> Void = { _ in }) where C.Duration == Duration {
        self.clock = clock
        self.startStopwatch = { Self.stopwatch(clock) }
        self.bindings = bindings
        self.board = board
        self.matcher = DeviceMatcher(bindings: bindings)
        self.driverFor = driverFor
        self.onChange = onChange
        self.logger = logger
        self.now = now
        for b in bindings { board.register(DeviceHealth(binding: b, address: Self.describe(b), now: now())) }
    }

    static func describe(_ b: DeviceBinding) -> String {
        switch b.transport {
        case .tcp: "tcp \(b.host ?? "?")"
        case .replay: "replay \(b.recording ?? "?")"
        default: b.match.criteria.sorted().joined(separator: " ")
        }
    }

    /// Runs every device task, plus udev enumeration and hotplug when `udev` is given, until cancelled.
    public func run(udev: Udev?) async {
        if let udev {
            for d in udev.enumerate() { handle(UdevEvent(action: .add, device: d)) }
        }
        enumerated = true
        let hotplug = udev?.monitor()
        if udev != nil && !Udev.daemonRunning {
            logger.notice("no udev daemon is running here: hotplug events will not come; using enumeration and fixed paths")
        }
        let listener = hotplug.map { events in
            Task { [weak self] in
                for await event in events { await self?.handle(event) }
            }
        }
        running = true
        for b in bindings { start(b) }
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
        running = false
        listener?.cancel()
        await stop(Array(tasks.keys))
        for b in bindings { board.setState(b.id, .stopped) }
    }

    /// Replaces the configured devices: removed and changed ones are stopped (their drivers run their
    /// stop step), added and changed ones start, and the rest keep their connections untouched.
    /// `restart` names bindings to restart although they compare equal (their profile changed).
    @discardableResult
    public func reconfigure(_ newBindings: [DeviceBinding], restart: Set<String> = [],
                            driverFor: (@Sendable (DeviceBinding) -> any DeviceDriver)? = nil) async -> (added: [String], removed: [String], changed: [String]) {
        let old = Dictionary(bindings.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let new = Dictionary(newBindings.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let removed = old.keys.filter { new[$0] == nil }.sorted()
        let added = new.keys.filter { old[$0] == nil }.sorted()
        let changed = new.keys.filter { id in old[id].map { $0 != new[id] || restart.contains(id) } ?? false }.sorted()
        await stop(removed + changed)
        for id in removed {
            present[id] = nil
            board.unregister(id)
            logger.notice("device removed from the config", metadata: ["device": "\(id)"])
        }
        bindings = newBindings
        matcher = DeviceMatcher(bindings: newBindings)
        if let driverFor { self.driverFor = driverFor }
        for id in changed { present[id] = nil }
        // Devices already plugged in are matched again for the new and changed bindings.
        for d in seen.values.sorted(by: { $0.syspath < $1.syspath }) {
            if case .bound(let b) = matcher.match(d), added.contains(b.id) || changed.contains(b.id) { present[b.id] = d }
        }
        for b in newBindings where added.contains(b.id) || changed.contains(b.id) {
            board.register(DeviceHealth(binding: b, address: Self.describe(b), now: now()))
            if running { start(b) }
            logger.notice(added.contains(b.id) ? "device added to the config" : "device changed in the config", metadata: ["device": "\(b.id)"])
        }
        return (added, removed, changed)
    }

    private func start(_ b: DeviceBinding) {
        tasks[b.id] = Task { [weak self] in await self?.supervise(b) }
    }

    /// Cancels the devices' tasks and waits for them: each closes its connection on the way out.
    /// Cancels the devices' tasks and waits for them: each closes its connection on the way out.
    private func stop(_ ids: [String]) async {
        let stopping = ids.compactMap { id in tasks.removeValue(forKey: id) }
        for t in stopping { t.cancel() }
        for t in stopping { await t.value }
        for id in ids { connections.removeValue(forKey: id)?.close() }
    }

    /// Feeds a hotplug event (from the monitor, or from a test).
    public func handle(_ event: UdevEvent) {
        let d = event.device
        switch event.action {
        case .add, .change, .bind:
            seen[d.syspath] = d
            switch matcher.match(d) {
            case .none: break
            case .bound(let b):
                if present[b.id]?.syspath != d.syspath || event.action == .add {
                    logger.info("device present", metadata: ["device": "\(b.id)", "node": "\(d.devnode ?? "-")", "action": "\(event.action.rawValue)"])
                }
                present[b.id] = d
                wakeUp(b.id)
            case .ambiguous(let ids):
                if ambiguous[d.syspath] == nil {
                    logger.error("device matches several bindings; using it for none", metadata: ["node": "\(d.devnode ?? d.syspath)", "bindings": "\(ids)"])
                }
                ambiguous[d.syspath] = ids
            }
        case .remove, .unbind:
            seen[d.syspath] = nil
            for (id, p) in present where p.syspath == d.syspath {
                present[id] = nil
                logger.warning("device removed", metadata: ["device": "\(id)", "node": "\(d.devnode ?? "-")"])
                if let c = connections[id] {
                    unplugged.insert(id)
                    c.close()
                }
            }
            ambiguous[d.syspath] = nil
        case .other:
            break
        }
    }

    private func link(for b: DeviceBinding) -> (any ByteLink)? {
        switch b.transport {
        case .tcp:
            guard let host = b.host else { return nil }
            let parts = host.split(separator: ":")
            return TCPLink(host: String(parts[0]), port: parts.count > 1 ? Int(parts[1]) ?? 9100 : 9100)
        case .replay:
            return b.recording.map { ReplayLink(path: $0) }
        case .serial, .hidraw, .evdev, .usblp:
            var node = present[b.id]?.devnode
            // A fixed path works without udev (containers, built-in COM ports).
            if node == nil, let p = b.match.path, FileManager.default.fileExists(atPath: p), b.match.criteria == ["path=\(p)"] {
                node = p
            }
            guard let node else { return nil }
            switch b.transport {
            case .serial: return SerialLink(path: node, settings: b.serial, logger: logger)
            case .hidraw: return NodeLink(path: node, kind: .hidraw, logger: logger)
            case .evdev: return NodeLink(path: node, kind: .evdev, logger: logger)
            default: return NodeLink(path: node, kind: .usblp, logger: logger)
            }
        }
    }

    private func takeWake(_ id: String) -> Bool { wake.remove(id) != nil }

    private func takeUnplugged(_ id: String) -> Bool { unplugged.remove(id) != nil }

    private func setConnection(_ id: String, _ c: (any ByteConnection)?) { connections[id] = c }

    /// The time since now on `clock`, when called.
    static func stopwatch<C: Clock>(_ clock: C) -> @Sendable () -> Swift.Duration where C.Duration == Swift.Duration {
        let start = clock.now
        return { start.duration(to: clock.now) }
    }

    /// Raises the device's wake flag and ends its pause, if it is in one.
    private func wakeUp(_ id: String) {
        wake.insert(id)
        pausing.removeValue(forKey: id)?.resume()
    }

    private func endPause(_ id: String) { pausing.removeValue(forKey: id)?.resume() }

    /// Waits `seconds` on the supervisor's clock, or less when the device is woken (it appeared) or the
    /// task is cancelled.
    private func pause(_ id: String, _ seconds: Double) async {
        if takeWake(id) || Task.isCancelled { return }
        let clock = self.clock
        let timer = Task { [weak self] in
            try? await clock.sleep(for: .milliseconds(Int(seconds * 1000)))
            await self?.endPause(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                if Task.isCancelled || wake.contains(id) { c.resume() } else { pausing[id] = c }
            }
        } onCancel: {
            Task { [weak self] in await self?.endPause(id) }
        }
        timer.cancel()
        _ = takeWake(id)
    }

    private func supervise(_ b: DeviceBinding) async {
        var backoff = 0.1
        let driver = driverFor(b)
        let board = self.board
        let context = DriverContext(binding: b, logger: logger) { update in board.apply(b.id, update) }
        while !Task.isCancelled {
            _ = takeWake(b.id)
            guard let link = link(for: b) else {
                board.setState(b.id, .absent)
                await pause(b.id, 1)
                continue
            }
            board.setState(b.id, .connecting)
            board.update(b.id) { $0.address = link.address }
            let connection: any ByteConnection
            do {
                connection = try await link.open()
            } catch {
                board.setState(b.id, .backoff, error: "\(error)")
                logger.warning("cannot open device", metadata: ["device": "\(b.id)", "error": "\(error)", "retry_in": "\(backoff)s"])
                await pause(b.id, backoff)
                backoff = min(backoff * 2, Self.maxBackoff)
                continue
            }
            setConnection(b.id, connection)
            board.setState(b.id, .connected)
            let connected = startStopwatch()
            logger.info("device connected", metadata: ["device": "\(b.id)", "address": "\(link.address)"])
            await onChange(DeviceStatusChange(binding: b, connected: true, detail: link.address))
            var reason = "connection ended"
            do {
                try await driver.run(connection, context: context)
            } catch {
                reason = "\(error)"
            }
            connection.close()
            setConnection(b.id, nil)
            if connected() >= .seconds(Self.stableSeconds) { backoff = 0.1 }
            if takeUnplugged(b.id) { reason = "unplugged (udev remove)" }
            if Task.isCancelled { break }
            board.setState(b.id, .backoff, error: reason)
            logger.warning("device lost", metadata: ["device": "\(b.id)", "reason": "\(reason)"])
            await onChange(DeviceStatusChange(binding: b, connected: false, detail: reason))
            await pause(b.id, backoff)
            backoff = min(backoff * 2, Self.maxBackoff)
        }
    }
}
