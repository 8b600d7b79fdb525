import Codecs
@testable import Devices
import Foundation
import HallConfig
import HallModel
import HallRuntime
import Simulators
import Store
import TestSupport
import Testing

/// The keypad drivers against a real Hall on a real SQLite file, the keypad played on a real pty.
@Suite struct KeypadDriverTests {
    static let setup = HallSetup(
        name: "keypad hall",
        categories: [ServiceCategory(code: "a", name: "甲", prefix: "A")],
        windows: [ServiceWindow(number: 1, name: "1号窗口", categories: ["a"]), ServiceWindow(number: 2, name: "2号窗口", categories: ["a"])],
        clerks: [Clerk(id: "c1", name: "张敏"), Clerk(id: "c2", name: "李娜")])

    static func hall() throws -> (Hall, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("keypad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try EventStore(path: dir.appendingPathComponent("k.sqlite").path)
        return (try Hall(setup: setup, store: store, clock: SystemClock()), dir)
    }

    /// Reads from the pty until `count` bytes arrive.
    static func read(_ pty: PTY, _ count: Int, timeout: Double = 3) async throws -> [UInt8] {
        try await offload { pty.read(count: count, timeout: timeout) }
    }

    @Test func callerKeysDriveTheHallAndTheKeypadShowsTheResult() async throws {
        let (hall, dir) = try Self.hall()
        defer { try? FileManager.default.removeItem(at: dir) }
        try await hall.execute(.signIn(window: 1, clerk: "c1"))
        for _ in 0..<3 { try await hall.execute(.issueTicket(category: "a", priority: false)) }
        let pty = try PTY()
        let b = DeviceBinding(id: "caller-1", role: .caller, window: 1, transport: .serial, match: DeviceMatch(path: pty.path), address: 1)
        let gateway = HallGatewayAdapter(hall: hall)
        let sup = DeviceSupervisor(bindings: [b], driverFor: { b in CallerKeypadDriver(windows: b.addressWindows, hall: gateway, numberSeconds: 0.2) })
        let run = Task { await sup.run(udev: nil) }
        defer { run.cancel() }
        #expect(await eventually { sup.board.get("caller-1")?.state == .connected })
        pty.releaseSlave()

        // Call: the echo, then the called number, then (0.2 s later) the waiting count.
        let call = CallerFrame(address: 1, function: 0x01, data: [0x0C]).bytes
        pty.write(call)
        let shown = CallerFrame.showTicket(address: 1, number: "A001").bytes
        let count = CallerFrame.show(address: 1, number: 2).bytes
        let got = try await Self.read(pty, call.count + shown.count + count.count)
        #expect(Set([Array(got.prefix(call.count)), Array(got.dropFirst(call.count).prefix(shown.count))]) == Set([call, shown]))
        #expect(Array(got.suffix(count.count)) == count)
        #expect(await hall.state.window(1).serving?.ticket.number == "A001")

        // Calling again while A001 is served is refused: echo, then a beep.
        pty.write(call)
        let refused = try await Self.read(pty, call.count + 9)
        #expect(refused == call + CallerFrame.beep(address: 1).bytes)

        // Garbage, a corrupted frame, a keypad address nobody configured: dropped and counted.
        var bad = CallerFrame(address: 1, function: 1, data: [6, 0x0F]).bytes
        bad[bad.count - 2] &+= 1
        pty.write([0x00, 0x42] + bad + CallerFrame(address: 7, function: 1, data: [0x0C]).bytes)
        #expect(await eventually { (sup.board.get("caller-1")?.droppedFrames ?? 0) >= 3 })

        // 6 + confirm: no-show; the frame travels in one piece with the digit.
        let noShow = CallerFrame(address: 1, function: 1, data: [6, 0x0F]).bytes
        pty.write(noShow)
        #expect(try await Self.read(pty, noShow.count) == noShow)
        #expect(await eventually { await hall.state.window(1).serving == nil })

        // A call from the web console shows on the keypad too.
        try await hall.execute(.callNext(window: 1))
        let fromConsole = try await Self.read(pty, shown.count)
        #expect(fromConsole == CallerFrame.showTicket(address: 1, number: "A002").bytes)

        // Evaluate (0x0B) finishes the service and starts the rating wait.
        pty.write(CallerFrame(address: 1, function: 1, data: [0x0B]).bytes)
        #expect(await eventually { await hall.state.window(1).awaiting?.number == "A002" })
        let events = try hall.store.events(after: 0).map(\.record)
        #expect(events.contains { $0.kind == .ticketNoShow && $0.number == "A001" && $0.source == "caller:caller-1:1" })
    }

    @Test func keyboardEvaluatorRatesOnlyWhatIsAwaited() async throws {
        let (hall, dir) = try Self.hall()
        defer { try? FileManager.default.removeItem(at: dir) }
        let profile = EvaluatorProfile(id: "t", name: "t", kind: .evdev, keys: [67: .verySatisfied, 68: .satisfied, 88: .dissatisfied])
        let gateway = HallGatewayAdapter(hall: hall)
        // An evdev keypad is played here on a pty: same bytes, no grab (the grab is tested under umockdev).
        let pty = try PTY()
        let driver = KeyEvaluatorDriver(profile: profile, window: 1, hall: gateway)
        let link = SerialLink(path: pty.path)
        let connection = try await link.open()
        pty.releaseSlave()
        let binding = DeviceBinding(id: "eval-1", role: .evaluator, window: 1, transport: .evdev)
        let board = HealthBoard()
        board.register(DeviceHealth(binding: binding, address: "pty", now: Date()))
        let context = DriverContext(binding: binding, logger: .init(label: "t")) { board.apply("eval-1", $0) }
        let running = Task { try await driver.run(connection, context: context) }
        defer { running.cancel(); connection.close() }
        func press(_ code: UInt16) {
            pty.write(InputEvent(type: 1, code: code, value: 1).bytes + InputEvent(type: 0, code: 0, value: 0).bytes
                      + InputEvent(type: 1, code: code, value: 0).bytes)
        }
        func rated() throws -> [EventRecord] { try hall.store.events(after: 0).map(\.record).filter { $0.kind == .ticketRated } }
        func ignored() throws -> [EventRecord] { try hall.store.events(after: 0).map(\.record).filter { $0.kind == .ratingIgnored } }

        // No clerk: logged and counted, not a rating.
        press(67)
        #expect(await eventually { (try? ignored().count) == 1 })
        #expect(try ignored().first?.reason == "no_clerk")
        try await hall.execute(.signIn(window: 1, clerk: "c1"))
        try await hall.execute(.issueTicket(category: "a", priority: false))
        try await hall.execute(.callNext(window: 1))
        // While serving: nothing awaited.
        press(68)
        #expect(await eventually { (try? ignored().count) == 2 })
        try await hall.execute(.finish(window: 1, outcome: .immediate))
        // Awaited: exactly one rating for two presses; an unknown key is a dropped frame.
        press(88)
        press(67)
        press(30)
        #expect(await eventually { (try? ignored().count) == 3 })
        #expect(try rated().map(\.level) == [.dissatisfied])
        #expect(try ignored().last?.reason == "duplicate")
        #expect(await eventually { board.get("eval-1")?.droppedFrames == 1 })
    }
}

extension KeypadDriverTests {
    /// The simulated evdev and HID evaluators against the real driver and the shipped profiles.
    @Test(arguments: ["evdev-5key-f8-f12", "hid-report2-byte1"])
    func simulatedKeyEvaluatorsRateThroughTheirProfiles(_ profileID: String) async throws {
        let (hall, dir) = try Self.hall()
        defer { try? FileManager.default.removeItem(at: dir) }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let (library, _) = ProfileLibrary.load(directory: repo.appendingPathComponent("profiles").path)
        let profile = try #require(library.profiles[profileID])
        let sim = try SimulatedKeyEvaluator(kind: profile.kind == .evdev ? .evdev : .hid(reportID: 2, offset: 0, length: 3))
        let connection = try await SerialLink(path: sim.path).open()
        let binding = DeviceBinding(id: "sim", role: .evaluator, window: 1, transport: profile.kind == .evdev ? .evdev : .hidraw)
        let context = DriverContext(binding: binding, logger: .init(label: "t")) { _ in }
        let running = Task { try await KeyEvaluatorDriver(profile: profile, window: 1, hall: HallGatewayAdapter(hall: hall)).run(connection, context: context) }
        defer { running.cancel(); connection.close() }
        try await hall.execute(.signIn(window: 1, clerk: "c1"))
        try await hall.execute(.issueTicket(category: "a", priority: false))
        try await hall.execute(.callNext(window: 1))
        try await hall.execute(.finish(window: 1, outcome: .immediate))
        // evdev: KEY_F9 (67) is 满意 in the 5-key profile; HID: value 4 is 满意.
        await sim.press(profile.kind == .evdev ? 67 : 4)
        func rated() throws -> [EventRecord] { try hall.store.events(after: 0).map(\.record).filter { $0.kind == .ticketRated } }
        #expect(await eventually { (try? rated().count) == 1 })
        #expect(try rated().first?.level == .satisfied)
    }
}
