/// 特别程序: the matter's clock stands still from `startDay` to `endDay` (both counted) — 延长审批, 专家评审, 公示, 听证,
/// 检验检测 … An open stop (`endDay` nil) runs to the day it is looked at.
public struct ClockStop: Sendable, Equatable, Hashable, Codable {
    /// 特别程序种类代码 (GB/T 39046 A.7).
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// 1 延长审批.
        case extension_ = "extension"
        /// 2 其他 (专家评审, 公示, 听证, 检验检测 …; the reason names which).
        case other

        public var gbtCode: Int { self == .extension_ ? 1 : 2 }
        public var chineseName: String { self == .extension_ ? "延长审批" : "其他特别程序" }
    }

    public var kind: Kind
    public var reason: String
    public var startDay: String
    public var endDay: String?

    public init(kind: Kind, reason: String, startDay: String, endDay: String? = nil) {
        self.kind = kind
        self.reason = reason
        self.startDay = startDay
        self.endDay = endDay
    }
}
