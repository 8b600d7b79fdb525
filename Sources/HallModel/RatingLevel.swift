/// The national five-level 好差评 scale. Raw values are the levels used on the wire and in the database.
public enum RatingLevel: Int, Codable, Sendable, CaseIterable, Comparable, Hashable {
    case veryDissatisfied = 1
    case dissatisfied = 2
    case basicallySatisfied = 3
    case satisfied = 4
    case verySatisfied = 5

    public static func < (lhs: RatingLevel, rhs: RatingLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The label printed on evaluators and in reports.
    public var chineseName: String {
        switch self {
        case .verySatisfied: "非常满意"
        case .satisfied: "满意"
        case .basicallySatisfied: "基本满意"
        case .dissatisfied: "不满意"
        case .veryDissatisfied: "非常不满意"
        }
    }

    public var englishName: String {
        switch self {
        case .verySatisfied: "very satisfied"
        case .satisfied: "satisfied"
        case .basicallySatisfied: "basically satisfied"
        case .dissatisfied: "dissatisfied"
        case .veryDissatisfied: "very dissatisfied"
        }
    }

    /// 差评: a rating that must be followed up.
    public var isBad: Bool { self <= .dissatisfied }

    /// Counted in the satisfaction rate ((非常满意 + 满意) ÷ rated).
    public var isSatisfied: Bool { self >= .satisfied }
}

/// Where a rating was given: the national 评价渠道 differ by platform, so a profile maps these to codes.
public enum RatingChannel: String, Codable, Sendable, CaseIterable {
    /// The window's evaluator keypad (a hall terminal).
    case evaluator
    /// The window's tablet page (政务大厅平板电脑).
    case tablet
    /// The phone page behind the ticket's QR code (二维码).
    case qr
}
