/// A 事项 of the hall's catalogue (GB/T 39046 表4): the matters a window accepts under a service category, with
/// their promised and legal time limits.
public struct MatterItem: Sendable, Equatable, Hashable, Codable {
    /// 事项编码.
    public var code: String
    /// 实施编码, where the province's catalogue gives one.
    public var implementationCode: String?
    public var name: String
    /// The service category (`[[categories]] code`) whose windows accept it.
    public var category: String
    /// The class its matters take by default (即办件 … 答复件).
    public var outcome: Outcome
    /// 承诺办结时限 (0 for a 即办件).
    public var limit: MatterLimit
    /// 法定办结时限.
    public var legalLimit: MatterLimit?

    public init(code: String, implementationCode: String? = nil, name: String, category: String, outcome: Outcome, limit: MatterLimit,
                legalLimit: MatterLimit? = nil) {
        self.code = code
        self.implementationCode = implementationCode
        self.name = name
        self.category = category
        self.outcome = outcome
        self.limit = outcome == .immediate ? MatterLimit(0, limit.unit) : limit
        self.legalLimit = legalLimit
    }
}
