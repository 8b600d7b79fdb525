/// Finds the line of a key path ("windows[2].categories", "devices[0].bus[1].window") in TOML text by
/// scanning table headers and keys, because TOMLKit reports lines for syntax errors only. A dotted key
/// (`a.b = 1`) is found by its full path or its first part; an element of an inline array of tables by
/// counting its opening braces from the key's line.
public struct SourceLines {
    private struct Section {
        var name: String
        var ordinal: Int?
        var headerLine: Int
        var keys: [String: Int] = [:]
    }
    private var sections: [Section] = []
    private var text: [Substring] = []

    public init(text: String) {
        var current = 0
        sections = [Section(name: "", ordinal: nil, headerLine: 1)]
        var ordinals: [String: Int] = [:]
        self.text = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (i, raw) in self.text.enumerated() {
            let line = raw.trimmingSpaces
            let n = i + 1
            if line.hasPrefix("[[") {
                let name = line.dropFirst(2).prefix { $0 != "]" }.trimmingSpaces
                let ordinal = ordinals[name, default: -1] + 1
                ordinals[name] = ordinal
                sections.append(Section(name: name, ordinal: ordinal, headerLine: n))
                current = sections.count - 1
            } else if line.hasPrefix("[") {
                let name = line.dropFirst().prefix { $0 != "]" }.trimmingSpaces
                sections.append(Section(name: name, ordinal: nil, headerLine: n))
                current = sections.count - 1
            } else if let eq = line.firstIndex(of: "="), !line.hasPrefix("#") {
                let key = line[..<eq].trimmingSpaces.replacingQuotes
                let parts = key.split(separator: ".").map(\.trimmingSpaces)
                for k in [parts.joined(separator: "."), parts.first ?? key] where sections[current].keys[k] == nil {
                    sections[current].keys[k] = n
                }
            }
        }
    }

    /// Line of `path`, or of the nearest enclosing table when the key itself is absent.
    public func line(of path: String) -> Int? {
        // A key under a dotted table header ([kinds.rating.fields] a = …): the longest header that matches.
        let all = path.split(separator: ".").map(String.init)
        if !path.contains("["), all.count > 2 {
            for k in stride(from: all.count - 1, through: 2, by: -1) {
                let name = all[..<k].joined(separator: ".")
                if let s = sections.first(where: { $0.name == name && $0.ordinal == nil }) {
                    return s.keys[all[k...].joined(separator: ".")] ?? s.headerLine
                }
            }
        }
        // Split "windows[2].categories[0]" into section "windows", ordinal 2, key "categories".
        var parts = all
        guard !parts.isEmpty else { return nil }
        var first = parts.removeFirst()
        var ordinal: Int?
        if let b = first.firstIndex(of: "[") {
            ordinal = Int(first[first.index(after: b)...].prefix { $0 != "]" })
            first = String(first[..<b])
        }
        let key = parts.first.map { k in k.firstIndex(of: "[").map { String(k[..<$0]) } ?? k }
        // "bus[1]": the element's index in an inline array.
        let element = parts.first.flatMap { k in k.firstIndex(of: "[").flatMap { Int(k[k.index(after: $0)...].prefix { $0 != "]" }) } }
        if let section = sections.first(where: { $0.name == first && $0.ordinal == ordinal }) {
            let dotted = parts.joined(separator: ".")
            if let l = section.keys[dotted] { return l }
            if let key, let l = section.keys[key] {
                if let element, parts.count > 1 || text[l - 1].contains("{") { return braceLine(from: l, index: element) ?? l }
                return l
            }
            return section.headerLine
        }
        // A top-level key (no table header).
        return sections.first?.keys[first]
    }
}

extension SourceLines {
    /// The line of the `index`-th `{` (from 0) at or after line `start`.
    fileprivate func braceLine(from start: Int, index: Int) -> Int? {
        var seen = -1
        for n in start...text.count {
            for c in text[n - 1] where c == "{" {
                seen += 1
                if seen == index { return n }
            }
        }
        return nil
    }
}

private extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }

    var replacingQuotes: String { String(filter { $0 != "\"" && $0 != "'" }) }
}
