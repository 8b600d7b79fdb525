import Codecs
import Foundation
import Synchronization

/// RS-485 evaluator keypads answering Modbus RTU on one line, with counterd's default register map:
/// input 0 press counter, input 1 last key; holding 0x10 prompt, 0x20–0x2F clerk name.
public final class SimulatedModbusEvaluators: Sendable {
    public struct Unit: Sendable, Equatable {
        public var counter: UInt16 = 0
        public var key: UInt16 = 0
        public var prompt: UInt16 = 0
        public var name: [UInt16] = Array(repeating: 0, count: 16)
        public var polls = 0
    }

    private let state = Mutex<(buffer: [UInt8], units: [UInt8: Unit])>(([], [:]))
    private let terminal = Mutex<PseudoTerminal?>(nil)

    public init(units: [UInt8]) throws {
        state.withLock { s in for u in units { s.units[u] = Unit() } }
        let pty = try PseudoTerminal { [weak self] bytes in self?.received(bytes) }
        terminal.withLock { $0 = pty }
    }

    public var path: String { terminal.withLock { $0?.path ?? "" } }

    public func unit(_ u: UInt8) -> Unit? { state.withLock { $0.units[u] } }

    /// A citizen presses key `level` (1–5) on the keypad at `unit`.
    public func press(unit u: UInt8, key: UInt16) {
        state.withLock { s in
            guard var unit = s.units[u] else { return }
            unit.counter &+= 1
            unit.key = key
            s.units[u] = unit
        }
    }

    private func received(_ bytes: [UInt8]) {
        var replies: [[UInt8]] = []
        state.withLock { s in
            s.buffer += bytes
            parsing: while !s.buffer.isEmpty {
                switch ModbusRTU.parseRequest(s.buffer) {
                case .failure(.needMore):
                    break parsing
                case .failure:
                    // Not a request we understand: drop a byte and look again, as a real slave resyncs on silence.
                    s.buffer.removeFirst()
                case .success((let request, let used)):
                    s.buffer.removeFirst(used)
                    // A unit that is not on the line stays silent, like a dead keypad.
                    guard var unit = s.units[request.unit] else { continue }
                    var registers: [UInt16] = []
                    switch request.function {
                    case .readInputRegisters:
                        unit.polls += 1
                        let input: [UInt16] = [unit.counter, unit.key]
                        registers = (0..<Int(request.count)).map { i in
                            let a = Int(request.address) + i
                            return a < input.count ? input[a] : 0
                        }
                    case .readHoldingRegisters:
                        registers = (0..<Int(request.count)).map { i in
                            let a = Int(request.address) + i
                            if a == 0x10 { return unit.prompt }
                            if (0x20..<0x30).contains(a) { return unit.name[a - 0x20] }
                            return 0
                        }
                    case .writeSingleRegister:
                        if request.address == 0x10 { unit.prompt = request.values[0] }
                    case .writeMultipleRegisters:
                        for (i, v) in request.values.enumerated() {
                            let a = Int(request.address) + i
                            if a == 0x10 { unit.prompt = v }
                            if (0x20..<0x30).contains(a) { unit.name[a - 0x20] = v }
                        }
                    }
                    s.units[request.unit] = unit
                    replies.append(ModbusRTU.response(to: request, registers: registers))
                }
            }
        }
        terminal.withLock { t in for r in replies { t?.write(r) } }
    }
}
