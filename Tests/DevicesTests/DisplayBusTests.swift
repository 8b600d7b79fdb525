@testable import Devices
import Clocks
import Codecs
import Foundation
import HallModel
import HallRuntime
import Simulators
import Store
import TestSupport
import Testing

/// Display lines end to end: a real Hall on a SQLite file, the real display driver and supervisor, and
/// screens simulated on a pty that record every frame with its arrival time.
@Suite struct DisplayBusTests {
    static let setup = HallSetup(
        name: "显示测试大厅",
        categories: [ServiceCategory(code: "a", name: "甲", prefix: "A")],
        windows: (1...3).map { ServiceWindow(number: $0, name: "\($0)号窗口", categories: ["a"]) },
        clerks: (1...3).map { Clerk(id: "c\($0)", name: "职员\($0)") })

    static func hall() throws -> (Hall, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("display-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        // The screens' subject is the calls: a window may call again without waiting for a rating here.
        var setup = setup
        setup.rules.ratingBlocksNext = false
        return (try Hall(setup: setup, store: try EventStore(path: dir.appendingPathComponent("d.sqlite").path), clock: SystemClock()), dir)
    }

    static func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }

    @Test func sharedRS485LineKeepsGapsShowsNewestAndNeverAnUncommittedCall() async throws {
        let (hall, dir) = try Self.hall()
        defer { try? FileManager.default.removeItem(at: dir) }
        for w in 1...3 { try await hall.execute(.signIn(window: w, clerk: "c\(w)")) }
        for _ in 0..<6 { try await hall.execute(.issueTicket(category: "a", priority: false)) }
        let screens = try SimulatedDisplayBus(wire: .qsystem)
        let profile = DisplayProfile(id: "qs", wire: .qsystem, width: 16)
        let b = DeviceBinding(id: "line-1", role: .windowDisplay, transport: .serial, match: DeviceMatch(path: screens.path),
                              bus: [1: 1, 2: 2, 3: 3, 9: 0])
        let gateway = HallGatewayAdapter(hall: hall)
        let sup = DeviceSupervisor(bindings: [b], driverFor: { b in
            DisplayBusDriver(profile: profile, screens: b.screens, templates: DisplayTemplates(), hall: gateway) })
        let run = Task { await sup.run(udev: nil) }
        defer { run.cancel() }
        // Start-up: every screen gets its idle text (the hall screen its welcome).
        #expect(await eventually(5) { screens.showing.count == 4 })

        // A call the hall refuses (nobody at window 3 can call twice while serving) shows nowhere.
        try await hall.execute(.callNext(window: 3))
        await #expect(throws: HallError.self) { try await hall.execute(.callNext(window: 3)) }
        // Three calls in a burst, then window 1 calls again before its first call reached the line.
        try await hall.execute(.callNext(window: 1))
        try await hall.execute(.callNext(window: 2))
        try await hall.execute(.finish(window: 1, outcome: .immediate))
        try await hall.execute(.callNext(window: 1))
        // Window 3 called A001, window 1 A002, window 2 A003, window 1 again A004.
        #expect(await eventually(5) { screens.showing[1] == "A004-1" && screens.showing[2] == "A003-2" && screens.showing[3] == "A001-3" })
        #expect(await eventually(3) { screens.showing[9] == "A004-1" })

        let frames = screens.frames
        // Gaps on the line: the QSystem board needs 300 ms between frames (arrival jitter allowed: 20 ms).
        let gaps = zip(frames, frames.dropFirst()).map { Self.ms($1.at - $0.at) }
        #expect(gaps.allSatisfy { $0 >= 280 }, "gaps \(gaps.map { Int($0) })")
        // Window 1 never shows its first call after the newer one.
        let w1 = frames.filter { $0.address == 1 }.map(\.text)
        let newer = try #require(w1.firstIndex(of: "A004-1"))
        #expect(!w1[newer...].contains("A002-1"), "\(w1)")
        // Only committed calls: the refused second call at window 3 (it would have been A002 there) and the
        // tickets nobody called never show. ASCII boards cannot show Chinese: idle text is the short form.
        let texts = frames.map(\.text)
        #expect(!texts.contains { $0.contains("A005") || $0.contains("A006") || $0 == "A002-3" }, "\(texts)")
        #expect(Set(texts).isSubset(of: ["1???", "2???", "3???", "??????", "A001-3", "A002-1", "A003-2", "A004-1"]), "\(texts)")
        #expect(screens.garbage == 0)

        // Stopping: every screen is told its window is closed (an ASCII board shows the short form, the window number).
        run.cancel()
        let closed = await eventually(5) { screens.showing[1] == "1" && screens.showing[2] == "2" && screens.showing[3] == "3" }
        #expect(closed, "after the stop the screens show \(screens.showing)")
    }

