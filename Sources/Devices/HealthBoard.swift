import Foundation
import HallModel
import Metrics
import Synchronization

/// Every device's health, updated from driver callbacks without hopping onto an actor.
public final class HealthBoard: Sendable {
    private let entries = Mutex<[String: DeviceHealth]>([:])
    private let revisions = Atomic<Int>(0)
    private let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date = { Date() }) { self.now = now }

    /// Counts the changes a reader must see soon (state, errors, warnings, dropped frames, addresses), not
    /// the byte counters that move with every poll: the status file is rewritten on these, and only
    /// now and then for the counters.
    public var revision: Int { revisions.load(ordering: .acquiring) }

    private func changed() {
        revisions.add(1, ordering: .releasing)
        changes.raise()
    }

    private let changes = WakeSignal()

    /// Returns soon after the next change that moves `revision` (at once if one came since the last
    /// wait), or after `limit`: how the status file's writer sleeps on an idle hall. One waiter only.
    public func waitForChange(atMost limit: Duration) async {
        await changes.wait(seconds: limit.inSeconds)
    }

    public func register(_ h: DeviceHealth) {
        entries.withLock { $0[h.id] = h }
        changed()
    }

    /// Forgets a device that is no longer configured.
    public func unregister(_ id: String) {
        entries.withLock { $0[id] = nil }
        changed()
    }

    public var all: [DeviceHealth] { entries.withLock { Array($0.values) }.sorted { $0.id < $1.id } }

    public func get(_ id: String) -> DeviceHealth? { entries.withLock { $0[id] } }

    public func update(_ id: String, _ change: (inout DeviceHealth) -> Void) {
        mutate(id, change)
        changed()
    }

    private func mutate(_ id: String, _ change: (inout DeviceHealth) -> Void) {
        entries.withLock { e in
            if var h = e[id] {
                change(&h)
                e[id] = h
            }
        }
    }

    public func setState(_ id: String, _ state: DeviceHealth.State, error: String? = nil) {
        let t = now()
        update(id) { h in
            if h.state != state {
                h.state = state
                h.since = t
            }
            if let error {
                h.errors += 1
                h.lastError = error
            }
            if state == .connected { h.connects += 1 }
        }
        Gauge(label: "counterd_device_up", dimensions: [("device", id)]).record(state == .connected ? 1 : 0)
        if error != nil { Counter(label: "counterd_device_errors_total", dimensions: [("device", id)]).increment() }
    }

    public func apply(_ id: String, _ u: HealthUpdate) {
        let t = now()
        defer {
            switch u {
            case .received, .sent: break
            case .droppedFrame, .warning: changed()
            }
        }
        mutate(id) { h in
            switch u {
            case .received(let n):
                h.bytesIn += n
                h.lastByteAt = t
            case .sent(let n): h.bytesOut += n
            case .droppedFrame: h.droppedFrames += 1
            case .warning(let w, let zh):
                h.warning = w
                h.warningZh = zh
            }
        }
        if case .droppedFrame = u { Counter(label: "counterd_device_dropped_frames_total", dimensions: [("device", id)]).increment() }
    }

    /// The devices as the status file's JSON (without the time written, so unchanged health encodes the same).
    public func encoded() throws -> Data {
        try WireCoding.statusFileEncoder().encode(DeviceStatusFile(devices: all))
    }

    /// Writes the board as JSON, atomically, for `counterctl devices`.
    public func write(to path: String) throws {
        try encoded().write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

/// The file counterd keeps in its runtime directory and `counterctl devices` reads.
public struct DeviceStatusFile: Codable, Sendable {
    public var devices: [DeviceHealth]

    public static func read(path: String) throws -> DeviceStatusFile {
        try WireCoding.statusFileDecoder().decode(DeviceStatusFile.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
