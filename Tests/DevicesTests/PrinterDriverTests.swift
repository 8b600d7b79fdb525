import Codecs
import Foundation
import Simulators
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
