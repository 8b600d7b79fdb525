/// A word of the log from a known set — why a rating was not given, why a press was ignored — typed where the
/// code uses it and stored as the plain string it always was. A word this version does not know (from an older
/// or a newer log) still reads, as itself: the log is never refused for a word.
public struct LogWord<Words>: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    public var description: String { rawValue }
}

/// Why a rating was not given (`rating_not_given`).
public enum NotGivenWords {}
public typealias NotGivenReason = LogWord<NotGivenWords>
extension LogWord where Words == NotGivenWords {
    /// The citizen did not press within the rating timeout.
    public static let timeout = Self(rawValue: "timeout")
    /// The clerk called the next number (or a parked one back) once the timeout allowed it.
    public static let nextCall = Self(rawValue: "next_call")
    public static let signOut = Self(rawValue: "sign_out")
}

/// Why a rating press was not stored (`rating_ignored`).
public enum IgnoredWords {}
public typealias IgnoredReason = LogWord<IgnoredWords>
extension LogWord where Words == IgnoredWords {
    /// The ticket is rated already.
    public static let duplicate = Self(rawValue: "duplicate")
    /// No service awaited a rating at that window.
    public static let nothingAwaited = Self(rawValue: "nothing_awaited")
    /// No clerk was signed in at that window.
    public static let noClerk = Self(rawValue: "no_clerk")
}

/// How a stored rating came (`ticket_rated`'s optional reason).
public enum RatedWords {}
public typealias RatedReason = LogWord<RatedWords>
extension LogWord where Words == RatedWords {
    /// Given by ticket after the window's wait had ended; it replaces that `rating_not_given` in the figures.
    public static let late = Self(rawValue: "late")
}

/// What a clerk tried while the citizen had not yet rated (`rating_skip_refused`).
public enum SkipWords {}
public typealias SkipAttempt = LogWord<SkipWords>
extension LogWord where Words == SkipWords {
    public static let callNext = Self(rawValue: "call_next")
    public static let signOut = Self(rawValue: "sign_out")
    public static let park = Self(rawValue: "park")
    public static let callBack = Self(rawValue: "call_back")
    /// Another clerk taking the window.
    public static let signIn = Self(rawValue: "sign_in")
    public static let callTicket = Self(rawValue: "call_ticket")
}