    /// A screen's gap is a silence on the wire: it counts from the end of the previous frame's transmission
    /// (its wire time at the line's speed), not from the moment `write` returned. On a pty bytes arrive at
    /// once, so the first byte of each frame is seen when it is written: the next one may not come before
    /// the previous frame's wire time plus the gap (100 ms for a strip screen).
    @Test(arguments: [9600, 2400]) func gapsCountFromTheEndOfTransmission(baud: Int) async throws {
        let (hall, dir) = try Self.hall()
        defer { try? FileManager.default.removeItem(at: dir) }
        for w in 1...3 { try await hall.execute(.signIn(window: w, clerk: "c\(w)")) }
        for _ in 0..<3 { try await hall.execute(.issueTicket(category: "a", priority: false)) }
        let screens = try SimulatedDisplayBus(wire: .strip)
        let profile = DisplayProfile(id: "strip", wire: .strip, charset: .gbk, width: 16, minimumGapMilliseconds: 100)
        let settings = SerialSettings(baud: baud)
        let b = DeviceBinding(id: "strip-line", role: .windowDisplay, transport: .serial, match: DeviceMatch(path: screens.path),
                              serial: settings, bus: [1: 1, 2: 2, 3: 3])
        let gateway = HallGatewayAdapter(hall: hall)
        let sup = DeviceSupervisor(bindings: [b], driverFor: { b in
            DisplayBusDriver(profile: profile, screens: b.screens, templates: DisplayTemplates(), hall: gateway, baud: baud) })
        let run = Task { await sup.run(udev: nil) }
        defer { run.cancel() }
        #expect(await eventually(10) { screens.frames.count == 3 })
        for w in 1...3 { try await hall.execute(.callNext(window: w)) }
        #expect(await eventually(10) { screens.frames.count >= 6 })
        let frames = screens.frames
        for (a, b) in zip(frames, frames.dropFirst()) {
            let wire = Self.ms(settings.wireTime(bytes: a.length))
            let spacing = Self.ms(b.at - a.at)
            // Up to 10 ms (and never more than half the frame's wire time) for the reading side's own delay in
            // stamping the earlier frame: a loaded 2-core machine took 4 once, CI 3.3 on another line. A gap
            // counted from the write's return would be short by the whole wire time (19–76 ms).
            #expect(a.length > 10 && spacing >= wire + 100 - min(10, wire / 2),
                    "at \(baud) baud: \(Int(spacing)) ms after a \(a.length)-byte frame (\(Int(wire)) ms on the wire) + 100 ms gap")
        }
    }

    /// The scheduler's gap is kept on the driver's clock: with a test clock the next frame goes out only once
    /// the clock has advanced by the profile's gap (300 ms on a QSystem board), not a moment before.
    @Test func framesWaitForTheGapOnTheDriversClock() async throws {
        let (hall, dir) = try Self.hall()
        defer { try? FileManager.default.removeItem(at: dir) }
        let screens = try SimulatedDisplayBus(wire: .qsystem)
        let profile = DisplayProfile(id: "qs", wire: .qsystem, width: 16)
        let b = DeviceBinding(id: "line-1", role: .windowDisplay, transport: .serial, match: DeviceMatch(path: screens.path), bus: [1: 1, 2: 2])
        let gateway = HallGatewayAdapter(hall: hall)
        let clock = TestClock()
        let sup = DeviceSupervisor(bindings: [b], driverFor: { b in
            DisplayBusDriver(profile: profile, screens: b.screens, templates: DisplayTemplates(), hall: gateway, clock: clock) })
        let run = Task { await sup.run(udev: nil) }
        defer { run.cancel() }
        // Start-up: one screen's idle frame goes at once; the other waits for the gap.
        #expect(await eventually(5) { screens.frames.count == 1 })
        #expect(await eventually(5) { (try? await clock.checkSuspension()) == nil }, "the driver waits on its clock")
        // Nothing else can wake the driver: its next frame waits on the clock alone.
        await clock.advance(by: .milliseconds(299))
        #expect((try? await clock.checkSuspension()) == nil, "still waiting at 299 ms")
        #expect(screens.frames.count == 1, "a frame went out before the gap had passed on the clock")
        await clock.advance(by: .milliseconds(1))
        #expect(await eventually(5) { screens.frames.count == 2 })
    }

    @Test func aDeadModbusScreenDelaysNobodyAndShowsInHealth() async throws {
        let (hall, dir) = try Self.hall()
        defer { try? FileManager.default.removeItem(at: dir) }
        for w in 1...3 { try await hall.execute(.signIn(window: w, clerk: "c\(w)")) }
        for _ in 0..<6 { try await hall.execute(.issueTicket(category: "a", priority: false)) }
        // Screens 1 and 2 answer; screen 3 is dead.
        let screens = try SimulatedDisplayBus(wire: .modbusLED, liveUnits: [1, 2])
        let profile = DisplayProfile(id: "led", wire: .modbusLED, timeoutMilliseconds: 100, retries: 2)
        let b = DeviceBinding(id: "led-line", role: .windowDisplay, transport: .serial, match: DeviceMatch(path: screens.path),
                              bus: [1: 1, 2: 2, 3: 3])
        let gateway = HallGatewayAdapter(hall: hall)
        let sup = DeviceSupervisor(bindings: [b], driverFor: { b in
            DisplayBusDriver(profile: profile, screens: b.screens, templates: DisplayTemplates(), hall: gateway) })
        let run = Task { await sup.run(udev: nil) }
        defer { run.cancel() }
        #expect(await eventually(5) { screens.showing.count == 2 })
        // The dead screen is declared dead after 2 attempts × 100 ms.
        #expect(await eventually(5) { (sup.board.get("led-line")?.droppedFrames ?? 0) >= 2 }, "the dead screen does not show in device health")

        for round in 0..<3 {
            let start = ContinuousClock.now
            try await hall.execute(.callNext(window: 3))
            try await hall.execute(.callNext(window: 1))
            let expected = "A\(String(format: "%03d", round * 2 + 2))"
            // The live screen gets its call although the dead one has a call waiting too.
            let shown = await eventually(2) { screens.showing[1] == expected }
            let took = Self.ms(ContinuousClock.now - start)
            #expect(shown, "window 1 shows \(screens.showing[1] ?? "-"), expected \(expected)")
            #expect(took < 400, "round \(round): \(Int(took)) ms for the live screen")
            try await hall.execute(.finish(window: 1, outcome: .immediate))
            try await hall.execute(.finish(window: 3, outcome: .immediate))
        }
    }
}
