import Foundation

/// How one 好差评 platform wants its records: field names, code tables, date format and what counts as
/// accepted. Read from a data file (`platforms/*.toml`), so a province's interface needs no code.
public struct PlatformProfile: Sendable, Equatable {
    /// Where a record field's value comes from: a data item counterd fills (`PlatformItems`), or a constant.
    public enum Source: Sendable, Equatable {
        case item(String)
        case constant(PlatformValue)
    }

    /// The shape of one kind of record: the path under the platform URL and the fields in order.
    public struct Shape: Sendable, Equatable {
        public var path: String
        public var fields: [(name: String, source: Source)]

        public init(path: String = "", fields: [(name: String, source: Source)]) {
            self.path = path
            self.fields = fields
        }

        public static func == (a: Shape, b: Shape) -> Bool {
            a.path == b.path && a.fields.map(\.name) == b.fields.map(\.name) && a.fields.map(\.source) == b.fields.map(\.source)
        }
    }

    /// When an answer means the platform took the record.
    public struct Acceptance: Sendable, Equatable {
        /// HTTP statuses that can mean accepted.
        public var statuses: [Int]
        /// A field of the JSON answer that must hold one of `values` (nil: the status is enough).
        public var jsonField: String?
        public var values: [String]

        public init(statuses: [Int] = [200], jsonField: String? = nil, values: [String] = []) {
            self.statuses = statuses
            self.jsonField = jsonField
            self.values = values
        }
    }

    public var name: String
    public var version: String
    /// Code per level (the direction differs: GB/T 39046 1 = 非常满意, provincial pushes 5 = 非常满意).
    public var levels: [RatingLevel: PlatformValue]
    /// 评价渠道 (`pf`) per channel.
    public var channels: [RatingChannel: PlatformValue]
    /// 办件类型 code per outcome.
    public var outcomes: [Outcome: PlatformValue]
    /// The citizen's verdict on a 差评's fix.
    public var verdicts: [CaseVerdict: PlatformValue]
    /// A DateFormatter pattern, in the hall's time zone.
    public var dateFormat: String
    /// Between 评价指标 codes.
    public var reasonSeparator: String
    /// Between the 评价指标 texts (`reason_text_separator`, default "；").
    public var reasonTextSeparator: String
    public var acceptance: Acceptance
    /// Record kind (`rating`, `reasons`, `case_contacted` …) → shape; a kind without one is not sent.
    public var shapes: [String: Shape]

    public init(name: String, version: String, levels: [RatingLevel: PlatformValue], channels: [RatingChannel: PlatformValue],
                outcomes: [Outcome: PlatformValue], verdicts: [CaseVerdict: PlatformValue], dateFormat: String, reasonSeparator: String,
                reasonTextSeparator: String = "；", acceptance: Acceptance, shapes: [String: Shape]) {
        self.reasonTextSeparator = reasonTextSeparator
        self.name = name
        self.version = version
        self.levels = levels
        self.channels = channels
        self.outcomes = outcomes
        self.verdicts = verdicts
        self.dateFormat = dateFormat
        self.reasonSeparator = reasonSeparator
        self.acceptance = acceptance
        self.shapes = shapes
    }

    /// The data items a shape may name (README: "好差评 platform push" lists them with their meaning).
    public static let items: Set<String> = [
        "record_id", "hall_name", "area_code", "area_name", "dept_code", "dept_name", "task_code", "task_name", "category_code",
        "category_name", "project_no", "pro_status", "user_prop", "outcome_code", "outcome_name", "channel", "channel_code",
        "level", "level_code", "level_name", "reasons", "reason_texts", "comment", "phone", "rated_at", "assess_number",
        "window", "window_name", "clerk_id", "clerk_name", "staff_no", "ticket_id", "ticket_number", "served_day",
        "event_seq", "event_hash", "day_anchor_day", "day_anchor_hash",
        "case_step", "acted_at", "manager", "contact_method", "contact_note", "rectify_note", "due_day",
        "verdict_code", "verdict_name",
    ]

    /// The JSON object of one record: each field of the kind's shape from the items (an item without a
    /// value is null). Nil when the profile has no shape for the kind.
    public func render(kind: String, items: [String: PlatformValue]) -> (path: String, body: [(String, PlatformValue)])? {
        guard let shape = shapes[kind] else { return nil }
        let body = shape.fields.map { f -> (String, PlatformValue) in
            switch f.source {
            case .constant(let v): (f.name, v)
            case .item(let name): (f.name, items[name] ?? .null)
            }
        }
        return (shape.path, body)
    }

    /// Whether an answer accepts the record.
    public func accepts(status: Int, body: [UInt8]) -> Bool {
        guard acceptance.statuses.contains(status) else { return false }
        guard let field = acceptance.jsonField else { return true }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any], let v = object[field] else { return false }
        let text: String = switch v {
        case let n as NSNumber: n.stringValue
        case let s as String: s
        default: "\(v)"
        }
        return acceptance.values.contains(text)
    }
}

/// JSON text of a rendered record, its fields in the profile's order.
public enum PlatformJSON {
    public static func object(_ fields: [(String, PlatformValue)]) -> [UInt8] {
        let encoder = WireCoding.platformValueEncoder()
        var out: [UInt8] = Array("{".utf8)
        for (i, (k, v)) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out += (try? encoder.encode(k)).map { Array($0) } ?? Array("\"\"".utf8)
            out.append(UInt8(ascii: ":"))
            out += (try? encoder.encode(v)).map { Array($0) } ?? Array("null".utf8)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
