import Codecs
import Foundation
import TOMLKit

/// counterd-district.toml: where it listens, its PostgreSQL, the halls that may ship to it and the
/// managers' tokens. Tokens are stored only as SHA-256 (`counterctl token hash TOKEN` makes the line).
public struct DistrictConfig: Sendable, Equatable {
    public struct Hall: Sendable, Equatable {
        public var id: String
        public var name: String
        /// district (区), street (街道), community (社区).
        public var level: String
        public var parent: String?
        public var tokenSHA256: String

        public init(id: String, name: String, level: String, parent: String? = nil, tokenSHA256: String) {
            self.id = id
            self.name = name
            self.level = level
            self.parent = parent
            self.tokenSHA256 = tokenSHA256
        }
    }

    public init() {}

    public var host = "127.0.0.1"
    public var port = 8090
    /// A Unix socket directory (PostgreSQL's `-k`), or nil for TCP at `databaseHost:databasePort`.
    public var databaseSocketDirectory: String?
    public var databaseHost = "127.0.0.1"
    public var databasePort = 5432
    public var databaseUser = "counterd"
    public var databasePasswordFile: String?
    public var databaseName = "counterd_district"
    public var halls: [Hall] = []
    /// SHA-256 of the managers' tokens (read-only API).
    public var managerTokens: [String] = []
    /// A hall not heard from for this long is offline; during its opening hours, silent (an alert).
    public var silentAfterMinutes: Double = 10

    public static let defaultPath = "/etc/counterd/district.toml"

    /// Every problem at once, each with its key.
    public struct Invalid: Error, CustomStringConvertible {
        public var problems: [String]
        public var description: String { problems.joined(separator: "\n") }
    }

    public static func parse(_ text: String) throws(Invalid) -> DistrictConfig {
        let root: TOMLTable
        if let problem = TOMLPrecheck.problem(in: text) { throw Invalid(problems: ["TOML syntax: \(problem)"]) }
        do { root = try TOMLTable(string: text) } catch { throw Invalid(problems: ["TOML syntax: \(error)"]) }
        var c = DistrictConfig()
        var problems: [String] = []
        let known: Set<String> = ["server", "database", "halls", "tokens", "alerts"]
        for key in root.keys where !known.contains(key) { problems.append("\(key): unknown section (server, database, halls, tokens, alerts)") }
        if let s = root["server"]?.table {
            if let h = s["host"]?.string { c.host = h }
            if let p = s["port"] { if let v = p.int, (1...65535).contains(v) { c.port = v } else { problems.append("server.port: must be 1–65535") } }
        }
        if let d = root["database"]?.table {
            c.databaseSocketDirectory = d["socket_dir"]?.string
            if let h = d["host"]?.string { c.databaseHost = h }
            if let p = d["port"]?.int { c.databasePort = p }
            if let u = d["user"]?.string { c.databaseUser = u }
            if let n = d["name"]?.string { c.databaseName = n }
            c.databasePasswordFile = d["password_file"]?.string
        }
        if let a = root["alerts"]?.table, let m = a["silent_after_minutes"] {
            if let v = m.double ?? m.int.map(Double.init), v >= 0.05, v <= 1440 { c.silentAfterMinutes = v } else {
                problems.append("alerts.silent_after_minutes: 0.05–1440 minutes")
            }
        }
        var ids = Set<String>()
        for (i, value) in (root["halls"]?.array ?? []).enumerated() {
            let p = "halls[\(i)]"
            guard let t = value.table else { problems.append("\(p): must be a table ([[halls]])"); continue }
            guard let id = t["id"]?.string, !id.isEmpty, id.count <= 40,
                  id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                problems.append("\(p).id: 1–40 ASCII letters, digits, - or _ (the hall's [district] hall_id)")
                continue
            }
            if !ids.insert(id).inserted { problems.append("\(p).id: duplicate hall \"\(id)\"") }
            let level = t["level"]?.string ?? "community"
            if !["district", "street", "community"].contains(level) { problems.append("\(p).level: district, street or community") }
            guard let sha = t["token_sha256"]?.string, sha.count == 64, sha.allSatisfy(\.isHexDigit) else {
                problems.append("\(p).token_sha256: the SHA-256 of the hall's token, 64 hex digits (counterctl token hash TOKEN)")
                continue
            }
            c.halls.append(Hall(id: id, name: t["name"]?.string ?? id, level: level, parent: t["parent"]?.string, tokenSHA256: sha.lowercased()))
        }
        for (i, value) in (root["tokens"]?.array ?? []).enumerated() {
            guard let sha = value.table?["sha256"]?.string, sha.count == 64, value.table?["role"]?.string == "manager" else {
                problems.append("tokens[\(i)]: role = \"manager\" and sha256 = 64 hex digits")
                continue
            }
            c.managerTokens.append(sha.lowercased())
        }
        if !problems.isEmpty { throw Invalid(problems: problems) }
        return c
    }

    public static func load(path: String) throws(Invalid) -> DistrictConfig {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw Invalid(problems: ["cannot read \(path)"]) }
        return try parse(text)
    }
}
