/// How an announcement is spoken: the voice template turned into the names of the clips to join.
/// The ticket is read character by character (A 零 一 二), the window as a number (十二), the rest of
/// the template by the longest clip names that match it.
public enum VoiceScript {
    static let digitNames = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"]

    /// Every clip a pack should have for `templates`, with the text espeak-ng speaks for it.
    public static func clips(for template: String) -> [(name: String, text: String)] {
        var out: [(String, String)] = (0...9).map { (String($0), digitNames[$0]) }
        out += [("十", "十"), ("百", "百")]
        out += (UInt8(ascii: "A")...UInt8(ascii: "Z")).map { (String(UnicodeScalar($0)), String(UnicodeScalar($0))) }
        for word in words(in: template) where !out.contains(where: { $0.0 == word }) { out.append((word, word)) }
        // Common words a hall may put in its own template.
        for word in ["请", "号", "到", "号窗口", "窗口", "办理", "请到", "重呼"] where !out.contains(where: { $0.0 == word }) {
            out.append((word, word))
        }
        return out
    }

    /// The literal runs of `template` between placeholders: each becomes one clip of the default pack.
    static func words(in template: String) -> [String] {
        var out: [String] = []
        var rest = Substring(template)
        while !rest.isEmpty {
            if let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                let word = rest[..<open].trimmingCharacters(in: .whitespaces)
                if !word.isEmpty { out.append(word) }
                rest = rest[rest.index(after: close)...]
            } else {
                let word = rest.trimmingCharacters(in: .whitespaces)
                if !word.isEmpty { out.append(word) }
                break
            }
        }
        return out
    }

    /// 3 → 三, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五; 100 and above digit by digit.
    public static func number(_ n: Int) -> [String] {
        switch n {
        case 0..<10: return [String(n)]
        case 10..<20: return ["十"] + (n % 10 == 0 ? [] : [String(n % 10)])
        case 20..<100: return [String(n / 10), "十"] + (n % 10 == 0 ? [] : [String(n % 10)])
        default: return String(n).map { String($0) }
        }
    }

    /// The clip names for one call. `available` is the pack's clips; literal text without a clip is
    /// returned in `missing` so the caller can log it.
    public static func utterance(template: String, ticket: String, window: Int, available: Set<String>) -> (clips: [String], missing: [String]) {
        var clips: [String] = []
        var missing: [String] = []
        func literal(_ text: Substring) {
            var rest = text
            while let first = rest.first {
                if first.isWhitespace { rest = rest.dropFirst(); continue }
                // Longest clip name that starts here.
                var match: String?
                var end = rest.endIndex
                while end > rest.startIndex {
                    let candidate = String(rest[..<end])
                    if available.contains(candidate) { match = candidate; break }
                    end = rest.index(before: end)
                }
                if let match {
                    clips.append(match)
                    rest = rest.dropFirst(match.count)
                } else {
                    missing.append(String(first))
                    rest = rest.dropFirst()
                }
            }
        }
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            literal(rest[..<open])
            switch rest[rest.index(after: open)..<close] {
            case "ticket": clips += ticket.uppercased().map { String($0) }.filter { available.contains($0) }
            case "window": clips += number(window)
            default: break
            }
            rest = rest[rest.index(after: close)...]
        }
        literal(rest)
        return (clips, missing)
    }
}
