/// The callback phone a citizen leaves with a 差评: shown masked (138****5678) to everyone until a manager or
/// supervisor asks to see it, which is recorded.
public enum CallbackPhone {
    /// The first three and the last four digits kept, every other digit a "*"; separators stay where they are.
    /// Short numbers keep only their last two digits.
    public static func masked(_ phone: String) -> String {
        let digits = phone.filter(\.isNumber).count
        let keepHead = digits >= 9 ? 3 : 0
        let keepTail = digits >= 9 ? 4 : min(2, digits)
        var seen = 0
        return String(phone.map { c -> Character in
            guard c.isNumber else { return c }
            defer { seen += 1 }
            return seen < keepHead || seen >= digits - keepTail ? c : "*"
        })
    }
}
