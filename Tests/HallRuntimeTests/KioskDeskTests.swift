@testable import Access
import Codecs
import Devices
import Foundation
import HallConfig
import HallModel
import HallRuntime
import Kiosk
import Simulators
import Store
import TestSupport
import Testing

/// The kiosk's print-before-issue flow on a real hall (SQLite file) printing to a simulated ESC/POS
/// network printer on 127.0.0.1 through the real printer driver.
@Suite struct KioskDeskTests {
    struct Rig {
        let work: URL
        let hall: Hall
        let printer: SimulatedPrinter
        let room = PrinterRoom()
        let desk: KioskDesk
        let run: Task<Void, Never>

        /// `transport`: `.tcp` (a network printer on 127.0.0.1) or `.usblp` (a pty standing in for /dev/usb/lp0).
        init(printerConfigured: Bool = true, transport: TransportKind = .tcp) async throws {
            work = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            let setup = HallSetup(name: "取号测试", categories: [ServiceCategory(code: "a", name: "户籍办理", prefix: "A", checklist: ["身份证"])],
                                  windows: [ServiceWindow(number: 1, name: "1号窗口", categories: ["a"])], clerks: [Clerk(id: "c1", name: "张敏")])
            let store = try EventStore(path: work.appendingPathComponent("k.sqlite").path)
            hall = try Hall(setup: setup, store: store, clock: SystemClock())
            printer = transport == .usblp ? try SimulatedPrinter() : try SimulatedPrinter.network()
            let b = transport == .usblp
                ? DeviceBinding(id: "p1", role: .printer, transport: .usblp, match: DeviceMatch(path: printer.path))
                : DeviceBinding(id: "p1", role: .printer, transport: .tcp, host: "127.0.0.1:\(printer.port)")
            let room = self.room
            let sup = DeviceSupervisor(bindings: [b], driverFor: { _ in PrinterDriver(room: room, pollSeconds: 0.3, timeoutSeconds: 0.3, bodyTimeoutSeconds: 0.5) })
            run = Task { await sup.run(udev: nil) }
            desk = KioskDesk(hall: hall, room: room, settings: KioskSettings(printer: printerConfigured ? "p1" : nil, ratingURL: "http://h"),
                             links: RatingLinks(key: try store.secret("rating-links")))
            _ = await eventually(3) { room.isConnected("p1") }
        }

        func stop() {
            run.cancel()
            try? FileManager.default.removeItem(at: work)
        }

        func kinds() throws -> [EventKind] { try hall.store.events(after: 0).map(\.event.kind) }
    }

    @Test func aDoubleTapPrintsAndIssuesOneTicket() async throws {
        let rig = try await Rig()
        defer { rig.stop() }
        async let first = rig.desk.take(category: "a", priority: false, kiosk: "k1")
        async let second = rig.desk.take(category: "a", priority: false, kiosk: "k1")
        let (a, b) = await (first, second)
        let ta = try a.get(), tb = try b.get()
        #expect(ta.number == "A001" && tb.number == "A001" && [ta.repeated, tb.repeated].sorted { !$0 && $1 } == [false, true])
        #expect(await rig.hall.state.waiting.map(\.number) == ["A001"])
        #expect(try rig.kinds().filter { $0 == .ticketIssued }.count == 1)
        // One paper: the body and the cut once.
        let cut: [UInt8] = [0x1D, 0x56, 0x01]
        let printed = rig.printer.printed
        #expect((0...(printed.count - 3)).filter { Array(printed[$0..<($0 + 3)]) == cut }.count == 1)
        // A retry of a finished request by its id: the same ticket, nothing printed again.
        let before = rig.printer.printed.count
        let r1 = try await rig.desk.take(category: "a", priority: false, kiosk: "k1", requestID: "tap-9").get()
        let r2 = try await rig.desk.take(category: "a", priority: false, kiosk: "k1", requestID: "tap-9").get()
        #expect(r1.number == "A002" && r2.number == "A002" && r2.repeated && !r1.repeated)
        #expect(rig.printer.printed.count > before)
        let after = rig.printer.printed.count
        _ = try await rig.desk.take(category: "a", priority: false, kiosk: "k1", requestID: "tap-9").get()
        #expect(rig.printer.printed.count == after)
    }

    /// The USB printer class (`transport = "usblp"`): a whole kiosk ticket through the node, status queries
    /// answered on the same node; and a printer out of paper there voids the number. A pty stands in for
    /// /dev/usb/lp0 (no USB printer gadget here): same read/write of a character device, no termios.
    @Test func aTicketThroughTheUSBPrinterClass() async throws {
        let rig = try await Rig(transport: .usblp)
        defer { rig.stop() }
        #expect(rig.room.isConnected("p1"), "the usblp node did not connect")
        let ticket = try await rig.desk.take(category: "a", priority: false, kiosk: "k1").get()
        #expect(ticket.number == "A001" && ticket.printed)
        let printed = rig.printer.printed
        #expect(Array(printed.prefix(2)) == [0x1B, 0x40], "ESC @ first")
        #expect(Array(printed.suffix(3)) == [0x1D, 0x56, 0x01], "the cut last")
        #expect(await rig.hall.state.waiting.map(\.number) == ["A001"])
        rig.printer.set { $0.paperOut = true }
        let r = await rig.desk.take(category: "a", priority: false, kiosk: "k1")
        guard case .failure(.printer) = r else { Issue.record("paper out was not seen over usblp: \(r)"); return }
        #expect(await rig.hall.state.waiting.map(\.number) == ["A001"] && rig.printer.printed == printed)
    }

