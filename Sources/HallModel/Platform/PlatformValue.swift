import Foundation

/// One JSON value of a record for the 好差评 platform: what a profile's constants and codes may be.
public enum PlatformValue: Sendable, Equatable, Encodable, CustomStringConvertible {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .int(let i): try c.encode(i)
        case .bool(let b): try c.encode(b)
        case .null: try c.encodeNil()
        }
    }

    /// The value as text, for comparing a platform's answer code ("0" and 0 are the same answer).
    public var description: String {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        case .bool(let b): String(b)
        case .null: ""
        }
    }
}
