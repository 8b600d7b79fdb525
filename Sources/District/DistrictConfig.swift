import Foundation
import TOMLSections

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

    /// Reads the file through the hall's TOML path (`TOMLDocument`): a wrong type, an unknown section or key and
    /// every value out of range are reported together, each with its key path and line.
    public static func parse(_ text: String) throws(Invalid) -> DistrictConfig {
        switch TOMLDocument.read(DistrictFile.self, text, validate: { file, report in file.config(report) }) {
        case .success(let config): return config
        case .failure(let issues): throw Invalid(problems: issues.issues.map(\.description))
        }
    }

    public static func load(path: String) throws(Invalid) -> DistrictConfig {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw Invalid(problems: ["cannot read \(path)"]) }
        return try parse(text)
    }
}

/// counterd-district.toml as TOML types (keys are the properties in snake_case); `config` checks the values.
struct DistrictFile: Decodable {
    struct Server: Decodable {
        var host: String?
        var port: Int?
    }
    struct Database: Decodable {
        var socketDir: String?
        var host: String?
        var port: Int?
        var user: String?
        var name: String?
        var passwordFile: String?
    }
    struct Alerts: Decodable {
        var silentAfterMinutes: Double?
    }
    struct HallEntry: Decodable {
        var id: String
        var name: String?
        var level: String?
        var parent: String?
        var tokenSha256: String
    }
    struct Token: Decodable {
        var role: String
        var sha256: String
    }

    var server: Server?
    var database: Database?
    var alerts: Alerts?
    var halls: ConfigList<HallEntry>?
    var tokens: ConfigList<Token>?

    func config(_ report: TOMLReport) -> DistrictConfig? {
        var c = DistrictConfig()
        if let host = server?.host { c.host = host }
        if let port = server?.port {
            if (1...65535).contains(port) { c.port = port } else { report.fail("server.port", "must be 1–65535") }
        }
        if let d = database {
            c.databaseSocketDirectory = d.socketDir
            if let h = d.host { c.databaseHost = h }
            if let p = d.port {
                if (1...65535).contains(p) { c.databasePort = p } else { report.fail("database.port", "must be 1–65535") }
            }
            if let u = d.user { c.databaseUser = u }
            if let n = d.name { c.databaseName = n }
            c.databasePasswordFile = d.passwordFile
        }
        if let m = alerts?.silentAfterMinutes {
            if m >= 0.05, m <= 1440 { c.silentAfterMinutes = m } else { report.fail("alerts.silent_after_minutes", "0.05–1440 minutes") }
        }
        var ids = Set<String>()
        for (i, h) in halls?.items ?? [] {
            let p = "halls[\(i)]"
            guard !h.id.isEmpty, h.id.count <= 40, h.id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                report.fail("\(p).id", "1–40 ASCII letters, digits, - or _ (the hall's [district] hall_id)")
                continue
            }
            if !ids.insert(h.id).inserted { report.fail("\(p).id", "duplicate hall \"\(h.id)\"") }
            let level = h.level ?? "community"
            if !["district", "street", "community"].contains(level) { report.fail("\(p).level", "district, street or community") }
            guard h.tokenSha256.count == 64, h.tokenSha256.allSatisfy(\.isHexDigit) else {
                report.fail("\(p).token_sha256", "the SHA-256 of the hall's token, 64 hex digits (counterctl token hash TOKEN)")
                continue
            }
            c.halls.append(DistrictConfig.Hall(id: h.id, name: h.name ?? h.id, level: level, parent: h.parent, tokenSHA256: h.tokenSha256.lowercased()))
        }
        for (i, t) in tokens?.items ?? [] {
            guard t.role == "manager", t.sha256.count == 64, t.sha256.allSatisfy(\.isHexDigit) else {
                report.fail("tokens[\(i)]", "role = \"manager\" and sha256 = 64 hex digits")
                continue
            }
            c.managerTokens.append(t.sha256.lowercased())
        }
        return report.issues.isEmpty ? c : nil
    }
}
