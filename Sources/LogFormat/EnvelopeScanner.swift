/// Reads the envelope of a stored event — its top-level "kind", "day" and "at" — without decoding the
/// rest: one pass over the bytes that skips every other value (strings with their escapes, nested
/// objects and arrays). Nil for anything that is not a JSON object with those three members in plain
/// form; the caller then decodes the whole payload (and refuses it if that fails too).
public enum EnvelopeScanner {
    public struct Envelope: Equatable, Sendable {
        public var kind: String
        public var day: String
        public var atMs: Int64

        public init(kind: String, day: String, atMs: Int64) {
            self.kind = kind
            self.day = day
            self.atMs = atMs
        }
    }

    public static func scan(_ payload: String) -> Envelope? {
        var text = payload
        return text.withUTF8 { scan($0) }
    }

    static func scan(_ b: UnsafeBufferPointer<UInt8>) -> Envelope? {
        var i = 0
        let n = b.count
        func skipSpace() { while i < n, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }
        /// A string starting at b[i] == '"': its range without quotes, and whether it had escapes.
        func string() -> (Range<Int>, Bool)? {
            guard i < n, b[i] == 0x22 else { return nil }
            i += 1
            let start = i
            var escaped = false
            while i < n {
                switch b[i] {
                case 0x5C: escaped = true; i += 2
                case 0x22: i += 1; return (start..<(i - 1), escaped)
                default: i += 1
                }
            }
            return nil
        }
        /// Skips one value of any kind.
        func skipValue() -> Bool {
            skipSpace()
            guard i < n else { return false }
            switch b[i] {
            case 0x22: return string() != nil
            case 0x7B, 0x5B:
                var depth = 0
                while i < n {
                    switch b[i] {
                    case 0x22: if string() == nil { return false }; continue
                    case 0x7B, 0x5B: depth += 1
                    case 0x7D, 0x5D:
                        depth -= 1
                        if depth == 0 { i += 1; return true }
                    default: break
                    }
                    i += 1
                }
                return false
            default:
                while i < n, b[i] != 0x2C, b[i] != 0x7D, b[i] != 0x5D { i += 1 }
                return true
            }
        }
        func text(_ r: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self) }
        skipSpace()
        guard i < n, b[i] == 0x7B else { return nil }
        i += 1
        var kind: String?, day: String?, at: Int64?
        while true {
            skipSpace()
            guard i < n else { return nil }
            if b[i] == 0x7D { break }
            if b[i] == 0x2C { i += 1; continue }
            guard let (key, keyEscaped) = string(), !keyEscaped else { return nil }
            skipSpace()
            guard i < n, b[i] == 0x3A else { return nil }
            i += 1
            skipSpace()
            let name = text(key)
            switch name {
            case "kind", "day":
                guard let (value, escaped) = string(), !escaped else { return nil }
                if name == "kind" { kind = text(value) } else { day = text(value) }
            case "at":
                let start = i
                while i < n, b[i] >= 0x30 && b[i] <= 0x39 || b[i] == 0x2D { i += 1 }
                guard let v = Int64(text(start..<i)) else { return nil }
                at = v
            default:
                guard skipValue() else { return nil }
            }
        }
        guard let kind, let day, let at else { return nil }
        return Envelope(kind: kind, day: day, atMs: at)
    }
}
