/// How a finished service is classified (办件类型). 即办率 is immediate ÷ finished.
public enum Outcome: String, Codable, Sendable, CaseIterable, Hashable {
    case immediate   // 即办件
    case promised    // 承诺件
    case joint       // 联办件
    case reported    // 上报件
    case replied     // 答复件

    public var chineseName: String {
        switch self {
        case .immediate: "即办件"
        case .promised: "承诺件"
        case .joint: "联办件"
        case .reported: "上报件"
        case .replied: "答复件"
        }
    }

    public var index: Int { Outcome.allCases.firstIndex(of: self)! }
}
