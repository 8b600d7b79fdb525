/// What the TOML parser (toml++ inside TOMLKit) does not check before it asserts: a table header whose
/// key starts with a character that can begin no key (`[测试]`, `[!x]`, `[[ {a]]`) aborts the process — in
/// release builds too, as SwiftPM does not define NDEBUG for C++. Found by `counterd-fuzz config`. Every
/// TOML text counterd reads (config, profiles, guides, setup edits, the district's config) passes here
/// first; a problem is reported with its line, like any syntax error.
public enum TOMLPrecheck {
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// The first table header that would crash the parser, or nil. A small lexer: it skips strings
    /// (basic, literal, multi-line), comments and the insides of arrays and inline tables, so a `[` inside a
    /// value is never taken for a header.
    public static func problem(in text: String) -> Problem? {
        let b = Array(text.utf8)
        var i = 0, line = 1, depth = 0
        var atLineStart = true
        func at(_ k: Int) -> UInt8? { k < b.count ? b[k] : nil }
        func skipToEOL() { while i < b.count && b[i] != 0x0A { i += 1 } }
        while i < b.count {
            let c = b[i]
            switch c {
            case 0x0A:
                line += 1
                atLineStart = depth == 0
                i += 1
            case 0x20, 0x09, 0x0D:
                i += 1
            case 0x23: // '#'
                skipToEOL()
            case 0x22, 0x27: // '"' or '\''
                atLineStart = false
                let triple = at(i + 1) == c && at(i + 2) == c
                i += triple ? 3 : 1
                while i < b.count {
                    if c == 0x22 && b[i] == 0x5C { i += 2; continue } // backslash escape in a basic string
                    if b[i] == 0x0A {
                        if !triple { break } // an unterminated one-line string: the parser reports it
                        line += 1
                    }
                    if b[i] == c && (!triple || (at(i + 1) == c && at(i + 2) == c)) {
                        i += triple ? 3 : 1
                        // A multi-line string may end with up to two more quotes of its kind.
                        while triple && at(i) == c { i += 1 }
                        break
                    }
                    i += 1
                }
            case 0x5B where depth == 0 && atLineStart: // '[' opening a table header
                var j = i + 1
                if at(j) == 0x5B { j += 1 }
                while at(j) == 0x20 || at(j) == 0x09 { j += 1 }
                if let k = at(j), !(k == 0x5D || k == 0x22 || k == 0x27 || k == 0x5F || k == 0x2D || k == 0x0A || k == 0x0D
                                   || (0x30...0x39).contains(k) || (0x41...0x5A).contains(k) || (0x61...0x7A).contains(k)) {
                    let ch = String(decoding: b[j..<min(b.count, j + (k < 0x80 ? 1 : k >= 0xF0 ? 4 : k >= 0xE0 ? 3 : 2))], as: UTF8.self)
                    return Problem(line: line, message: "a table header's name must be letters, digits, - or _ (or quoted), not \"\(ch)\": write [name] or [\"名称\"]")
                }
                atLineStart = false
                skipToEOL()
            case 0x5B, 0x7B: // '[' or '{' inside a value
                depth += 1
                atLineStart = false
                i += 1
            case 0x5D, 0x7D:
                depth = max(0, depth - 1)
                i += 1
            default:
                atLineStart = false
                i += 1
            }
        }
        return nil
    }
}
