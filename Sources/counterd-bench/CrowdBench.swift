import Access
import Codecs
import Devices
import Foundation
import HallModel
import HallRuntime
import Logging
import Store
import Synchronization
import Web

/// (l) Many clients at once (issue 18, part 2): `clients` SSE connections reading /api/events and `devices`
/// evaluator keypads attached on their own pseudo-terminals, plus `slow` SSE clients that never read; then
/// `calls` calls, each timed from the moment the call was committed to its event's arrival at every reading
/// client. Afterwards a burst of tickets fills the slow clients' queues, to show that they are cut off while
/// the readers keep up. Everything runs in this process on 2 cores: the clients' reading thread competes with
/// the server it measures.
enum CrowdBench {
    static func run(dir: String, clients: Int, slow: Int, devices: Int, calls: Int, burst: Int) async throws {
        let windows = max(1, devices)
        var setup = HallSetup(name: "bench", categories: [ServiceCategory(code: "a", name: "甲", prefix: "A")],
                              windows: (1...windows).map { ServiceWindow(number: $0, name: "\($0)", categories: ["a"]) },
                              clerks: [Clerk(id: "c1", name: "张敏")])
        // Call after call at one window, without waiting for its rating.
        setup.rules.ratingBlocksNext = false
        let path = dir + "/crowd.sqlite"
        for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
        let store = try EventStore(path: path)
        let hall = try Hall(setup: setup, store: store, clock: SystemClock())
        try await hall.execute(.signIn(window: 1, clerk: "c1"))
        for _ in 0..<(calls + 5) { try await hall.execute(.issueTicket(category: "a", priority: false)) }

        // The devices: keyboard evaluators on ptys, each with the real driver reading it.
        let gateway = HallGatewayAdapter(hall: hall)
        let profile = EvaluatorProfile(id: "f8-f12", name: "bench", kind: .evdev, keys: [66: .verySatisfied])
        var masters: [Int32] = []
        var drivers: [Task<Void, Never>] = []
        for w in 1...devices {
            let (m, driver) = try await BenchRig.keypad(window: w, profile: profile, gateway: gateway)
            masters.append(m)
            drivers.append(driver)
        }
        defer {
            for d in drivers { d.cancel() }
            for m in masters { close(m) }
        }

        guard let (port, server) = await BenchRig.server(hall: hall, store: store, setup: setup) else { return }
        defer { server.cancel() }
        let fleet = try SSEFleet(port: port, path: "/api/events?token=bench", readers: clients, slow: slow)
        let attached = ContinuousClock.now
        while hall.hub.subscriberCount < clients + slow && ContinuousClock.now - attached < .seconds(30) {
            try await Task.sleep(for: .milliseconds(20))
        }
        let subscribed = hall.hub.subscriberCount
        let rss0 = residentMB()

        var latencies: [Double] = []
        var missing = 0
        for i in 0..<calls {
            let number = "\"A" + String(format: "%03d", i + 1) + "\""
            fleet.watch(for: Array(number.utf8))
            try await hall.execute(.callNext(window: 1))
            let committed = ContinuousClock.now
            let deadline = committed + .seconds(5)
            while fleet.arrivals.count < clients && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(1)) }
            let got = fleet.arrivals
            missing += clients - got.count
            latencies += got.map { DisplayBench.ms($0 - committed) }
            try await hall.execute(.finish(window: 1, outcome: .immediate))
            try await Task.sleep(for: .milliseconds(50))
        }
        latencies.sort()
        func q(_ p: Double) -> String { latencies.isEmpty ? "-" : String(format: "%.2f", latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) }
        let rss1 = residentMB()

        // The burst: tickets as fast as the hall commits them; the slow clients' queues fill.
        let burstStart = ContinuousClock.now
        for _ in 0..<burst { try await hall.execute(.issueTicket(category: "a", priority: false)) }
        let burstSeconds = (ContinuousClock.now - burstStart).seconds
        let cutWait = ContinuousClock.now
        while fleet.slowClosed < slow && ContinuousClock.now - cutWait < .seconds(20) { try await Task.sleep(for: .milliseconds(50)) }
        print("""

            (l) \(clients) SSE clients reading and \(slow) that never read, \(devices) evaluator keypads on ptys (\(subscribed) subscribers attached), \
            \(calls) calls
                call committed → event at every reading client: samples \(latencies.count) (\(missing) missed); p50 \(q(0.5)) ms, p99 \(q(0.99)) ms, \
            max \(q(1)) ms
                burst of \(burst) tickets in \(String(format: "%.1f", burstSeconds)) s: slow clients cut off \(fleet.slowClosed) of \(slow); \
            reading clients still attached \(clients - fleet.readersClosed) of \(clients)
                this process (server, \(devices) drivers and every client): RSS \(rss0) MB attached, \(rss1) MB after the calls
            """)
        fleet.close()
    }

    static func residentMB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
    }
}

