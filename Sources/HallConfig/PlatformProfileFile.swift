import Foundation
import HallModel
import TOMLKit
import TOMLSections

/// Reads a 好差评 platform profile (`platforms/NAME.toml`): codes, date format, acceptance and one field
/// map per record kind, every entry checked with its key path and line.
public enum PlatformProfileFile {
    /// The record kinds a profile may shape.
    public static let kinds = ["rating", "reasons", "case_contacted", "case_rectified", "case_closed"]

    struct File: Decodable {
        var name: String?
        var version: String?
        var description: String?
        var dateFormat: String?
        var reasonSeparator: String?
        var reasonTextSeparator: String?
        var levels: TOMLRaw?
        var channels: TOMLRaw?
        var outcomes: TOMLRaw?
        var verdicts: TOMLRaw?
        var accept: TOMLRaw?
        var kinds: TOMLRaw?
    }

    static func value(_ v: any TOMLValueConvertible) -> PlatformValue? {
        if let s = v.string { return .string(s) }
        if let i = v.int { return .int(i) }
        if let b = v.bool { return .bool(b) }
        return nil
    }

    public static func parse(_ text: String) -> Result<PlatformProfile, ConfigIssues> {
        TOMLDocument.read(File.self, text) { f, report in
            func table(_ raw: TOMLRaw?, _ path: String) -> TOMLTable? {
                guard let raw else { report.fail(path, "missing table [\(path)]"); return nil }
                guard let t = raw.value.table else { report.fail(path, "must be a table"); return nil }
                return t
            }
            /// A code table keyed by the raw values of `T`: every case needs a code.
            func codes<T: RawRepresentable & CaseIterable & Hashable>(_ raw: TOMLRaw?, _ path: String, _: T.Type,
                                                                      required: Bool = true) -> [T: PlatformValue] where T.RawValue == String {
                guard raw != nil || required else { return [:] }
                guard let t = table(raw, path) else { return [:] }
                var out: [T: PlatformValue] = [:]
                for key in t.keys {
                    guard let c = T(rawValue: key) else {
                        report.fail("\(path).\(key)", "unknown key: one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
                        continue
                    }
                    guard let v = t[key].flatMap(value) else { report.fail("\(path).\(key)", "must be a string or an integer code"); continue }
                    out[c] = v
                }
                for c in T.allCases where out[c] == nil { report.fail("\(path).\(c.rawValue)", "missing: every case needs a code") }
                return out
            }
            guard let name = f.name, !name.isEmpty else { report.fail("name", "missing (a string)"); return nil }
            guard let version = f.version, !version.isEmpty else { report.fail("version", "missing (a string)"); return nil }
            let levelNames: [String: RatingLevel] = ["very_satisfied": .verySatisfied, "satisfied": .satisfied,
                                                     "basically_satisfied": .basicallySatisfied, "dissatisfied": .dissatisfied,
                                                     "very_dissatisfied": .veryDissatisfied]
            var levels: [RatingLevel: PlatformValue] = [:]
            if let t = table(f.levels, "levels") {
                for key in t.keys {
                    guard let l = levelNames[key] else {
                        report.fail("levels.\(key)", "unknown level: one of very_satisfied, satisfied, basically_satisfied, dissatisfied, very_dissatisfied")
                        continue
                    }
                    guard let v = t[key].flatMap(value) else { report.fail("levels.\(key)", "must be a string or an integer code"); continue }
                    levels[l] = v
                }
                for (k, l) in levelNames where levels[l] == nil { report.fail("levels.\(k)", "missing: every level needs a code") }
            }
            let channels = codes(f.channels, "channels", RatingChannel.self)
            let outcomes = codes(f.outcomes, "outcomes", Outcome.self)
            let verdicts = codes(f.verdicts, "verdicts", CaseVerdict.self)
            let dateFormat = f.dateFormat ?? "yyyy-MM-dd HH:mm:ss"
            if dateFormat.isEmpty { report.fail("date_format", "must be a date pattern, e.g. \"yyyy-MM-dd HH:mm:ss\"") }
            var acceptance = PlatformProfile.Acceptance()
            if let raw = f.accept, let t = table(raw, "accept") {
                for key in t.keys where !["status", "json_field", "values"].contains(key) {
                    report.fail("accept.\(key)", "unknown key: status, json_field or values")
                }
                if let s = t["status"] {
                    let list = s.array.map { $0.compactMap { $0.int } } ?? []
                    if list.isEmpty || list.count != s.array?.count { report.fail("accept.status", "must be a list of HTTP statuses, e.g. [200]") }
                    acceptance.statuses = list
                }
                if let j = t["json_field"] {
                    if let s = j.string, !s.isEmpty { acceptance.jsonField = s } else { report.fail("accept.json_field", "must be a field name") }
                }
                if let v = t["values"] {
                    acceptance.values = v.array?.compactMap { value($0)?.description } ?? []
                    if acceptance.values.isEmpty { report.fail("accept.values", "must list the codes that mean accepted, e.g. [\"0\", \"200\"]") }
                }
                if acceptance.jsonField != nil && acceptance.values.isEmpty { report.fail("accept.values", "json_field needs values") }
            }
            var shapes: [String: PlatformProfile.Shape] = [:]
            if let t = table(f.kinds, "kinds") {
                for kind in t.keys {
                    let p = "kinds.\(kind)"
                    guard kinds.contains(kind) else { report.fail(p, "unknown record kind: one of \(kinds.joined(separator: ", "))"); continue }
                    guard let k = t[kind]?.table else { report.fail(p, "must be a table"); continue }
                    for key in k.keys where !["path", "fields"].contains(key) { report.fail("\(p).\(key)", "unknown key: path or fields") }
                    let path = k["path"]?.string ?? ""
                    guard let fields = k["fields"]?.table, !fields.keys.isEmpty else { report.fail("\(p).fields", "missing table [\(p).fields]"); continue }
                    var out: [(name: String, source: PlatformProfile.Source)] = []
                    for name in fields.keys.sorted() {
                        let fp = "\(p).fields.\(name)"
                        if let item = fields[name]?.string {
                            if PlatformProfile.items.contains(item) { out.append((name, .item(item))) } else {
                                report.fail(fp, "unknown data item \"\(item)\" (README lists them; a constant is { const = … })")
                            }
                        } else if let c = fields[name]?.table?["const"].flatMap(value) {
                            out.append((name, .constant(c)))
                        } else {
                            report.fail(fp, "must name a data item (\"project_no\") or be a constant ({ const = 1 })")
                        }
                    }
                    shapes[kind] = .init(path: path, fields: out)
                }
                if shapes["rating"] == nil && !report.issues.contains(where: { $0.path.hasPrefix("kinds") }) {
                    report.fail("kinds.rating", "missing: a profile must at least shape ratings")
                }
            }
            return PlatformProfile(name: name, version: version, levels: levels, channels: channels, outcomes: outcomes, verdicts: verdicts,
                                   dateFormat: dateFormat, reasonSeparator: f.reasonSeparator ?? ",",
                                   reasonTextSeparator: f.reasonTextSeparator ?? "；", acceptance: acceptance, shapes: shapes)
        }
    }

    /// `profile` is a name in `directory` ("offline-report-json" → DIR/offline-report-json.toml) or a path.
    public static func load(_ profile: String, directory: String) -> Result<PlatformProfile, ConfigIssues> {
        let path = profile.contains("/") || profile.hasSuffix(".toml") ? profile : "\(directory)/\(profile).toml"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            // Only files that look like platform profiles (a config file may sit in the same directory).
            let known = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".toml") }.sorted()
                .filter { ((try? String(contentsOfFile: "\(directory)/\($0)", encoding: .utf8)) ?? "").contains("[kinds.rating") }
                .map { String($0.dropLast(5)) }
            return .failure(ConfigIssues(issues: [ConfigIssue(path: "platform.profile", message:
                "cannot read platform profile \(path)" + (known.isEmpty ? " (no profiles in \(directory); pass --platforms DIR)"
                                                                        : "; profiles in \(directory): \(known.joined(separator: ", "))"))]))
        }
        return parse(text).mapError { e in
            ConfigIssues(issues: e.issues.map { ConfigIssue(path: "platform.profile (\(path)): \($0.path)", line: $0.line, message: $0.message) })
        }
    }
}
