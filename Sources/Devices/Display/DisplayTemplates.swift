/// The hall's wording for screens and voice, from `[display]` in the config. Placeholders: {ticket},
/// {window}, {window_name}, {clerk}, {category}, {hall}.
public struct DisplayTemplates: Sendable, Equatable {
    public var call: String
    public var callShort: String
    public var hallCall: String
    public var idle: String
    public var idleNoClerk: String
    public var closed: String
    public var hallIdle: String
    public var voice: String

    public init(call: String = "请{ticket}号到{window}号窗口", callShort: String = "{ticket}-{window}",
                hallCall: String = "请{ticket}号到{window}号窗口", idle: String = "{window}号窗口 {clerk} 欢迎您",
                idleNoClerk: String = "{window}号窗口", closed: String = "{window}号窗口 暂停服务",
                hallIdle: String = "{hall} 欢迎您", voice: String = "请{ticket}号到{window}号窗口办理") {
        self.call = call
        self.callShort = callShort
        self.hallCall = hallCall
        self.idle = idle
        self.idleNoClerk = idleNoClerk
        self.closed = closed
        self.hallIdle = hallIdle
        self.voice = voice
    }

    public static let placeholders: Set<String> = ["ticket", "window", "window_name", "clerk", "category", "hall"]

    /// Fills `{name}` placeholders; an unknown placeholder is left as written.
    public static func render(_ template: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let key = String(rest[rest.index(after: open)..<close])
            out += values[key] ?? "{\(key)}"
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// Placeholders in `template` that `render` does not know.
    public static func unknownPlaceholders(_ template: String) -> [String] {
        var found: [String] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let key = String(rest[rest.index(after: open)..<close])
            if !placeholders.contains(key) { found.append(key) }
            rest = rest[rest.index(after: close)...]
        }
        return found
    }
}
