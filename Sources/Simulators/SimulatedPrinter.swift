import Codecs
import Synchronization

/// An ESC/POS receipt printer on a pseudo-terminal: answers DLE EOT 1, 2 and 4 from its paper and cover
/// state, and keeps every other byte as printed data.
public final class SimulatedPrinter: Sendable {
    public struct State: Sendable, Equatable {
        public var paperNearEnd = false
        public var paperOut = false
        public var coverOpen = false
        public var cutterError = false
        /// A printer that does not answer status requests at all.
        public var mute = false

        public init(paperNearEnd: Bool = false, paperOut: Bool = false, coverOpen: Bool = false, cutterError: Bool = false, mute: Bool = false) {
            self.paperNearEnd = paperNearEnd
            self.paperOut = paperOut
            self.coverOpen = coverOpen
            self.cutterError = cutterError
            self.mute = mute
        }
    }

    private let state = Mutex<(settings: State, printed: [UInt8], pending: [UInt8])>((State(), [], []))
    private let terminal = Mutex<PseudoTerminal?>(nil)

    public init() throws {
        let pty = try PseudoTerminal { [weak self] bytes in self?.received(bytes) }
        terminal.withLock { $0 = pty }
    }

    public var path: String { terminal.withLock { $0?.path ?? "" } }
    public var printed: [UInt8] { state.withLock { $0.printed } }

    public func set(_ change: (inout State) -> Void) { state.withLock { change(&$0.settings) } }

    /// The answer to DLE EOT n: fixed bits 0x12 plus the flags the Epson reference gives.
    static func answer(_ n: UInt8, _ s: State) -> UInt8 {
        let offline = s.paperOut || s.coverOpen || s.cutterError
        switch n {
        case 1: return 0x12 | (offline ? 0x08 : 0)
        case 2: return 0x12 | (s.coverOpen ? 0x04 : 0) | (s.paperOut ? 0x20 : 0) | (s.cutterError ? 0x40 : 0)
        case 4: return 0x12 | (s.paperNearEnd || s.paperOut ? 0x0C : 0) | (s.paperOut ? 0x60 : 0)
        default: return 0x12
        }
    }

    private func received(_ bytes: [UInt8]) {
        var replies: [UInt8] = []
        state.withLock { s in
            s.pending += bytes
            while !s.pending.isEmpty {
                if s.pending[0] == 0x10 {
                    guard s.pending.count >= 3 else { break }
                    if s.pending[1] == 0x04 {
                        if !s.settings.mute { replies.append(Self.answer(s.pending[2], s.settings)) }
                        s.pending.removeFirst(3)
                        continue
                    }
                }
                s.printed.append(s.pending.removeFirst())
            }
        }
        if !replies.isEmpty { terminal.withLock { $0?.write(replies) } }
    }
}
