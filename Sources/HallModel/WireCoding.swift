import Foundation

/// The JSON of every contract counterd speaks, configured in one place so two writers of one contract
/// cannot drift apart.
public enum WireCoding {
    /// The event log (and what is shipped from it): dates as milliseconds since 1970, keys as the payload
    /// types name them, sorted, so equal events are equal bytes. Frozen: stored logs depend on it.
    public static func logEncoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .millisecondsSince1970
        e.outputFormatting = [.sortedKeys]
        return e
    }

    public static func logDecoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .millisecondsSince1970
        return d
    }

    /// The HTTP API: ISO 8601 dates (a number is not a date), snake_case keys from camelCase properties.
    public static func apiEncoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    public static func apiDecoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        d.keyDecodingStrategy = .convertFromSnakeCase
        return d
    }

    /// The files in the runtime directory that counterctl reads (status, devices): the API's form, indented
    /// for an administrator's eyes.
    public static func statusFileEncoder() -> JSONEncoder {
        let e = apiEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return e
    }

    public static func statusFileDecoder() -> JSONDecoder { apiDecoder() }

    /// The alert webhook: `{"seq", "event"}` with the event's own keys, ISO 8601 dates.
    public static func webhookEncoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.sortedKeys]
        return e
    }

    /// Shapes whose keys are their own (a `CodingKeys` in the type, or a peer's format): the shipping batch's header,
    /// `WireAnswer`, the report setup the district keeps, the reminder gateway's body, the display page's settings.
    /// No key or date strategy: the type says it all.
    public static func plainEncoder() -> JSONEncoder { JSONEncoder() }

    public static func plainDecoder() -> JSONDecoder { JSONDecoder() }

    /// A person's export on a terminal (`counterctl report --format json`): the API's keys, indented.
    public static func reportEncoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// One stored record per line (`counterctl export … --format jsonl`): the store's own keys, sorted.
    public static func recordLineEncoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// A JSON string value as a 好差评 platform's record carries it (slashes as they are).
    public static func platformValueEncoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes]
        return e
    }
}
