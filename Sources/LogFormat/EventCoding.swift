import Foundation
import HallModel

/// The log's JSON: dates as milliseconds, keys sorted so equal events are equal bytes. The one coder
/// configuration for stored payloads (and for what is shipped from them).
public enum EventCoding {
    public static func encoder() -> JSONEncoder { WireCoding.logEncoder() }

    public static func decoder() -> JSONDecoder { WireCoding.logDecoder() }

    public static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}
