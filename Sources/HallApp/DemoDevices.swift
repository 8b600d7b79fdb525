import Codecs
import Demo
import Devices
import HallModel
import HallRuntime
import Simulators

/// The demo's counter hardware: a line of caller keypads and an RS-485 line of Modbus evaluators, one
/// address per window, simulated on pseudo-terminals and driven by counterd's real drivers.
struct DemoDevices: DemoActions {
    let callers: SimulatedCallerBus
    let evaluators: SimulatedModbusEvaluators
    /// Window strip screens and one hall screen (address 99) on an RS-485 line.
    let screens: SimulatedDisplayBus?
    /// The kiosk's receipt printer (ESC/POS on a pty), for /kiosk.
    let printer: SimulatedPrinter
    let bindings: [DeviceBinding]

    init(windows: [Int], withScreens: Bool) throws {
        let addresses = windows.map { UInt8(clamping: $0) }
        callers = try SimulatedCallerBus(addresses: addresses)
        evaluators = try SimulatedModbusEvaluators(units: addresses)
        let bus = Dictionary(uniqueKeysWithValues: windows.map { ($0, $0) })
        var bindings = [
            DeviceBinding(id: "demo-callers", role: .caller, transport: .serial, match: DeviceMatch(path: callers.path), bus: bus),
            DeviceBinding(id: "demo-evaluators", role: .evaluator, transport: .serial, match: DeviceMatch(path: evaluators.path),
                          profile: "modbus-rtu-evaluator", bus: bus),
        ]
        printer = try SimulatedPrinter()
        bindings.append(DeviceBinding(id: "demo-printer", role: .printer, transport: .serial, match: DeviceMatch(path: printer.path)))
        if withScreens {
            let line = try SimulatedDisplayBus(wire: .strip)
            var screensBus = bus
            screensBus[99] = 0
            bindings.append(DeviceBinding(id: "demo-screens", role: .windowDisplay, transport: .serial, match: DeviceMatch(path: line.path),
                                          profile: "display-strip-gbk", bus: screensBus))
            screens = line
        } else {
            screens = nil
        }
        self.bindings = bindings
    }

    func call(window: Int) async { callers.press(.call, address: UInt8(clamping: window)) }
    func finish(window: Int, outcome: Outcome) async { callers.press(.evaluate, address: UInt8(clamping: window)) }
    func rate(window: Int, level: RatingLevel) async { evaluators.press(unit: UInt8(clamping: window), key: UInt16(level.rawValue)) }
}
