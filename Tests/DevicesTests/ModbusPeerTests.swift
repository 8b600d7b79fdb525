@testable import Devices
import Codecs
import Foundation
import HallConfig
import HallModel
import HallRuntime
import Store
import TestSupport
import Testing

/// The Modbus evaluator driver against pymodbus playing three keypads on one RS-485 line (a pty pair,
/// 8N1): addresses 1 and 2 answer, address 3 is dead.
@Suite struct ModbusPeerTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    final class Peer: @unchecked Sendable {
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        var port = ""

        /// One of the pymodbus peers in Tests/Fixtures/modbus, with its arguments.
        init(script: String = "evaluators.py", arguments: [String] = ["1,2"]) throws {
            let python = ModbusPeerTests.repo.appendingPathComponent(".venv/bin/python")
            guard FileManager.default.isExecutableFile(atPath: python.path) else {
                throw POSIXError(.ENOENT)
            }
            process.executableURL = python
            process.arguments = [ModbusPeerTests.repo.appendingPathComponent("Tests/Fixtures/modbus/\(script)").path] + arguments
            process.standardInput = input
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        func line() -> [String: Any] {
            var data = Data()
            while true {
                let byte = output.fileHandleForReading.readData(ofLength: 1)
                if byte.isEmpty || byte == Data("\n".utf8) { break }
                data += byte
            }
            return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        }

        func send(_ command: String) { input.fileHandleForWriting.write(Data((command + "\n").utf8)) }

        struct Unit: Sendable {
            var reads = 0
            var prompts: [Int] = []
            var name: [Int] = []
        }

        func unit(_ u: Int) -> Unit {
            send("state")
            let all = line() as? [String: [String: Any]] ?? [:]
            let d = all[String(u)] ?? [:]
            return Unit(reads: d["reads"] as? Int ?? 0, prompts: d["prompts"] as? [Int] ?? [], name: d["name"] as? [Int] ?? [])
        }

        deinit {
            send("quit")
            process.terminate()
        }
    }

    @Test func pollsPressesPromptsAndSurvivesADeadAddress() async throws {
        let peer: Peer
        do { peer = try Peer() } catch {
            Issue.record("no test virtualenv with pymodbus at .venv: run `make test`, which creates it")
            return
        }
        let port = try await offload { peer.line()["port"] as? String ?? "" }
        try #require(port.hasPrefix("/dev/pts/"))
        let (library, problems) = ProfileLibrary.load(directory: Self.repo.appendingPathComponent("profiles").path)
        #expect(problems.isEmpty)
        let profile = try #require(library.profiles["modbus-rtu-evaluator"])

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("modbus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let setup = HallSetup(name: "m", categories: [ServiceCategory(code: "a", name: "甲", prefix: "A")],
                              windows: (1...3).map { ServiceWindow(number: $0, name: "\($0)", categories: ["a"]) },
                              clerks: [Clerk(id: "c1", name: "张敏"), Clerk(id: "c2", name: "李娜")])
        let hall = try Hall(setup: setup, store: try EventStore(path: dir.appendingPathComponent("m.sqlite").path), clock: SystemClock())
        try await hall.execute(.signIn(window: 1, clerk: "c1"))
        try await hall.execute(.signIn(window: 2, clerk: "c2"))
        let b = DeviceBinding(id: "bus-a", role: .evaluator, transport: .serial, match: DeviceMatch(path: port),
                              serial: SerialSettings(baud: 9600), profile: profile.id, bus: [1: 1, 2: 2, 3: 3])
        let factory = DriverFactory(hall: HallGatewayAdapter(hall: hall), profiles: library)
        let sup = DeviceSupervisor(bindings: [b], driverFor: { factory.driver(for: $0) })
        let run = Task { await sup.run(udev: nil) }
        defer { run.cancel() }

        func unit(_ u: Int) async -> Peer.Unit { (try? await offload { peer.unit(u) }) ?? Peer.Unit() }
        func prompts(_ u: Int) async -> [Int] { await unit(u).prompts }
        func events(_ kind: EventKind) throws -> [EventRecord] { try hall.store.events(after: 0).map(\.record).filter { $0.kind == kind } }

        // Both live keypads are polled (at the idle pace: nothing is awaited) and set idle (a clerk is on
        // duty at their windows).
        let polled = await eventually(8) {
            let one = await unit(1).reads
            let two = await unit(2).reads
            return one >= 2 && two >= 2
        }
        #expect(polled)
        let idle = await prompts(1)
        #expect(idle.first == 0)

        // Finish at window 1: "please rate" and the clerk's name in GB2312.
        try await hall.execute(.issueTicket(category: "a", priority: false))
        try await hall.execute(.callNext(window: 1))
        try await hall.execute(.finish(window: 1, outcome: .immediate))
        #expect(await eventually(3) { await prompts(1).last == 1 })
        let name = await unit(1).name
        #expect(name.prefix(3) == [0xD5C5, 0xC3F4, 0])

        // A press: one rating, then "thank you" — only after the commit.
        peer.send("press 1 5")
        #expect(await eventually(3) { (try? events(.ticketRated).count) == 1 })
        #expect(try events(.ticketRated).first?.level == .verySatisfied && events(.ticketRated).first?.window == 1)
        #expect(await eventually(3) { await prompts(1).last == 2 })
        // A second press for the same ticket is a duplicate, not a rating.
        peer.send("press 1 1")
        #expect(await eventually(3) { (try? events(.ratingIgnored).contains { $0.reason == "duplicate" }) == true })
        // A press at window 2, where nothing is awaited: no rating. Its keypad is read at the idle pace, so
        // the press is seen within 3 s (the counter keeps it), not at once.
        peer.send("press 2 3")
        #expect(await eventually(8) { (try? events(.ratingIgnored).contains { $0.window == 2 && $0.reason == "nothing_awaited" }) == true })
        // Three presses between two polls: one rating, two duplicates.
        try await hall.execute(.issueTicket(category: "a", priority: false))
        try await hall.execute(.callNext(window: 2))
        try await hall.execute(.finish(window: 2, outcome: .immediate))
        peer.send("jump 2 3 4")
        #expect(await eventually(3) { (try? events(.ticketRated).count) == 2 })
        // A restarted keypad (counter back to 0) is not a press.
        let readsBefore = await unit(1).reads
        peer.send("restart 1")
        // The barrier: two more reads of keypad 1 (at the idle pace, a few seconds each), so the driver has seen the
        // counter back at 0.
        #expect(await eventually(15) { await unit(1).reads >= readsBefore + 2 })
        #expect(try events(.ticketRated).count == 2 && events(.ticketRated).last?.level == .satisfied)
        #expect(try events(.ratingIgnored).count == 2)

        // A keypad whose window awaits a rating is polled every 50 ms, and the dead address 3 never starves
        // it; one whose window awaits nothing (2, rated) only every 3 s (idle_poll_interval_ms).
        try await hall.execute(.issueTicket(category: "a", priority: false))
        try await hall.execute(.callNext(window: 1))
        try await hall.execute(.finish(window: 1, outcome: .immediate))
        #expect(await eventually(3) { await prompts(1).last == 1 })
        let before = (await unit(1).reads, await unit(2).reads)
        let started = ContinuousClock.now
        // Until address 1 has been read 80 more times (4 s at 50 ms; 30 s would mean it is starved).
        #expect(await eventually(12) { await unit(1).reads - before.0 >= 80 }, "the awaiting keypad is not polled fast")
        let idleReads = await unit(2).reads - before.1
        let took = (ContinuousClock.now - started).inSeconds
        #expect(Double(idleReads) <= took / 3 + 1, "\(idleReads) polls of idle address 2 in \(took) s; one every 3 s expected")
        #expect(sup.board.get("bus-a")?.state == .connected)
    }
}

