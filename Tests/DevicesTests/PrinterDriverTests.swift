import Codecs
import Foundation
import Simulators
import TestSupport
import Testing
@testable import Devices

/// The printer's status polling against an ESC/POS printer simulated on a pty.
@Suite struct PrinterDriverTests {
    @Test func paperAndCoverStatesShowInHealthAndClear() async throws {
        let printer = try SimulatedPrinter()
        let b = DeviceBinding(id: "kiosk-printer", role: .printer, transport: .serial, match: DeviceMatch(path: printer.path))
        let sup = DeviceSupervisor(bindings: [b], driverFor: { _ in PrinterDriver(pollSeconds: 0.1, timeoutSeconds: 0.2) })
        let run = Task { await sup.run(udev: nil) }
        defer { run.cancel() }
        func warning() -> String? { sup.board.get("kiosk-printer")?.warning }
        #expect(await eventually(3) { sup.board.get("kiosk-printer")?.state == .connected && (sup.board.get("kiosk-printer")?.bytesIn ?? 0) >= 3 })
        #expect(warning() == nil)
        printer.set { $0.paperNearEnd = true }
        #expect(await eventually(3) { warning() == "paper near end" }, "\(warning() ?? "nil")")
        printer.set { $0.paperOut = true }
        #expect(await eventually(3) { warning() == "paper out" }, "\(warning() ?? "nil")")
        printer.set { $0 = SimulatedPrinter.State(coverOpen: true) }
        #expect(await eventually(3) { warning() == "cover open" }, "\(warning() ?? "nil")")
        printer.set { $0 = SimulatedPrinter.State(mute: true) }
        #expect(await eventually(3) { warning() == "not answering status requests" }, "\(warning() ?? "nil")")
        printer.set { $0 = SimulatedPrinter.State() }
        #expect(await eventually(3) { warning() == nil }, "\(warning() ?? "nil")")
        // Status requests are not printed: nothing reached the paper.
        #expect(printer.printed.isEmpty)
    }
}

/// Printing tickets on a network printer simulated on 127.0.0.1: the printer answers DLE EOT from its
/// paper and cover state and can drop the connection mid-ticket or right after the cut.
@Suite struct PrinterJobTests {
    struct Rig {
        let printer: SimulatedPrinter
        let room = PrinterRoom()
        let sup: DeviceSupervisor
        let run: Task<Void, Never>

        init() async throws {
            printer = try SimulatedPrinter.network()
            let b = DeviceBinding(id: "kiosk-printer", role: .printer, transport: .tcp, host: "127.0.0.1:\(printer.port)")
            let room = self.room
            sup = DeviceSupervisor(bindings: [b], driverFor: { _ in PrinterDriver(room: room, pollSeconds: 0.2, timeoutSeconds: 0.3, bodyTimeoutSeconds: 0.5) })
            let sup = self.sup
            run = Task { await sup.run(udev: nil) }
            #expect(await eventually(3) { room.isConnected("kiosk-printer") })
        }

        var ticket: TicketLayout {
            TicketLayout(hall: "示范区政务服务中心", number: "A012", category: "户籍办理", windowHint: "请到 1、2 号窗口办理",
                         issuedAt: "2026-11-23 09:14", waitingAhead: 3, checklist: ["居民身份证原件"], qrURL: "http://hall/r/x", columns: 48)
        }

        func print() async -> PrintOutcome {
            await room.print(device: "kiosk-printer", body: ticket.body, cut: ticket.cut)
        }
    }

    @Test func aReadyPrinterGetsTheWholeTicketOnce() async throws {
        let rig = try await Rig()
        defer { rig.run.cancel() }
        #expect(await rig.print() == .printed)
        #expect(rig.printer.printed == rig.ticket.bytes, "exactly the ticket's bytes, status requests not printed")
    }

