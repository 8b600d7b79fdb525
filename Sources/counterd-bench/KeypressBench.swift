import Codecs
import Devices
import Foundation
import HallModel
import HallRuntime
import Logging
import Store
import Synchronization

/// Key press → rating committed, with many evaluators on their own pseudo-terminals pressing at random.
/// Each evaluator is a keyboard-emulating keypad (evdev bytes) on a pty, read by the real driver; the
/// latency runs from the press bytes being written to the Hall publishing the committed ticket_rated.
enum KeypressBench {
    static func run(dir: String, evaluators n: Int, rounds: Int, sync: SyncMode = .full, spread: Double = 1, stages: Bool = false) async throws {
        let setup = HallSetup(
            name: "bench", categories: [ServiceCategory(code: "a", name: "甲", prefix: "A")],
            windows: (1...n).map { ServiceWindow(number: $0, name: "\($0)", categories: ["a"]) },
            clerks: (1...n).map { Clerk(id: "c\($0)", name: "\($0)") })
        let path = dir + "/keypress.sqlite"
        for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
        let store = try EventStore(path: path, sync: sync)
        let hall = try Hall(setup: setup, store: store, clock: SystemClock())
        for w in 1...n { try await hall.execute(.signIn(window: w, clerk: "c\(w)")) }
        for _ in 0..<(n * rounds + 50) { try await hall.execute(.issueTicket(category: "a", priority: false)) }

        // Baseline: one command at a time, straight into the Hall (no device, no concurrency).
        var single: [Double] = []
        for w in 1...min(n, 50) {
            try await hall.execute(.callNext(window: w))
            try await hall.execute(.finish(window: w, outcome: .immediate))
            let t = ContinuousClock.now
            try await hall.execute(.rate(window: w, level: .satisfied))
            let d = ContinuousClock.now - t
            single.append(Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1000)
            try await hall.execute(.signOut(window: w))
            try await hall.execute(.signIn(window: w, clerk: "c\(w)"))
        }
        single.sort()
        let baseline = String(format: "one rate command alone: p50 %.2f ms, max %.2f ms", single[single.count / 2], single.last ?? 0)
        let gateway = HallGatewayAdapter(hall: hall)
        let profile = EvaluatorProfile(id: "f8-f12", name: "bench", kind: .evdev, keys: [66: .verySatisfied, 67: .satisfied])
        var masters: [Int32] = []
        var drivers: [Task<Void, Never>] = []
        let board = HealthBoard()
        for w in 1...n {
            let (m, driver) = try await BenchRig.keypad(window: w, profile: profile, gateway: gateway, report: { board.apply($0, $1) },
                                                        register: { binding, path in board.register(DeviceHealth(binding: binding, address: path, now: Date())) })
            masters.append(m)
            drivers.append(driver)
        }
        let committed = Mutex<[Int: ContinuousClock.Instant]>([:])
        let events = hall.hub.subscribe()
        let watcher = Task {
            for await e in events where e.event.kind == .ticketRated {
                if let w = e.event.window { committed.withLock { $0[w] = ContinuousClock.now } }
            }
        }
        var latencies: [Double] = []
        var stageProfile = StageProfile()
        // The disk's own tail during the run: a thread doing what a commit's fsync does (4 KiB appended,
        // fsync) every 5 ms on the same filesystem, from the first press to the last.
        let probe = FsyncProbe(path: dir + "/fsync-probe-live")
        StageTrace.shared.enabled = stages
        var rng = SystemRandomNumberGenerator()
        let press = InputEvent(type: 1, code: 66, value: 1).bytes + InputEvent(type: 0, code: 0, value: 0).bytes
            + InputEvent(type: 1, code: 66, value: 0).bytes
        for _ in 0..<rounds {
            for w in 1...n {
                try await hall.execute(.callNext(window: w))
                try await hall.execute(.finish(window: w, outcome: .immediate))
            }
            committed.withLock { $0.removeAll() }
            _ = StageTrace.shared.take()
            // Every evaluator presses once at a random moment within `spread` seconds.
            let order = (1...n).map { ($0, Double.random(in: 0..<spread, using: &rng)) }.sorted { $0.1 < $1.1 }
            let start = ContinuousClock.now
            var sent: [Int: ContinuousClock.Instant] = [:]
            for (w, at) in order {
                let due = start + .milliseconds(Int(at * 1000))
                if ContinuousClock.now < due { try await Task.sleep(until: due, clock: .continuous) }
                sent[w] = ContinuousClock.now
                _ = press.withUnsafeBytes { write(masters[w - 1], $0.baseAddress, $0.count) }
            }
            let deadline = ContinuousClock.now + .seconds(10)
            while committed.withLock({ $0.count }) < n && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            let got = committed.withLock { $0 }
            for (w, t) in got {
                if let s = sent[w] { latencies.append(Double((t - s).components.attoseconds) / 1e15 + Double((t - s).components.seconds) * 1000) }
            }
            if stages { stageProfile.add(marks: StageTrace.shared.take(), sent: sent, committed: got) }
        }
        StageTrace.shared.enabled = false
        let live = probe.stop()
        watcher.cancel()
        for d in drivers { d.cancel() }
        latencies.sort()
        func q(_ p: Double) -> Double { latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        print("""

            (c) key press → rating committed, \(n) evaluators on pty pairs, \(rounds) rounds, each evaluator pressing once a round
                at a random moment within \(Int(spread)) s (\(Int(Double(n) / spread)) presses/s), synchronous=\(sync.rawValue.uppercased())
                samples \(latencies.count) of \(n * rounds); p50 \(String(format: "%.2f", q(0.5))) ms, p99 \(String(format: "%.2f", q(0.99))) ms, \
            max \(String(format: "%.2f", latencies.last ?? .nan)) ms (evdev over a pty: no serial wire time to subtract)
                \(baseline)
                \(machineFloor(dir: dir))
                during the presses, the same disk: 4 KiB write + fsync every 5 ms, \(live.count) samples: p50 \(String(format: "%.2f", live.q(0.5))) ms, \
            p99 \(String(format: "%.2f", live.q(0.99))) ms, max \(String(format: "%.2f", live.q(1))) ms
            """)
        if stages { print(stageProfile.table()) }
    }

    /// What this machine alone costs, for reading the tail: a WAL commit at FULL waits for one fsync,
    /// and every hop between threads waits for a wake-up.
    static func machineFloor(dir: String) -> String {
        let path = dir + "/fsync-probe"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { close(fd); unlink(path) }
        let page = [UInt8](repeating: 0x55, count: 4096)
        var fsyncs: [Double] = []
        for _ in 0..<500 {
            let t = ContinuousClock.now
            _ = page.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            fsync(fd)
            fsyncs.append(milliseconds(ContinuousClock.now - t))
        }
        var wakes: [Double] = []
        for _ in 0..<1000 {
            let t = ContinuousClock.now
            usleep(1000)
            wakes.append(milliseconds(ContinuousClock.now - t) - 1)
        }
        fsyncs.sort()
        wakes.sort()
        return String(format: "this machine: 4 KiB write + fsync p50 %.2f ms, p99 %.2f ms; 1 ms sleep overshoot p50 %.2f ms, p99 %.2f ms",
                      fsyncs[250], fsyncs[495], wakes[500], wakes[990])
    }

    static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }
}