extension ModbusPeerTests {
    @Test func unplugWhileAwaitingThenReplugAndPressGivesExactlyOneRating() async throws {
        let peer: Peer
        do { peer = try Peer() } catch {
            Issue.record("no test virtualenv with pymodbus at .venv: run `make test`, which creates it")
            return
        }
        let port = try await offload { peer.line()["port"] as? String ?? "" }
        let (library, _) = ProfileLibrary.load(directory: Self.repo.appendingPathComponent("profiles").path)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("modbus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let setup = HallSetup(name: "m", categories: [ServiceCategory(code: "a", name: "甲", prefix: "A")],
                              windows: [ServiceWindow(number: 1, name: "1", categories: ["a"])], clerks: [Clerk(id: "c1", name: "张敏")])
        let hall = try Hall(setup: setup, store: try EventStore(path: dir.appendingPathComponent("m.sqlite").path), clock: SystemClock())
        try await hall.execute(.signIn(window: 1, clerk: "c1"))
        // Found through udev by its port; here the udev events are fed by hand.
        let b = DeviceBinding(id: "bus-a", role: .evaluator, transport: .serial, match: DeviceMatch(idPath: "usb-0:1.4:1.0"),
                              profile: "modbus-rtu-evaluator", bus: [1: 1])
        let factory = DriverFactory(hall: HallGatewayAdapter(hall: hall), profiles: library)
        let sup = DeviceSupervisor(bindings: [b], driverFor: { factory.driver(for: $0) })
        let run = Task { await sup.run(udev: nil) }
        defer { run.cancel() }
        let device = UdevDevice(syspath: "/sys/test/ttyUSB4", subsystem: "tty", devnode: port, properties: ["ID_PATH": "usb-0:1.4:1.0"])
        await sup.handle(UdevEvent(action: .add, device: device))
        #expect(await eventually(3) { sup.board.get("bus-a")?.state == .connected })
        func rated() throws -> [EventRecord] { try hall.store.events(after: 0).map(\.record).filter { $0.kind == .ticketRated } }

        try await hall.execute(.issueTicket(category: "a", priority: false))
        try await hall.execute(.callNext(window: 1))
        try await hall.execute(.finish(window: 1, outcome: .immediate))
        await sup.handle(UdevEvent(action: .remove, device: device))
        #expect(await eventually(3) { sup.board.get("bus-a")?.state == .absent })
        await sup.handle(UdevEvent(action: .add, device: device))
        let before = sup.board.get("bus-a")?.bytesIn ?? 0
        #expect(await eventually(3) { sup.board.get("bus-a")?.connects == 2 })
        // The driver's first reading after the replug (its baseline) comes before the press.
        #expect(await eventually(3) { (sup.board.get("bus-a")?.bytesIn ?? 0) > before })
        peer.send("press 1 4")
        #expect(await eventually(3) { (try? rated().count) == 1 })
        // The barrier: keypad 1 answered another read (at the idle pace, up to a few seconds), so a press counted twice
        // would be in the log by now.
        let reads = (try? await offload { peer.unit(1) })?.reads ?? 0
        #expect(await eventually(10) { ((try? await offload { peer.unit(1) })?.reads ?? 0) >= reads + 1 })
        #expect(try rated().count == 1 && rated().first?.level == .satisfied)
    }

