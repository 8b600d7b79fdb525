/// The one answer shape of the hall's and the district's APIs. A success of a shipped batch is `{"acked": N}`;
/// every refusal is `{"error": {"code", "message_zh", "message_en"}}`, and a refused batch adds what the hall
/// needs to go on: `error.expected` (a gap), `error.seq` (where the chain broke) and `acked` at the top.
public struct WireAnswer: Codable, Sendable, Equatable {
    public struct Problem: Codable, Sendable, Equatable {
        public var code: String
        public var messageZh: String
        public var messageEn: String
        public var expected: Int64?
        public var seq: Int64?

        public init(code: String, zh: String, en: String, expected: Int64? = nil, seq: Int64? = nil) {
            self.code = code
            self.messageZh = zh
            self.messageEn = en
            self.expected = expected
            self.seq = seq
        }

        enum CodingKeys: String, CodingKey {
            case code, expected, seq
            case messageZh = "message_zh"
            case messageEn = "message_en"
            // What districts before this shape called the Chinese message.
            case message
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            code = try c.decode(String.self, forKey: .code)
            messageZh = try c.decodeIfPresent(String.self, forKey: .messageZh) ?? c.decodeIfPresent(String.self, forKey: .message) ?? ""
            messageEn = try c.decodeIfPresent(String.self, forKey: .messageEn) ?? ""
            expected = try c.decodeIfPresent(Int64.self, forKey: .expected)
            seq = try c.decodeIfPresent(Int64.self, forKey: .seq)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(code, forKey: .code)
            try c.encode(messageZh, forKey: .messageZh)
            try c.encode(messageEn, forKey: .messageEn)
            try c.encodeIfPresent(expected, forKey: .expected)
            try c.encodeIfPresent(seq, forKey: .seq)
        }
    }

    public var acked: Int64?
    public var error: Problem?

    public init(acked: Int64? = nil, error: Problem? = nil) {
        self.acked = acked
        self.error = error
    }
}
