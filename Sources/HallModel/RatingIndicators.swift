/// The 好差评 evaluation indicators (评价指标) a citizen may give as reasons with a level, from a versioned
/// data file (`Sources/HallConfig/Data/indicators.toml`, or a province's list named in the config).
public struct RatingIndicators: Sendable, Equatable, Codable {
    public struct Indicator: Sendable, Equatable, Codable {
        public var code: String
        public var level: RatingLevel
        public var text: String

        public init(code: String, level: RatingLevel, text: String) {
            self.code = code
            self.level = level
            self.text = text
        }
    }

    public var version: String
    public var indicators: [Indicator]

    public init(version: String, indicators: [Indicator]) {
        self.version = version
        self.indicators = indicators
    }

    public static let empty = RatingIndicators(version: "none", indicators: [])

    public func forLevel(_ level: RatingLevel) -> [Indicator] { indicators.filter { $0.level == level } }

    public func indicator(_ code: String) -> Indicator? { indicators.first { $0.code == code } }

    /// The first problem with `reasons` for `level`, in words a person can act on; nil when they are fine.
    public func problem(reasons: [String], level: RatingLevel) -> String? {
        for code in reasons {
            guard let i = indicator(code) else { return "评价指标 \(code) 不在指标表（\(version)）中" }
            if i.level != level { return "评价指标 \(code)（\(i.text)）属于“\(i.level.chineseName)”，不是“\(level.chineseName)”的原因" }
        }
        if Set(reasons).count != reasons.count { return "评价指标重复" }
        return nil
    }
}
