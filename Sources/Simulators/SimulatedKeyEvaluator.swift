import Codecs

/// An evaluator that reports key presses as input: a keyboard-emulating keypad (evdev records) or a HID
/// keypad with vendor reports (one report per press, then a release report). On a pseudo-terminal the
/// bytes are the same as on the real node; only the node type differs (tests use umockdev for that).
public final class SimulatedKeyEvaluator: Sendable {
    public enum Kind: Sendable {
        /// Key codes are Linux key codes (KEY_F8 = 66 …).
        case evdev
        /// `reportID` first (if any), then the key value at `offset`, in a report of `length` bytes.
        case hid(reportID: UInt8?, offset: Int, length: Int)
    }

    public let kind: Kind
    private let terminal: PseudoTerminal

    public init(kind: Kind) throws {
        self.kind = kind
        terminal = try PseudoTerminal { _ in }
    }

    public var path: String { terminal.path }

    /// Presses and releases one key: a key code (evdev) or a key value (HID). HID reports are written
    /// apart, because counterd reads one report per read as hidraw delivers them.
    public func press(_ key: UInt16) async {
        let (down, up) = Self.bytes(kind, key)
        terminal.write(down)
        if case .hid = kind { try? await Task.sleep(for: .milliseconds(30)) }
        terminal.write(up)
    }

    /// The press and the release.
    public static func bytes(_ kind: Kind, _ key: UInt16) -> (down: [UInt8], up: [UInt8]) {
        switch kind {
        case .evdev:
            let syn = InputEvent(type: 0, code: 0, value: 0).bytes
            return (InputEvent(type: InputEvent.evKey, code: key, value: 1).bytes + syn,
                    InputEvent(type: InputEvent.evKey, code: key, value: 0).bytes + syn)
        case .hid(let id, let offset, let length):
            var down = [UInt8](repeating: 0, count: length)
            down[offset] = UInt8(truncatingIfNeeded: key)
            let prefix = id.map { [$0] } ?? []
            return (prefix + down, prefix + [UInt8](repeating: 0, count: length))
        }
    }
}
