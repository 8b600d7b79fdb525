/// A vendor HID keypad's input report (hidraw: one read is one report): an optional report ID, then the
/// pressed key's value at a fixed offset. Total over any bytes.
public enum HIDReport {
    public enum Reading: Sendable, Equatable {
        /// A key value (not yet checked against the profile's map).
        case key(UInt8)
        /// Value 0: every key released.
        case released
        /// Not a report of this keypad; the reason is for the log.
        case refused(String)
    }

    /// What `report` says, for a keypad whose reports start with `reportID` (if any) and carry the key at
    /// `keyOffset` after it.
    public static func read(_ report: [UInt8], reportID: UInt8?, keyOffset: Int) -> Reading {
        var body = report[...]
        if let id = reportID {
            guard body.first == id else { return .refused("report id \(body.first.map(String.init) ?? "none"), expected \(id)") }
            body = body.dropFirst()
        }
        guard keyOffset >= 0, keyOffset < body.count else { return .refused("report of \(report.count) bytes is too short") }
        let value = body[body.startIndex + keyOffset]
        return value == 0 ? .released : .key(value)
    }
}