    @Test func paperOutAndCoverOpenPrintNothing() async throws {
        let rig = try await Rig()
        defer { rig.run.cancel() }
        rig.printer.set { $0.paperOut = true }
        let out = await rig.print()
        guard case .notPrinted(let fault) = out else { Issue.record("printed with paper out: \(out)"); return }
        #expect(fault.code == "paper_out" && fault.zh.contains("打印纸已用完"))
        rig.printer.set { $0 = .init(coverOpen: true) }
        guard case .notPrinted(let cover) = await rig.print() else { Issue.record("printed with the cover open"); return }
        #expect(cover.code == "cover_open" && cover.zh == "打印机盖未关")
        #expect(rig.printer.printed.isEmpty)
        // Refilled: the next ticket prints at once, without waiting for the next poll.
        rig.printer.set { $0 = .init() }
        #expect(await rig.print() == .printed)
    }

    @Test func paperNearEndStillPrintsAndWarns() async throws {
        let rig = try await Rig()
        defer { rig.run.cancel() }
        rig.printer.set { $0.paperNearEnd = true }
        #expect(await rig.print() == .printed)
        #expect(await eventually(3) { rig.sup.board.get("kiosk-printer")?.warning == "paper near end" })
    }

    @Test func dropMidTicketIsNotPrinted() async throws {
        let rig = try await Rig()
        defer { rig.run.cancel() }
        rig.printer.set { $0.dropAfterPrintedBytes = 40 }
        let out = await rig.print()
        #expect(!out.printed, "\(out)")
        #expect(rig.printer.printed.count == 40 && !rig.printer.printed.contains(subsequence: rig.ticket.cut))
        // The printer is back after the reconnect and prints the next ticket whole.
        #expect(await eventually(5) { rig.printer.connections == 2 && rig.room.isConnected("kiosk-printer") })
        rig.printer.clearPrinted()
        #expect(await rig.print() == .printed)
        #expect(rig.printer.printed == rig.ticket.bytes)
    }

    @Test func dropAfterTheCutCountsAsPrinted() async throws {
        let rig = try await Rig()
        defer { rig.run.cancel() }
        rig.printer.set { $0.dropAfterCut = true }
        let out = await rig.print()
        guard case .printedUnconfirmed = out else { Issue.record("\(out)"); return }
        #expect(rig.printer.printed == rig.ticket.bytes)
    }

    @Test func noPrinterConnectedFailsAtOnce() async {
        let room = PrinterRoom()
        let start = ContinuousClock.now
        let out = await room.print(device: "nowhere", body: [0x41], cut: [])
        #expect(out == .notPrinted(PrintFault(code: "printer_not_connected", zh: "打印机未连接", en: "printer not connected")))
        #expect(ContinuousClock.now - start < .seconds(1))
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence s: [UInt8]) -> Bool {
        guard s.count <= count else { return false }
        return (0...(count - s.count)).contains { Array(self[$0..<($0 + s.count)]) == s }
    }
}

/// A printer with automatic status back: its faults show at once, not at the next poll.
@Suite struct PrinterStatusBackTests {
    @Test func aPaperOutPacketShowsBeforeTheNextPoll() async throws {
        let printer = try SimulatedPrinter.network()
        let room = PrinterRoom()
        let b = DeviceBinding(id: "p", role: .printer, transport: .tcp, host: "127.0.0.1:\(printer.port)")
        // Polls every 60 s: only the printer's own packets can report the change within the test.
        let sup = DeviceSupervisor(bindings: [b], driverFor: { _ in PrinterDriver(room: room, statusBack: true, pollSeconds: 60) })
        let run = Task { await sup.run(udev: nil) }
        defer { run.cancel() }
        #expect(await eventually(3) { printer.statusBackEnabled && room.status("p")?.canPrint == true })
        let start = ContinuousClock.now
        printer.set { $0.paperOut = true }
        #expect(await eventually(2) { room.status("p")?.paperOut == true && sup.board.get("p")?.warning == "paper out" })
        #expect(ContinuousClock.now - start < .seconds(1))
        printer.set { $0.paperOut = false }
        #expect(await eventually(2) { room.status("p")?.canPrint == true && sup.board.get("p")?.warning == nil })
        #expect(printer.printed.isEmpty, "GS a and status requests are not printed")
    }
}
