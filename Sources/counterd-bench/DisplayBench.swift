import Access
import Devices
import Foundation
import HallModel
import HallRuntime
import Logging
import Simulators
import Store
import Web

/// Call committed → frame on the window screen, and call committed → event at an SSE client.
/// The hall runs at synchronous=FULL; the window screen is a Chinese strip screen simulated on a pty (its
/// arrival time is when the bytes came out of the pty); the SSE client is a plain socket on 127.0.0.1
/// reading /api/events. "Committed" is the moment `Hall.execute` returned, i.e. when the API would answer.
enum DisplayBench {
    static func run(dir: String, calls: Int) async throws {
        let setup = HallSetup(name: "bench", categories: [ServiceCategory(code: "a", name: "甲", prefix: "A")],
                              windows: [ServiceWindow(number: 1, name: "1号窗口", categories: ["a"])], clerks: [Clerk(id: "c1", name: "张敏")])
        let path = dir + "/display.sqlite"
        for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
        let store = try EventStore(path: path)
        let hall = try Hall(setup: setup, store: store, clock: SystemClock())
        try await hall.execute(.signIn(window: 1, clerk: "c1"))
        for _ in 0..<(calls + 5) { try await hall.execute(.issueTicket(category: "a", priority: false)) }

        let screens = try SimulatedDisplayBus(wire: .strip)
        let profile = DisplayProfile(id: "strip", wire: .strip)
        let binding = DeviceBinding(id: "screen-1", role: .windowDisplay, window: 1, transport: .serial, match: DeviceMatch(path: screens.path))
        let gateway = HallGatewayAdapter(hall: hall)
        let supervisor = DeviceSupervisor(bindings: [binding], driverFor: { b in
            DisplayBusDriver(profile: profile, screens: b.screens, templates: DisplayTemplates(), hall: gateway) })
        let devices = Task { await supervisor.run(udev: nil) }
        defer { devices.cancel() }

        guard let (port, server) = await BenchRig.server(hall: hall, store: store, setup: setup) else { return }
        defer { server.cancel() }
        let sse = try SSEReader(port: port, path: "/api/events?token=bench")
        try await Task.sleep(for: .seconds(1))

        var screenLatency: [Double] = []
        var sseLatency: [Double] = []
        for i in 0..<calls {
            let framesBefore = screens.frames.count
            let number = "A" + String(format: "%03d", i + 1)
            try await hall.execute(.callNext(window: 1))
            let committed = ContinuousClock.now
            let deadline = committed + .seconds(2)
            var screenAt: ContinuousClock.Instant?
            var sseAt: ContinuousClock.Instant?
            while (screenAt == nil || sseAt == nil) && ContinuousClock.now < deadline {
                if screenAt == nil, let f = screens.frames.dropFirst(framesBefore).first(where: { $0.text.contains(number) }) { screenAt = f.at }
                if sseAt == nil { sseAt = sse.arrival(of: "ticket_called", containing: "\"\(number)\"") }
                try await Task.sleep(for: .microseconds(200))
            }
            if let screenAt { screenLatency.append(ms(screenAt - committed)) }
            if let sseAt { sseLatency.append(ms(sseAt - committed)) }
            try await hall.execute(.finish(window: 1, outcome: .immediate))
            // The citizen rates: the engine calls no one at a window whose last citizen has not rated yet.
            try await hall.execute(.rate(window: 1, level: .verySatisfied))
            // The strip screen takes a frame every 100 ms at most, and the finish sends the idle text: the
            // next call comes after both gaps, as in a hall, so the figure is the path, not the gap.
            try await Task.sleep(for: .milliseconds(250))
        }
        sse.close()
        func q(_ xs: [Double], _ p: Double) -> String {
            let s = xs.sorted()
            return s.isEmpty ? "-" : String(format: "%.2f", s[min(s.count - 1, Int(Double(s.count) * p))])
        }
        print("""

            (d) call committed → window screen frame and → SSE client, \(calls) calls, synchronous=FULL
                screen frame (strip screen on a pty): samples \(screenLatency.count); p50 \(q(screenLatency, 0.5)) ms, p99 \(q(screenLatency, 0.99)) ms, max \(q(screenLatency, 1)) ms
                SSE event (socket on 127.0.0.1):    samples \(sseLatency.count); p50 \(q(sseLatency, 0.5)) ms, p99 \(q(sseLatency, 0.99)) ms, max \(q(sseLatency, 1)) ms
                (negative values: the subscriber got the event before Hall.execute's caller resumed)
            """)
    }

    static func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }
}

/// A minimal server-sent-events reader on a blocking socket thread, recording when each event arrived.
final class SSEReader: @unchecked Sendable {
    private let fd: Int32
    private let lock = NSLock()
    private var events: [(at: ContinuousClock.Instant, kind: String, data: String)] = []

    init(port: Int, path: String) throws {
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        fd = sock
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(sock, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0 else { throw POSIXError(.ECONNREFUSED) }
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        _ = request.withCString { send(sock, $0, strlen($0), 0) }
        Thread.detachNewThread { [weak self] in
            var pending = ""
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = recv(sock, &buffer, buffer.count, 0)
                if n <= 0 { return }
                let now = ContinuousClock.now
                pending += String(decoding: buffer[0..<n], as: UTF8.self)
                while let end = pending.range(of: "\n\n") {
                    let block = String(pending[..<end.lowerBound])
                    pending = String(pending[end.upperBound...])
                    var kind = "", data = ""
                    for line in block.split(separator: "\n") {
                        if line.hasPrefix("event: ") { kind = String(line.dropFirst(7)) }
                        if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
                    }
                    if !kind.isEmpty, let self {
                        self.lock.lock()
                        self.events.append((now, kind, data))
                        self.lock.unlock()
                    }
                }
            }
        }
    }

    func arrival(of kind: String, containing: String) -> ContinuousClock.Instant? {
        lock.lock()
        defer { lock.unlock() }
        return events.last { $0.kind == kind && $0.data.contains(containing) }?.at
    }

    func close() { shutdown(fd, Int32(SHUT_RDWR)) }
}
