/// 承诺办结时限 or 法定办结时限 with its unit (GB/T 39046 表4): working days (工作日) over the hall's calendar, or
/// calendar days (自然日).
public struct MatterLimit: Sendable, Equatable, Hashable, Codable {
    public enum Unit: String, Sendable, Codable, CaseIterable {
        case workingDays = "working_days"
        case naturalDays = "natural_days"

        public var chineseName: String {
            switch self {
            case .workingDays: "工作日"
            case .naturalDays: "自然日"
            }
        }
    }

    public var amount: Int
    public var unit: Unit

    public init(_ amount: Int, _ unit: Unit = .workingDays) {
        self.amount = amount
        self.unit = unit
    }

    /// "3个工作日".
    public var chineseText: String { "\(amount)个\(unit.chineseName)" }
}

extension Outcome {
    /// 办件类型代码 (GB/T 39046 A.6): 1 即办件, 2 承诺件, 9 其他 (联办、上报、答复: the hall's class is named beside it).
    public var gbtTypeCode: Int {
        switch self {
        case .immediate: 1
        case .promised: 2
        case .joint, .reported, .replied: 9
        }
    }
}