    @Test func aPrinterFaultVoidsTheNumberAndQueuesNothing() async throws {
        let rig = try await Rig()
        defer { rig.stop() }
        rig.printer.set { $0.coverOpen = true }
        let r = await rig.desk.take(category: "a", priority: false, kiosk: "k1")
        guard case .failure(.printer(let fault)) = r else { Issue.record("\(r)"); return }
        #expect(fault.code == "cover_open")
        let state = await rig.hall.state
        #expect(state.waiting.isEmpty && state.reserved.isEmpty)
        #expect(try rig.kinds().suffix(2) == [.ticketReserved, .ticketVoided])
        // Dropped mid-ticket: also voided.
        rig.printer.set { $0 = .init(dropAfterPrintedBytes: 30) }
        let connections = rig.printer.connections
        let dropped = await rig.desk.take(category: "a", priority: false, kiosk: "k1")
        guard case .failure(.printer) = dropped else { Issue.record("\(dropped)"); return }
        #expect(await rig.hall.state.waiting.isEmpty)
        // Dropped after the cut: printed, issued once, not printed again (once the driver has reconnected).
        #expect(await eventually(5) { rig.printer.connections > connections && rig.room.isConnected("p1") })
        rig.printer.set { $0 = .init(dropAfterCut: true) }
        let cutDrop = try await rig.desk.take(category: "a", priority: false, kiosk: "k1").get()
        #expect(cutDrop.number == "A003")
        #expect(await rig.hall.state.waiting.map(\.number) == ["A003"])
    }

    @Test func interruptedReservationsAreVoidedAtStart() async throws {
        let rig = try await Rig()
        defer { rig.stop() }
        try await rig.hall.execute(.reserveTicket(category: "a", priority: false))
        await rig.desk.voidInterrupted()
        #expect(await rig.hall.state.reserved.isEmpty)
        let last = try #require(try rig.hall.store.events(after: 0).last?.record)
        #expect(last.kind == .ticketVoided && last.reason == "interrupted" && last.number == "A001")
    }

    @Test func withoutAPrinterTheTicketIsIssuedOnScreenOnly() async throws {
        let rig = try await Rig(printerConfigured: false)
        defer { rig.stop() }
        let t = try await rig.desk.take(category: "a", priority: false, kiosk: "k1").get()
        #expect(t.number == "A001" && !t.printed && rig.printer.printed.isEmpty)
    }

    @Test func ratingLinksNameOneTicketAndCannotBeForged() {
        let links = RatingLinks(key: Array(repeating: 7, count: 32))
        let token = links.token(for: "2026-11-23/A012")
        #expect(token.hasPrefix("2026-11-23-A012.") && token.count == "2026-11-23-A012.".count + 32)
        #expect(links.ticket(for: token) == "2026-11-23/A012")
        #expect(links.ticket(for: token.replacingOccurrences(of: "A012", with: "A013")) == nil)
        #expect(links.ticket(for: String(token.dropLast())) == nil)
        #expect(RatingLinks(key: Array(repeating: 8, count: 32)).ticket(for: token) == nil, "another hall's key")
        #expect(links.ticket(for: "garbage") == nil && links.ticket(for: "") == nil && links.ticket(for: String(repeating: "a", count: 500)) == nil)
    }
}

/// A reprint of a ticket moved since it was printed shows where it stands now: its new category, that category's
/// checklist and the window it was directed to.
@Suite struct KioskReprintTests {
    @Test func aMovedTicketIsReprintedWithItsCurrentCategoryAndWindow() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("reprint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let setup = HallSetup(name: "补打测试", categories: [ServiceCategory(code: "a", name: "户籍办理", prefix: "A", checklist: ["身份证"]),
                                                         ServiceCategory(code: "b", name: "社保医保", prefix: "B", checklist: ["社保卡"])],
                              windows: [ServiceWindow(number: 1, name: "1号窗口", categories: ["a"]), ServiceWindow(number: 2, name: "2号窗口", categories: ["a", "b"]),
                                        ServiceWindow(number: 3, name: "3号窗口", categories: ["b"])],
                              clerks: [Clerk(id: "c1", name: "张敏")])
        let store = try EventStore(path: work.appendingPathComponent("r.sqlite").path)
        let hall = try Hall(setup: setup, store: store, clock: SystemClock())
        let desk = KioskDesk(hall: hall, room: PrinterRoom(), settings: KioskSettings(printer: nil, ratingURL: "http://h"),
                             links: RatingLinks(key: try store.secret("rating-links")))
        let taken = try await desk.take(category: "a", priority: false, kiosk: "k1").get()
        #expect(taken.categoryName == "户籍办理" && taken.windows == [1, 2])
        _ = try await hall.execute(.moveWaiting(ticket: taken.number, toCategory: "b", toWindow: 3))
        let now = await desk.current(taken)
        #expect(now.category == "b" && now.categoryName == "社保医保" && now.checklist == ["社保卡"] && now.windows == [3], "\(now)")
        let layout = await desk.layout(now, reprint: true)
        #expect(layout.category == "社保医保" && layout.windowHint.contains("3 号窗口"), "\(layout)")
    }
}
