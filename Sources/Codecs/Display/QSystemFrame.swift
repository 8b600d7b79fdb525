/// QSystem-style RS-485 LED boards: `01 ADDR text 07`. Write-only; the board needs ≥ 300 ms between frames.
public enum QSystemFrame {
    public static let start: UInt8 = 0x01
    public static let end: UInt8 = 0x07
    public static let minimumGapMilliseconds = 300

    public static func encode(address: UInt8, text: String, charset: DisplayCharset = .ascii) -> [UInt8] {
        [start, address] + DisplayText.encode(text, charset: charset, reserved: [start, end]) + [end]
    }
}
