import Clocks
import Foundation
import Synchronization
import TestSupport
import Testing
@testable import Devices

/// A TCP "printer" on 127.0.0.1 that accepts connections and lets the test drop them or send bytes.
final class FakeTCPDevice: @unchecked Sendable {
    let listener: Int32
    let port: Int
    private let accepted = SharedFDs()

    /// - Parameter hangUpAtOnce: close every connection as soon as it is accepted (a flapping device).
    init(hangUpAtOnce: Bool = false) throws {
        let l = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var on: Int32 = 1
        setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(l, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(l, 8)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(l, $0, &len) } }
        listener = l
        port = Int(UInt16(bigEndian: addr.sin_port))
        let box = accepted
        Thread.detachNewThread {
            while true {
                let c = accept(l, nil, nil)
                if c < 0 { return }
                box.withLock { $0.append(c) }
                if hangUpAtOnce {
                    shutdown(c, Int32(SHUT_RDWR))
                    close(c)
                }
            }
        }
    }

    var connections: Int { accepted.withLock { $0.count } }

    func waitForConnections(_ n: Int, timeout: Double = 5) async -> Bool {
        await eventually(timeout) { self.connections >= n }
    }

    func send(_ bytes: [UInt8]) {
        guard let c = accepted.withLock({ $0.last }) else { return }
        _ = bytes.withUnsafeBytes { Glibc.send(c, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    func dropLast() {
        guard let c = accepted.withLock({ $0.last }) else { return }
        shutdown(c, Int32(SHUT_RDWR))
        close(c)
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}

final class SharedFDs: Sendable {
    private let fds = Mutex<[Int32]>([])
    func withLock<T>(_ body: (inout [Int32]) -> T) -> T { fds.withLock { body(&$0) } }
}

actor Changes {
    var list: [DeviceStatusChange] = []
    func add(_ c: DeviceStatusChange) { list.append(c) }
    func count(_ id: String) -> Int { list.filter { $0.binding.id == id }.count }
}


@Suite struct SupervisorTests {
    @Test func droppedTCPPrinterIsReconnectedAndCounted() async throws {
        let printer = try FakeTCPDevice()
        let b = DeviceBinding(id: "printer-1", role: .printer, transport: .tcp, host: "127.0.0.1:\(printer.port)")
        let changes = Changes()
        let sup = DeviceSupervisor(bindings: [b], onChange: { await changes.add($0) })
        let run = Task { await sup.run(udev: nil) }
        defer { run.cancel() }
        #expect(await printer.waitForConnections(1))
        #expect(await eventually { sup.board.get("printer-1")?.state == .connected })
        // Garbage, then the far end goes away.
        var rng = SystemRandomNumberGenerator()
        printer.send((0..<65_536).map { _ in UInt8.random(in: 0...255, using: &rng) })
        #expect(await eventually { (sup.board.get("printer-1")?.bytesIn ?? 0) == 65_536 })
        let dropped = Date()
        printer.dropLast()
        #expect(await printer.waitForConnections(2))
        let reconnect = Date().timeIntervalSince(dropped)
        #expect(await eventually { sup.board.get("printer-1")?.state == .connected && sup.board.get("printer-1")?.connects == 2 })
        let h = try #require(sup.board.get("printer-1"))
        #expect(h.errors == 1 && h.lastError?.contains("end of file") == true)
        // The change callbacks run after the board's update: wait for the third.
        #expect(await eventually { await changes.list.count >= 3 })
        #expect(await changes.list.map(\.connected) == [true, false, true])
        #expect(reconnect < 1, "reconnect took \(reconnect) s")
    }

    /// Advances `clock` in 10 ms steps until `condition` holds; the simulated time it took, or nil.
    static func advance(_ clock: TestClock<Duration>, until condition: @escaping @Sendable () async -> Bool,
                        limit: Duration = .seconds(30)) async -> Duration? {
        var advanced = Duration.zero
        while advanced <= limit {
            // Real work (a TCP connect) happens between the steps: wait until it is done and the
            // supervisor sleeps on the clock again (checkSuspension throws while a sleep is pending).
            _ = await eventually(5) {
                if await condition() { return true }
                return (try? await clock.checkSuspension()) == nil
            }
            if await condition() { return advanced }
            await clock.advance(by: .milliseconds(10))
            advanced += .milliseconds(10)
        }
        return nil
    }

    /// A device that accepts and hangs up at once must not reconnect — and log an outage — ten times a
    /// second: the pauses double, 0.1, 0.2, 0.4, 0.8 s, on a test clock.
    @Test func aFlappingDeviceBacksOffToo() async throws {
        let flapping = try FakeTCPDevice(hangUpAtOnce: true)
        let b = DeviceBinding(id: "flap", role: .printer, transport: .tcp, host: "127.0.0.1:\(flapping.port)")
        let changes = Changes()
        let clock = TestClock()
        let sup = DeviceSupervisor(bindings: [b], clock: clock, onChange: { await changes.add($0) })
        let run = Task { await sup.run(udev: nil) }
        defer { run.cancel() }
        #expect(await eventually { flapping.connections == 1 })
        var pauses: [Double] = []
        for n in 2...5 {
            let took = await Self.advance(clock) { flapping.connections >= n }
            pauses.append(took.map { Double($0.components.attoseconds) / 1e18 + Double($0.components.seconds) } ?? -1)
        }
        for (pause, expected) in zip(pauses, [0.1, 0.2, 0.4, 0.8]) {
            #expect(abs(pause - expected) <= 0.015, "pauses \(pauses)")
        }
        #expect(await changes.count("flap") <= 2 * flapping.connections)
    }

    @Test func aDeadDeviceDelaysNobodyAndBacksOff() async throws {
        // Nothing listens on this port: every connect is refused at once.
        let deadPort = try { () throws -> Int in
            let s = try FakeTCPDevice()
            return s.port
        }()
        let live = try FakeTCPDevice()
        let dead = DeviceBinding(id: "dead", role: .printer, transport: .tcp, host: "127.0.0.1:\(deadPort)")
        let ok = DeviceBinding(id: "ok", role: .printer, transport: .tcp, host: "127.0.0.1:\(live.port)")
        let pty = try PTY()
        let serial = DeviceBinding(id: "display-1", role: .windowDisplay, window: 1, transport: .serial, match: DeviceMatch(path: pty.path))
        let clock = TestClock()
        let sup = DeviceSupervisor(bindings: [dead, ok, serial], clock: clock)
        let run = Task { await sup.run(udev: nil) }
        defer { run.cancel() }
        let start = Date()
        #expect(await eventually(2) { sup.board.get("ok")?.state == .connected && sup.board.get("display-1")?.state == .connected })
        #expect(Date().timeIntervalSince(start) < 1)
        // Backoff doubles: 0.1+0.2+0.4+0.8 s of simulated waiting gives attempts 2 to 5, not hundreds.
        #expect(await eventually { sup.board.get("dead")?.errors == 1 })
        let took = await Self.advance(clock) { (sup.board.get("dead")?.errors ?? 0) >= 5 }
        let seconds = took.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 } ?? -1
        #expect(abs(seconds - 1.5) <= 0.03, "five attempts after \(seconds) s of simulated time")
        #expect(sup.board.get("dead")?.lastError?.contains("refused") == true)
        // The serial display still takes bytes while the dead printer keeps failing.
        pty.write([1, 2, 3])
        #expect(await eventually { sup.board.get("display-1")?.bytesIn == 3 })
    }

    @Test func hotplugEventsDriveTheSerialDevice() async throws {
        let pty = try PTY()
        let b = DeviceBinding(id: "eval-2", role: .evaluator, window: 2, transport: .serial, match: DeviceMatch(idPath: "usb-0:1.2:1.0"))
        let changes = Changes()
        let sup = DeviceSupervisor(bindings: [b], onChange: { await changes.add($0) })
        let run = Task { await sup.run(udev: nil) }
        defer { run.cancel() }
        #expect(await eventually(2) { sup.board.get("eval-2")?.state == .absent })
        let device = UdevDevice(syspath: "/sys/test/ttyUSB7", subsystem: "tty", devnode: pty.path,
                                properties: ["ID_PATH": "usb-0:1.2:1.0", "DEVNAME": pty.path])
        await sup.handle(UdevEvent(action: .add, device: device))
        #expect(await eventually(1) { sup.board.get("eval-2")?.state == .connected })
        await sup.handle(UdevEvent(action: .remove, device: device))
        #expect(await eventually(1) { sup.board.get("eval-2")?.state == .absent })
        let replug = Date()
        await sup.handle(UdevEvent(action: .add, device: device))
        #expect(await eventually(1) { sup.board.get("eval-2")?.connects == 2 })
        #expect(Date().timeIntervalSince(replug) < 1)
        // The change callback runs after the board is updated: wait for the third.
        _ = await eventually(1) { await changes.list.count == 3 }
        let list = await changes.list
        #expect(list.map(\.connected) == [true, false, true])
        #expect(list[1].detail == "unplugged (udev remove)")
    }

    @Test func reconfigureKeepsUnchangedDevicesAndRestartsOnlyChangedOnes() async throws {
        let keep = try PTY(), change = try PTY(), moved = try PTY(), remove = try PTY(), add = try PTY()
        let kept = DeviceBinding(id: "kept", role: .caller, window: 1, transport: .serial, match: DeviceMatch(path: keep.path))
        let changed = DeviceBinding(id: "changed", role: .caller, window: 2, transport: .serial, match: DeviceMatch(path: change.path))
        let removed = DeviceBinding(id: "removed", role: .caller, window: 3, transport: .serial, match: DeviceMatch(path: remove.path))
        let sup = DeviceSupervisor(bindings: [kept, changed, removed])
        let run = Task { await sup.run(udev: nil) }
        defer { run.cancel() }
        #expect(await eventually { ["kept", "changed", "removed"].allSatisfy { sup.board.get($0)?.state == .connected } })
        let keptSince = sup.board.get("kept")?.since

        var changedNow = changed
        changedNow.match = DeviceMatch(path: moved.path)
        let added = DeviceBinding(id: "added", role: .caller, window: 4, transport: .serial, match: DeviceMatch(path: add.path))
        let result = await sup.reconfigure([kept, changedNow, added])
        #expect(result.added == ["added"] && result.removed == ["removed"] && result.changed == ["changed"])
        let settled = await eventually { sup.board.get("added")?.state == .connected && sup.board.get("changed")?.address.contains(moved.path) == true }
        #expect(settled, "\(sup.board.all)")
        #expect(sup.board.get("changed")?.state == .connected)
        #expect(sup.board.get("removed") == nil, "a device left in the health board after leaving the config")
        // The unchanged device kept its one connection: same state since, no reconnect.
        #expect(sup.board.get("kept")?.connects == 1 && sup.board.get("kept")?.since == keptSince)
        keep.write([7, 7])
        #expect(await eventually { sup.board.get("kept")?.bytesIn == 2 })
        #expect(await sup.bindings.map(\.id) == ["kept", "changed", "added"])
    }

    @Test func garbageAndEOFOnAPTYAreCountedNotFatal() async throws {
        let pty = try PTY()
        let b = DeviceBinding(id: "caller-1", role: .caller, window: 1, transport: .serial, match: DeviceMatch(path: pty.path))
        let sup = DeviceSupervisor(bindings: [b])
        let run = Task { await sup.run(udev: nil) }
        defer { run.cancel() }
        #expect(await eventually { sup.board.get("caller-1")?.state == .connected })
        pty.releaseSlave()
        var rng = SystemRandomNumberGenerator()
        let garbage = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for chunk in stride(from: 0, to: garbage.count, by: 4096) { pty.write(Array(garbage[chunk..<min(chunk + 4096, garbage.count)])) }
        #expect(await eventually { sup.board.get("caller-1")?.bytesIn == 100_000 })
        pty.closeMaster()
        #expect(await eventually { (sup.board.get("caller-1")?.errors ?? 0) >= 1 })
        #expect(sup.board.get("caller-1")?.state != .connected)
    }
}

@Suite struct DevicesCommandTests {
    @Test func counterctlDevicesShowsTheStatusFile() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let board = HealthBoard()
        let b = DeviceBinding(id: "eval-3", role: .evaluator, window: 3, transport: .serial, match: DeviceMatch(idPath: "x"))
        board.register(DeviceHealth(binding: b, address: "/dev/ttyUSB0 9600 8N1", now: Date()))
        board.setState("eval-3", .backoff, error: "device closed the connection (end of file)")
        board.apply("eval-3", .droppedFrame)
        try board.write(to: dir.appendingPathComponent("devices.json").path)
        let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("counterctl")
        func run(_ args: [String]) async throws -> (Int32, String) {
            try await offload {
                let p = Process()
                p.executableURL = bin
                p.arguments = args
                let out = Pipe()
                p.standardOutput = out
                p.standardError = FileHandle.nullDevice
                try p.run()
                let data = out.fileHandleForReading.readDataToEndOfFile()
                p.waitUntilExit()
                return (p.terminationStatus, String(decoding: data, as: UTF8.self))
            }
        }
        let (status, table) = try await run(["devices", "--runtime-dir", dir.path, "--config", "/nonexistent.toml"])
        // Exit 3: a configured device is not connected.
        #expect(status == 3)
        #expect(table.contains("设备") && table.contains("eval-3") && table.contains("backoff") && table.contains("end of file"))
        let (jsonStatus, json) = try await run(["devices", "--json", "--runtime-dir", dir.path, "--config", "/nonexistent.toml"])
        #expect(jsonStatus == 0)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let device = (parsed?["devices"] as? [[String: Any]])?.first
        #expect(device?["dropped_frames"] as? Int == 1 && device?["errors"] as? Int == 1 && device?["state"] as? String == "backoff")
    }
}
