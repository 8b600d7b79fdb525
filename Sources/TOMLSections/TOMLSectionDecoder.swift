import Foundation
import TOMLKit

/// Decodes TOML (as TOMLKit parses it) into `Decodable` section structs and, instead of stopping at the
/// first problem, records every one with its key path: a value of the wrong type ("must be an integer,
/// found string"), a missing required key, and — once decoding is done — every key no section asked for
/// ("unknown key (allowed: …)"). TOMLKit's own decoder reports a wrong type as a missing key without the
/// path's value type, so the config's messages come from here.
///
/// Section structs declare TOML's own types (`String`, `Int`, `Double`, `Bool`, arrays, nested sections)
/// as optionals; the validation pass that follows turns them into the config's values. `TOMLRaw` keeps a
/// value as it is, for keys whose check needs its own message.
public struct TOMLSectionDecoder {
    public init() {}

    /// Decodes `T` from `table`; the issues are in `report`, each path under `path`.
    public func decode<T: Decodable>(_ type: T.Type, from table: TOMLTable, path: String = "", report: TOMLReport) -> T? {
        let decoder = SectionDecoder(value: table, path: path, report: report)
        do {
            return try T(from: decoder)
        } catch is ReportedProblem {
            return nil
        } catch {
            report.fail(path, "\(error)")
            return nil
        }
    }
}

/// What a decoding found wrong, and which keys of which tables were asked for.
public final class TOMLReport {
    public private(set) var issues: [(path: String, message: String)] = []
    private var tables: [(path: String, table: TOMLTable)] = []
    private var asked: [String: Set<String>] = [:]

    public init() {}

    public func fail(_ path: String, _ message: String) { issues.append((path, message)) }

    func visit(_ table: TOMLTable, path: String) {
        if asked[path] == nil {
            tables.append((path, table))
            asked[path] = []
        }
    }

    func ask(_ key: String, in path: String) { asked[path, default: []].insert(key) }

    /// Adds an issue for every key of a visited table that no section asked for.
    public func reportUnknownKeys() {
        for (path, table) in tables {
            let allowed = asked[path] ?? []
            for key in table.keys.sorted() where !allowed.contains(key) {
                fail(path.isEmpty ? key : "\(path).\(key)", "unknown key (allowed: \(allowed.sorted().joined(separator: ", ")))")
            }
        }
    }
}

/// A TOML value kept as it is, for a check with a message of its own.
public struct TOMLRaw: Decodable, @unchecked Sendable {
    public let value: any TOMLValueConvertible
    /// Where it is: "devices[2].bus".
    public let path: String

    public init(from decoder: any Decoder) throws {
        guard let d = decoder as? SectionDecoder, let value = d.value else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "TOMLRaw needs TOMLSectionDecoder"))
        }
        self.value = value
        self.path = d.path
    }
}

/// Thrown after a problem was recorded, to end the decoding of the value it is about.
struct ReportedProblem: Error {}

/// What a Swift type means in a message: "a string", "an integer" …
private func expected(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: "a string"
    case is Int.Type: "an integer"
    case is Double.Type: "a number"
    case is Bool.Type: "true or false"
    case is [String].Type: "an array of strings"
    default: "a table"
    }
}

