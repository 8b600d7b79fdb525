import Foundation
import HallModel

/// The body of a rating from the tablet or the phone: `{"level", "reasons", "comment", "phone"}`.
struct RatingInput: Decodable, Sendable {
    var level: Int
    var reasons: [String]?
    var comment: String?
    var phone: String?

    /// The level and what the citizen added, checked against the hall's indicator list; a 400 names the
    /// field that is wrong, and nothing is stored.
    func checked(_ ratings: RatingRules) throws -> (RatingLevel, RatingDetail) {
        let level = try checkedLevel()
        let reasons = self.reasons ?? []
        if let problem = ratings.indicators.problem(reasons: reasons, level: level) {
            throw APIError.badRequest("invalid_reasons", zh: "评价原因有误：\(problem)",
                                      en: "reasons: each must be an indicator code of the chosen level (list \(ratings.indicators.version))")
        }
        if level.isBad && reasons.isEmpty && ratings.reasonRequiredForBad {
            throw APIError.badRequest("reasons_required", zh: "请至少选择一项“\(level.chineseName)”的原因，以便我们改进",
                                      en: "reasons: a 差评 needs at least one reason")
        }
        let comment = comment?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let comment, comment.count > 200 {
            throw APIError.badRequest("invalid_comment", zh: "文字评价不超过 200 字，现为 \(comment.count) 字，请删减",
                                      en: "comment is at most 200 characters (it has \(comment.count))")
        }
        let phone = phone?.replacingOccurrences(of: " ", with: "")
        if let phone, !phone.isEmpty, !Self.isPhone(phone) {
            throw APIError.badRequest("invalid_phone", zh: "回访电话格式不对：请填 11 位手机号（如 13812345678），或带区号的固定电话（如 010-12345678）；不留电话也可以",
                                      en: "phone must be an 11-digit mobile number or a landline with its area code")
        }
        return (level, RatingDetail(reasons: reasons, comment: comment, phone: phone))
    }

    /// The level alone: nothing else was sent (not even an empty list of reasons).
    var isLevelOnly: Bool { reasons == nil && comment == nil && phone == nil }

    func checkedLevel() throws -> RatingLevel {
        guard let level = RatingLevel(rawValue: level) else {
            throw APIError.badRequest("invalid_level", zh: "评价等级须为 1 至 5（非常不满意至非常满意）", en: "level must be 1 (非常不满意) to 5 (非常满意)")
        }
        return level
    }

    /// A mainland mobile number (1[3-9] + 9 digits) or a landline with its area code (0 + 2–3 digits, 7–8 digits).
    static func isPhone(_ s: String) -> Bool {
        let digits = s.filter { $0 != "-" }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        if digits.count == 11, digits.hasPrefix("1"), let second = digits.dropFirst().first, "3456789".contains(second), !s.contains("-") { return true }
        return digits.hasPrefix("0") && (10...12).contains(digits.count) && s.filter { $0 == "-" }.count <= 1
    }
}

/// The hall's rules for what a rating carries (from `[ratings]`).
public struct RatingRules: Sendable {
    public var indicators: RatingIndicators
    public var reasonRequiredForBad: Bool

    public init(indicators: RatingIndicators, reasonRequiredForBad: Bool = true) {
        self.indicators = indicators
        self.reasonRequiredForBad = reasonRequiredForBad
    }
}
