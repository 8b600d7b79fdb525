import Codecs

/// One model of code scanner, from a profile file (`kind = "scanner"`): keyboard-emulating (evdev,
/// grabbed so the codes never reach a desktop) with its terminator and extra keys, or serial (a line
/// per code).
public struct ScannerProfile: Sendable, Equatable {
    public enum Wire: String, Sendable, Equatable, CaseIterable {
        case evdev, serial
    }

    public var id: String
    public var name: String
    public var wire: Wire
    /// The key that ends a code (evdev): KEY_ENTER on nearly every scanner.
    public var terminator: UInt16
    public var maxLength: Int
    /// Keys beyond the US layout: key code → character.
    public var keys: [UInt16: Character]

    public init(id: String, name: String? = nil, wire: Wire, terminator: UInt16 = 28, maxLength: Int = 64, keys: [UInt16: Character] = [:]) {
        self.id = id
        self.name = name ?? id
        self.wire = wire
        self.terminator = terminator
        self.maxLength = maxLength
        self.keys = keys
    }
}
