import Codecs

/// Modbus RTU timing derived from the line instead of one fixed figure.
public enum ModbusTiming {
    /// How long a reply may take once the request has left the wire: the normal reply's wire time at
    /// `baud` (11 bits a character, so a parity line is covered too) plus the device's turnaround margin —
    /// or the profile's fixed timeout where it names one.
    public static func replyTimeout(for request: ModbusRTU.Request, baud: Int, turnaroundMilliseconds: Int,
                                    fixedMilliseconds: Int? = nil) -> Duration {
        if let fixedMilliseconds { return .milliseconds(fixedMilliseconds) }
        let reply = ModbusRTU.frameSeconds(bytes: request.responseLength, baud: baud, bitsPerChar: 11)
        return .microseconds(Int((reply * 1e6).rounded(.up))) + .milliseconds(turnaroundMilliseconds)
    }
}

extension Duration {
    /// The duration in seconds, for the APIs that take a Double.
    var inSeconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