/// Many SSE connections read by one poll(2) thread: each reader's arrival time of the watched bytes is kept;
/// the slow ones (a 4 KiB receive buffer) are never read, only watched for the server closing them.
final class SSEFleet: Sendable {
    private struct State {
        var needle: [UInt8] = []
        var arrived: [Int: ContinuousClock.Instant] = [:]
        var tails: [Int: [UInt8]] = [:]
        var readersClosed = 0
        var slowClosed = 0
        var stop = false
    }
    private let state = Mutex(State())
    private let readers: [Int32]
    private let slowFDs: [Int32]

    init(port: Int, path: String, readers count: Int, slow: Int) throws {
        func connectOne(small: Bool) throws -> Int32 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            if small {
                var size: Int32 = 4096
                setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            guard ok == 0 else { throw POSIXError(.ECONNREFUSED) }
            let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
            _ = request.withCString { send(fd, $0, strlen($0), 0) }
            return fd
        }
        readers = try (0..<count).map { _ in try connectOne(small: false) }
        slowFDs = try (0..<slow).map { _ in try connectOne(small: true) }
        let readers = self.readers
        Thread.detachNewThread { [weak self] in
            var fds = readers.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            var open = Set(readers.indices)
            var buffer = [UInt8](repeating: 0, count: 65536)
            while let self, !self.state.withLock({ $0.stop }), !open.isEmpty {
                let n = poll(&fds, nfds_t(fds.count), 100)
                if n <= 0 { continue }
                let now = ContinuousClock.now
                for i in fds.indices where fds[i].revents != 0 {
                    let got = recv(fds[i].fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                    if got <= 0 {
                        if got == 0 || errno != EAGAIN {
                            fds[i].fd = -1
                            open.remove(i)
                            self.state.withLock { $0.readersClosed += 1 }
                        }
                        continue
                    }
                    let chunk = Array(buffer[0..<got])
                    self.state.withLock { s in
                        guard !s.needle.isEmpty, s.arrived[i] == nil else { return }
                        // The needle may straddle two reads: keep the last bytes of each.
                        let hay = (s.tails[i] ?? []) + chunk
                        if Self.contains(hay, s.needle) { s.arrived[i] = now }
                        s.tails[i] = Array(hay.suffix(s.needle.count))
                    }
                }
            }
        }
        let slowFDs = self.slowFDs
        Thread.detachNewThread { [weak self] in
            // Only to notice the server closing a slow client: peek at the socket now and then, never drain it.
            var closed = Set<Int>()
            var byte: UInt8 = 0
            while let self, !self.state.withLock({ $0.stop }), closed.count < slowFDs.count {
                for (i, fd) in slowFDs.enumerated() where !closed.contains(i) {
                    var info = tcp_info()
                    var len = socklen_t(MemoryLayout<tcp_info>.size)
                    getsockopt(fd, Int32(IPPROTO_TCP), TCP_INFO, &info, &len)
                    // CLOSE_WAIT: the server sent its FIN (the connection was cut off).
                    if info.tcpi_state == 8 { closed.insert(i); self.state.withLock { $0.slowClosed += 1 } }
                    _ = byte
                }
                usleep(50_000)
                byte &+= 1
            }
        }
    }

    /// Starts timing the next arrival of `needle` at every reader.
    func watch(for needle: [UInt8]) { state.withLock { $0.needle = needle; $0.arrived = [:]; $0.tails = [:] } }
    var arrivals: [ContinuousClock.Instant] { state.withLock { Array($0.arrived.values) } }
    var readersClosed: Int { state.withLock { $0.readersClosed } }
    var slowClosed: Int { state.withLock { $0.slowClosed } }

    func close() {
        state.withLock { $0.stop = true }
        for fd in readers + slowFDs { shutdown(fd, Int32(SHUT_RDWR)); Glibc.close(fd) }
    }

    static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= hay.count, let first = needle.first else { return false }
        var i = 0
        while i + needle.count <= hay.count {
            if hay[i] == first && hay[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
