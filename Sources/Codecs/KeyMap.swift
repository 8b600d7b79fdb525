/// Linux input key codes used by keyboard-emulating keypads, by name.
public enum LinuxKey {
    public static let codes: [String: UInt16] = {
        var c: [String: UInt16] = [:]
        let digits: [UInt16] = [11, 2, 3, 4, 5, 6, 7, 8, 9, 10]  // KEY_0 … KEY_9
        for d in 0...9 { c["KEY_\(d)"] = digits[d] }
        let keypad: [UInt16] = [82, 79, 80, 81, 75, 76, 77, 71, 72, 73]  // KEY_KP0 … KEY_KP9
        for d in 0...9 { c["KEY_KP\(d)"] = keypad[d] }
        let f: [UInt16] = [59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 87, 88]  // KEY_F1 … KEY_F12
        for n in 1...12 { c["KEY_F\(n)"] = f[n - 1] }
        c["KEY_ENTER"] = 28
        c["KEY_KPENTER"] = 96
        return c
    }()

    public static func name(of code: UInt16) -> String? { codes.first { $0.value == code }?.key }
}