    /// Modbus LED number screens against pymodbus: a call's number goes out as FC06 (all digits) and idle
    /// blanks as FC16 seven-segment bitmaps, and pymodbus's registers hold exactly what the codec meant.
    @Test func ledScreensWriteWhatPymodbusReadsBack() async throws {
        let peer: Peer
        do { peer = try Peer(script: "leds.py", arguments: ["1,2", "3"]) } catch {
            Issue.record("no test virtualenv with pymodbus at .venv: run `make test`, which creates it")
            return
        }
        let port = try await offload { peer.line()["port"] as? String ?? "" }
        try #require(port.hasPrefix("/dev/pts/"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("leds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let setup = HallSetup(name: "m", categories: [ServiceCategory(code: "a", name: "甲", prefix: "A")],
                              windows: (1...2).map { ServiceWindow(number: $0, name: "\($0)", categories: ["a"]) },
                              clerks: [Clerk(id: "c1", name: "张敏"), Clerk(id: "c2", name: "李娜")])
        let hall = try Hall(setup: setup, store: try EventStore(path: dir.appendingPathComponent("m.sqlite").path), clock: SystemClock())
        try await hall.execute(.signIn(window: 1, clerk: "c1"))
        try await hall.execute(.signIn(window: 2, clerk: "c2"))
        for _ in 0..<2 { try await hall.execute(.issueTicket(category: "a", priority: false)) }
        let profile = DisplayProfile(id: "led", wire: .modbusLED, digits: 3, valueRegister: 0, segmentRegister: 0x10,
                                     timeoutMilliseconds: 300, retries: 2)
        let b = DeviceBinding(id: "led-line", role: .windowDisplay, transport: .serial, match: DeviceMatch(path: port),
                              serial: SerialSettings(baud: 9600), bus: [1: 1, 2: 2])
        let gateway = HallGatewayAdapter(hall: hall)
        let sup = DeviceSupervisor(bindings: [b], driverFor: { b in
            DisplayBusDriver(profile: profile, screens: b.screens, templates: DisplayTemplates(), hall: gateway, baud: 9600) })
        let run = Task { await sup.run(udev: nil) }
        defer { run.cancel() }
        struct Screen { var values: [Int] = []; var segments: [[Int]] = [] }
        func screens() async -> [Int: Screen] {
            let data = (try? await offload { () -> Data in
                peer.send("state")
                return (try? JSONSerialization.data(withJSONObject: peer.line())) ?? Data()
            }) ?? Data()
            let state = ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]) ?? [:]
            var out: [Int: Screen] = [:]
            for (key, value) in state {
                guard let u = Int(key), let d = value as? [String: Any] else { continue }
                out[u] = Screen(values: d["values"] as? [Int] ?? [], segments: d["segments"] as? [[Int]] ?? [])
            }
            return out
        }
        let blank = [Int](repeating: Int(SevenSegment.bitmap(" ")), count: 3)
        // Start-up: both screens blank (idle shows no digits), as FC16 bitmaps.
        #expect(await eventually(10) { let s = await screens(); return s[1]?.segments.last == blank && s[2]?.segments.last == blank })
        // A001 at window 1 shows "001" on a 3-digit screen: all digits, so one FC06 of the number 1.
        try await hall.execute(.callNext(window: 1))
        #expect(await eventually(10) { await screens()[1]?.values.last == 1 })
        // A002 at window 2: 2 on unit 2, unit 1 untouched.
        try await hall.execute(.callNext(window: 2))
        #expect(await eventually(10) { await screens()[2]?.values.last == 2 })
        #expect(await screens()[1]?.values == [1])
        // Seen here: pymodbus now and then answers one of the start-up writes with exception 4 (device
        // failure); the driver counts it as a dropped frame and sends it again (the blank check above).
        #expect((sup.board.get("led-line")?.droppedFrames ?? 0) <= 1, "\(String(describing: sup.board.get("led-line")))")
    }
}