/// The key-press path stage by stage (`--stages`): for each press, the time from one stage's mark to the
/// next one's under the same window, then p50/p99/max of each step over all presses.
struct StageProfile {
    static let order = ["press written", "driver got the bytes", "hall actor runs the command", "commit starts",
                        "writer queue starts the transaction", "rows written, commit next", "commit done (fsync)", "subscriber got the event"]
    var steps: [String: [Double]] = [:]

    mutating func add(marks: [StageTrace.Mark], sent: [Int: ContinuousClock.Instant], committed: [Int: ContinuousClock.Instant]) {
        var byKey: [Int: [StageTrace.Mark]] = [:]
        for m in marks { byKey[m.key, default: []].append(m) }
        for (w, start) in sent {
            guard let end = committed[w] else { continue }
            var previous = start
            let mine = byKey[w] ?? []
            for (i, stage) in Self.order.enumerated().dropFirst() {
                let at: ContinuousClock.Instant?
                if i == Self.order.count - 1 { at = end } else { at = mine.first { $0.stage == stage && $0.at >= previous && $0.at <= end }?.at }
                guard let at else { continue }
                steps["\(Self.order[i - 1]) → \(stage)", default: []].append(KeypressBench.milliseconds(at - previous))
                previous = at
            }
        }
    }

    func table() -> String {
        var out = "    stage by stage (ms)                                                          p50     p99     max"
        for (i, stage) in Self.order.enumerated().dropFirst() {
            let key = "\(Self.order[i - 1]) → \(stage)"
            guard var v = steps[key], !v.isEmpty else { continue }
            v.sort()
            let p99 = v[min(v.count - 1, Int(Double(v.count) * 0.99))]
            out += "\n    " + key.padding(toLength: 74, withPad: " ", startingAt: 0)
                + String(format: "%7.3f %7.3f %7.3f", v[v.count / 2], p99, v.last ?? 0)
        }
        return out
    }
}

/// 4 KiB write + fsync every 5 ms on its own thread until stopped: the disk's latency while a benchmark runs.
final class FsyncProbe: @unchecked Sendable {
    private let lock = NSLock()
    private var samples: [Double] = []
    private var running = true
    private let done = DispatchSemaphore(value: 0)

    struct Result {
        var sorted: [Double]
        var count: Int { sorted.count }
        func q(_ p: Double) -> Double { sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
    }

    init(path: String) {
        Thread.detachNewThread { [self] in
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            defer { close(fd); unlink(path); done.signal() }
            let page = [UInt8](repeating: 0x55, count: 4096)
            while lock.withLock({ running }) {
                let t = ContinuousClock.now
                _ = page.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                fsync(fd)
                let ms = KeypressBench.milliseconds(ContinuousClock.now - t)
                lock.withLock { samples.append(ms) }
                usleep(5000)
            }
        }
    }

    func stop() -> Result {
        lock.withLock { running = false }
        done.wait()
        return Result(sorted: lock.withLock { samples.sorted() })
    }
}
