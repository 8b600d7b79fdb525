/// Seven-segment bitmaps for numeric Modbus LED displays (LED-485 style): bit 0 = segment a … bit 6 = g,
/// bit 7 = the decimal point. Letters a seven-segment digit cannot show become a blank.
public enum SevenSegment {
    public static let digits: [UInt8] = [0x3F, 0x06, 0x5B, 0x4F, 0x66, 0x6D, 0x7D, 0x07, 0x7F, 0x6F]
    public static let letters: [Character: UInt8] = [
        "A": 0x77, "B": 0x7C, "C": 0x39, "D": 0x5E, "E": 0x79, "F": 0x71, "G": 0x3D, "H": 0x76, "J": 0x1E,
        "L": 0x38, "N": 0x54, "O": 0x3F, "P": 0x73, "R": 0x50, "S": 0x6D, "T": 0x78, "U": 0x3E, "Y": 0x6E, "-": 0x40, " ": 0x00,
    ]

    public static func bitmap(_ c: Character) -> UInt8 {
        if let d = c.wholeNumberValue, c.isASCII { return digits[d] }
        return letters[Character(c.uppercased())] ?? 0x00
    }
}

/// Writes to a Modbus RTU numeric LED display. All digits: FC06 of the number to the value register.
/// Anything with a letter: FC16 of one segment bitmap per digit position, right-aligned, to the segment
/// registers. The register map comes from the profile.
public enum ModbusLEDFrame {
    public static func requests(unit: UInt8, text: String, digits: Int, valueRegister: UInt16, segmentRegister: UInt16) -> [ModbusRTU.Request] {
        let shown = String(text.filter { !$0.isWhitespace }.suffix(digits))
        if !shown.isEmpty, shown.allSatisfy({ $0.isASCII && $0.isNumber }), let value = UInt16(shown) {
            return [.writeSingle(unit: unit, address: valueRegister, value: value)]
        }
        let padded = String(repeating: " ", count: max(0, digits - shown.count)) + shown
        return [.writeMultiple(unit: unit, address: segmentRegister, values: padded.map { UInt16(SevenSegment.bitmap($0)) })]
    }
}