struct SectionDecoder: Decoder {
    let value: (any TOMLValueConvertible)?
    let path: String
    let report: TOMLReport
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard let table = value?.table else {
            report.fail(path, "must be a table, found \(value.map { "\($0.type)" } ?? "nothing")")
            throw ReportedProblem()
        }
        report.visit(table, path: path)
        return KeyedDecodingContainer(Keyed<Key>(table: table, decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let array = value?.array else {
            report.fail(path, "must be an array, found \(value.map { "\($0.type)" } ?? "nothing")")
            throw ReportedProblem()
        }
        return Unkeyed(array: array, decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(decoder: self) }

    /// `value` as `T`, or a recorded problem.
    func scalar<T>(_ type: T.Type) throws -> T {
        guard let v = value else {
            report.fail(path, "missing (\(expected(type)))")
            throw ReportedProblem()
        }
        let found: Any? = switch type {
        case is String.Type: v.string
        case is Int.Type: v.int
        case is Double.Type: v.double ?? v.int.map(Double.init)
        case is Bool.Type: v.bool
        default: nil
        }
        guard let result = found as? T else {
            report.fail(path, "must be \(expected(type)), found \(v.type)")
            throw ReportedProblem()
        }
        return result
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is String.Type, is Int.Type, is Double.Type, is Bool.Type: return try scalar(type)
        case is [String].Type:
            // Its own message: an array of strings, element by element.
            guard let array = value?.array else {
                report.fail(path, "must be an array of strings, found \(value.map { "\($0.type)" } ?? "nothing")")
                throw ReportedProblem()
            }
            var out: [String] = [], bad = false
            for (i, item) in array.enumerated() {
                if let s = item.string { out.append(s) } else {
                    report.fail("\(path)[\(i)]", "must be a string, found \(item.type)")
                    bad = true
                }
            }
            if bad { throw ReportedProblem() }
            return out as! T
        case let integer as any FixedWidthInteger.Type:
            let i = try scalar(Int.self)
            guard let v = integer.init(exactly: i) as? T else {
                report.fail(path, "must be an integer that fits, found \(i)")
                throw ReportedProblem()
            }
            return v
        default:
            return try T(from: self)
        }
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let table: TOMLTable
        let decoder: SectionDecoder
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] {
            table.keys.compactMap { Key(stringValue: $0) }.map { k in
                decoder.report.ask(k.stringValue, in: decoder.path)
                return k
            }
        }

        /// The table's key for `key`: itself when the table has it (dictionary keys), else its snake_case
        /// form (a property `ratingTimeoutSeconds` reads `rating_timeout_seconds`).
        func tomlKey(_ key: Key) -> String {
            let k = key.stringValue
            if table[k] != nil { return k }
            var out = ""
            for c in k {
                if c.isUppercase {
                    out += "_" + c.lowercased()
                } else {
                    out.append(c)
                }
            }
            return out
        }

        func contains(_ key: Key) -> Bool {
            let k = tomlKey(key)
            decoder.report.ask(k, in: decoder.path)
            return table[k] != nil
        }

        func decodeNil(forKey key: Key) throws -> Bool { !contains(key) }

        func nested(_ key: Key) -> SectionDecoder {
            let k = tomlKey(key)
            decoder.report.ask(k, in: decoder.path)
            return SectionDecoder(value: table[k], path: decoder.child(k), report: decoder.report)
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try nested(key).decode(type)
        }

        /// Absent: nil. Present but wrong: recorded, and nil, so the other keys are still checked.
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try lenient(type, key) }

        func lenient<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T? {
            guard contains(key) else { return nil }
            do {
                return try nested(key).decode(type)
            } catch is ReportedProblem {
                return nil
            }
        }

        // The standard library's own defaults for these would let a recorded problem end the whole section.
        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try lenient(type, key) }
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try lenient(type, key) }
        func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try lenient(type, key) }
        func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try lenient(type, key) }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try lenient(type, key) }
        func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try lenient(type, key) }
        func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try lenient(type, key) }
        func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try lenient(type, key) }
        func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try lenient(type, key) }
        func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try lenient(type, key) }
        func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try lenient(type, key) }
        func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try lenient(type, key) }
        func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try lenient(type, key) }
        func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try lenient(type, key) }


        func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: Key) throws -> KeyedDecodingContainer<N> {
            try nested(key).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try nested(key).unkeyedContainer() }
        func superDecoder() throws -> any Decoder { decoder }
        func superDecoder(forKey key: Key) throws -> any Decoder { nested(key) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let array: TOMLArray
        let decoder: SectionDecoder
        var codingPath: [any CodingKey] { [] }
        var currentIndex = 0
        var count: Int? { array.count }
        var isAtEnd: Bool { currentIndex >= array.count }

        mutating func next() -> SectionDecoder {
            defer { currentIndex += 1 }
            return SectionDecoder(value: array[currentIndex], path: "\(decoder.path)[\(currentIndex)]", report: decoder.report)
        }

        mutating func decodeNil() throws -> Bool { false }

        /// An element that is wrong is recorded and thrown; an array of sections decodes it as an
        /// optional (see `ConfigList`) to go on with the others.
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decode(type) }

        mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type) throws -> KeyedDecodingContainer<N> {
            try next().container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { next() }
    }

    struct Single: SingleValueDecodingContainer {
        let decoder: SectionDecoder
        var codingPath: [any CodingKey] { [] }
        func decodeNil() -> Bool { decoder.value == nil }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decode(type) }
    }
}

/// An array of tables (`[[windows]]`) whose every element is checked: a bad element is recorded and
/// left out, the others decode.
public struct ConfigList<Element: Decodable>: Decodable {
    public var items: [(index: Int, value: Element)]

    public init(from decoder: any Decoder) throws {
        guard let d = decoder as? SectionDecoder, let array = d.value?.array else {
            if let d = decoder as? SectionDecoder {
                let key = d.path.split(separator: ".").last.map(String.init) ?? d.path
                d.report.fail(d.path, "must be an array of tables ([[\(key)]]), found \(d.value.map { "\($0.type)" } ?? "nothing")")
            }
            throw ReportedProblem()
        }
        items = []
        for i in 0..<array.count {
            let element = SectionDecoder(value: array[i], path: "\(d.path)[\(i)]", report: d.report)
            if array[i].table == nil {
                d.report.fail(element.path, "must be a table, found \(array[i].type)")
                continue
            }
            if let value = try? Element(from: element) { items.append((i, value)) }
        }
    }
}
