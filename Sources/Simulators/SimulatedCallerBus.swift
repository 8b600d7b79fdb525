import Codecs
import Synchronization

/// Caller keypads on one serial line, as counterd sees real ones: they send DL/T 645-style key frames
/// and show what counterd sends back.
public final class SimulatedCallerBus: Sendable {
    public struct Keypad: Sendable, Equatable {
        /// The three digit cells (0x0A blank).
        public var display: [UInt8] = [0x0A, 0x0A, 0x0A]
        public var echoes = 0
        public var beeps = 0
    }

    private let state = Mutex<(decoder: CallerFrameDecoder, keypads: [UInt8: Keypad])>((CallerFrameDecoder(), [:]))
    private let terminal = Mutex<PseudoTerminal?>(nil)

    public init(addresses: [UInt8]) throws {
        state.withLock { s in for a in addresses { s.keypads[a] = Keypad() } }
        let pty = try PseudoTerminal { [weak self] bytes in self?.received(bytes) }
        terminal.withLock { $0 = pty }
    }

    public var path: String { terminal.withLock { $0?.path ?? "" } }

    public func keypad(_ address: UInt8) -> Keypad? { state.withLock { $0.keypads[address] } }

    /// Presses a key the way the keypad frames it (a digit travels with its confirm key).
    public func press(_ action: CallerAction, address: UInt8) {
        let data: [UInt8] = switch action {
        case .call: [0x0C]
        case .recall: [0x0D]
        case .evaluate: [0x0B]
        case .pause: [0x12]
        case .transfer: [0x13]
        case .noShow: [6, 0x0F]
        case .park: [0, 0x0F]
        case .callBack: [3, 0x0F]
        }
        let bytes = CallerFrame(address: address, function: 0x01, data: data).bytes
        terminal.withLock { $0?.write(bytes) }
    }

    private func received(_ bytes: [UInt8]) {
        state.withLock { s in
            for case .frame(let f, _) in s.decoder.feed(bytes) {
                guard var k = s.keypads[f.address] else { continue }
                switch f.function {
                case 0x02 where f.data.count == 6: k.display = Array(f.data.suffix(3))
                case 0x03: k.beeps += 1
                default: k.echoes += 1
                }
                s.keypads[f.address] = k
            }
        }
    }
}
