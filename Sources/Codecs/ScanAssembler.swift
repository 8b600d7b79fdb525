/// What a scanner sent: one code, or input that is not one (with why).
public enum ScanResult: Sendable, Equatable {
    case code(String)
    case garbage(String)
}

/// Keyboard-emulating barcode/QR scanners (USB HID keyboards, evdev): key presses in, codes out. Keys
/// follow the US layout the scanners emulate (Shift for capitals and `_`), a profile may add its own key
/// → character map, and the terminator key (Enter by default) ends a code.
public struct KeyboardScanAssembler: Sendable {
    public var terminator: UInt16
    public var maxLength: Int
    /// Profile keys added to (or replacing) the US layout: key code → character.
    public var extraKeys: [UInt16: Character]
    private var buffer: [Character] = []
    /// Why the code being read is spoiled (an unknown key, too long); reported at its terminator.
    private var bad: String?
    private var shift = 0

    public static let leftShift: UInt16 = 42, rightShift: UInt16 = 54

    public init(terminator: UInt16 = 28, maxLength: Int = 64, extraKeys: [UInt16: Character] = [:]) {
        self.terminator = terminator
        self.maxLength = maxLength
        self.extraKeys = extraKeys
    }

    /// US layout: digits, letters, minus and the keypad.
    static let plain: [UInt16: Character] = {
        var m: [UInt16: Character] = [:]
        let digits: [UInt16] = [11, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        for (d, code) in digits.enumerated() { m[code] = Character(String(d)) }
        let keypad: [UInt16] = [82, 79, 80, 81, 75, 76, 77, 71, 72, 73]
        for (d, code) in keypad.enumerated() { m[code] = Character(String(d)) }
        let letters: [(Character, UInt16)] = [("a", 30), ("b", 48), ("c", 46), ("d", 32), ("e", 18), ("f", 33), ("g", 34), ("h", 35),
                                              ("i", 23), ("j", 36), ("k", 37), ("l", 38), ("m", 50), ("n", 49), ("o", 24), ("p", 25),
                                              ("q", 16), ("r", 19), ("s", 31), ("t", 20), ("u", 22), ("v", 47), ("w", 17), ("x", 45),
                                              ("y", 21), ("z", 44)]
        for (c, code) in letters { m[code] = c }
        m[12] = "-"; m[74] = "-"; m[52] = "."; m[83] = "."; m[53] = "/"; m[98] = "/"
        return m
    }()

    /// A key went down (`down`) or up; returns a code when the terminator completes one.
    public mutating func key(_ code: UInt16, down: Bool) -> [ScanResult] {
        if code == Self.leftShift || code == Self.rightShift {
            shift = max(0, shift + (down ? 1 : -1))
            return []
        }
        guard down else { return [] }
        if code == terminator || (terminator == 28 && code == 96) {
            defer { buffer = []; bad = nil }
            if let bad { return [.garbage(bad)] }
            if buffer.isEmpty { return [] }
            return [.code(String(buffer))]
        }
        guard var c = extraKeys[code] ?? Self.plain[code] else {
            // An unknown key spoils the code being read; the next terminator ends the spoiled input.
            if bad == nil { bad = "key \(code) is not in the scanner's key map" }
            return []
        }
        if shift > 0 {
            if c.isLetter { c = Character(c.uppercased()) } else if c == "-" { c = "_" }
        }
        if buffer.count >= maxLength { bad = bad ?? "longer than \(maxLength) characters" } else { buffer.append(c) }
        return []
    }

    /// Forgets a half-read code (the device went away).
    public mutating func reset() {
        buffer = []
        bad = nil
        shift = 0
    }
}

/// Serial scanners: one code per line (CR, LF or CR LF). Printable ASCII only; anything else, or a line
/// longer than `maxLength`, is garbage and the line is dropped whole.
public struct LineScanAssembler: Sendable {
    public var maxLength: Int
    private var line: [UInt8] = []
    private var bad: String?
    private var lastWasCR = false

    public init(maxLength: Int = 64) { self.maxLength = maxLength }

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [ScanResult] {
        var out: [ScanResult] = []
        for b in bytes {
            if b == 0x0A && lastWasCR { lastWasCR = false; continue }
            lastWasCR = b == 0x0D
            if b == 0x0D || b == 0x0A {
                if let why = bad { out.append(.garbage(why)) } else if !line.isEmpty { out.append(.code(String(decoding: line, as: UTF8.self))) }
                line = []
                bad = nil
                continue
            }
            guard bad == nil else { continue }
            if b < 0x20 || b > 0x7E {
                bad = "byte 0x\(String(b, radix: 16)) is not printable text"
            } else if line.count >= maxLength {
                bad = "longer than \(maxLength) characters"
            } else {
                line.append(b)
            }
        }
        return out
    }
}
