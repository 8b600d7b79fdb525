/// Finds the line of a key path ("windows[2].categories") in TOML text by scanning table headers and
/// keys, because TOMLKit reports lines for syntax errors only.
struct SourceLines {
    private struct Section {
        var name: String
        var ordinal: Int?
        var headerLine: Int
        var keys: [String: Int] = [:]
    }
    private var sections: [Section] = []

    init(text: String) {
        var current = 0
        sections = [Section(name: "", ordinal: nil, headerLine: 1)]
        var ordinals: [String: Int] = [:]
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
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
                if sections[current].keys[key] == nil { sections[current].keys[key] = n }
            }
        }
    }

    /// Line of `path`, or of the nearest enclosing table when the key itself is absent.
    func line(of path: String) -> Int? {
        // Split "windows[2].categories[0]" into section "windows", ordinal 2, key "categories".
        var parts = path.split(separator: ".").map(String.init)
        guard !parts.isEmpty else { return nil }
        var first = parts.removeFirst()
        var ordinal: Int?
        if let b = first.firstIndex(of: "[") {
            ordinal = Int(first[first.index(after: b)...].prefix { $0 != "]" })
            first = String(first[..<b])
        }
        let key = parts.first.map { k in k.firstIndex(of: "[").map { String(k[..<$0]) } ?? k }
        if let section = sections.first(where: { $0.name == first && $0.ordinal == ordinal }) {
            if let key, let l = section.keys[key] { return l }
            return section.headerLine
        }
        // A top-level key (no table header).
        return sections.first?.keys[first]
    }
}

private extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }

    var replacingQuotes: String { String(filter { $0 != "\"" && $0 != "'" }) }
}
