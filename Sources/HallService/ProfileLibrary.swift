import Codecs
import Devices
import Foundation
import HallModel
import TOMLKit

/// The evaluator profiles in a directory (profiles/ in the repo, /usr/share/counterd/profiles installed).
public struct ProfileLibrary: Sendable {
    public var profiles: [String: EvaluatorProfile]

    public init(profiles: [String: EvaluatorProfile] = [:]) { self.profiles = profiles }

    /// Loads every *.toml in `directory`; a bad file is an issue naming the file and key.
    public static func load(directory: String) -> (ProfileLibrary, [ConfigIssue]) {
        var library = ProfileLibrary()
        var issues: [ConfigIssue] = []
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".toml") }.sorted()
        for file in files {
            let path = directory + "/" + file
            switch parse((try? String(contentsOfFile: path, encoding: .utf8)) ?? "") {
            case .success(let p):
                if library.profiles[p.id] != nil { issues.append(ConfigIssue(path: file, message: "duplicate profile id \(p.id)")) }
                library.profiles[p.id] = p
            case .failure(let e): issues += e.issues.map { ConfigIssue(path: "\(file): \($0.path)", line: $0.line, message: $0.message) }
            }
        }
        return (library, issues)
    }

    public static func parse(_ text: String) -> Result<EvaluatorProfile, ConfigIssues> {
        let root: TOMLTable
        do { root = try TOMLTable(string: text) } catch let e as TOMLParseError {
            return .failure(ConfigIssues(issues: [ConfigIssue(path: "", line: e.source.begin.line, message: "TOML syntax: \(e.description)")]))
        } catch {
            return .failure(ConfigIssues(issues: [ConfigIssue(path: "", message: "\(error)")]))
        }
        var issues: [ConfigIssue] = []
        func fail(_ path: String, _ m: String) { issues.append(ConfigIssue(path: path, message: m)) }
        guard let p = root["profile"]?.table else { return .failure(ConfigIssues(issues: [ConfigIssue(path: "profile", message: "missing [profile]")])) }
        guard let id = p["id"]?.string, let kindText = p["kind"]?.string else {
            return .failure(ConfigIssues(issues: [ConfigIssue(path: "profile", message: "needs id and kind")]))
        }
        guard let kind = EvaluatorProfile.Kind(rawValue: kindText) else {
            return .failure(ConfigIssues(issues: [ConfigIssue(path: "profile.kind", message: "must be evdev, hidraw or modbus")]))
        }
        var profile = EvaluatorProfile(id: id, name: p["name"]?.string ?? id, kind: kind)
        func level(_ v: (any TOMLValueConvertible)?, _ path: String) -> RatingLevel? {
            guard let i = v?.int, let l = RatingLevel(rawValue: i) else { fail(path, "must be a level 1–5"); return nil }
            return l
        }
        switch kind {
        case .evdev:
            guard let keys = root["keys"]?.table else { fail("keys", "an evdev profile needs [keys]"); break }
            for key in keys.keys {
                guard let code = LinuxKey.codes[key] else { fail("keys.\(key)", "unknown key name"); continue }
                if let l = level(keys[key], "keys.\(key)") { profile.keys[code] = l }
            }
        case .hidraw, .modbus:
            if let r = p["report_id"]?.int { profile.reportID = UInt8(clamping: r) }
            profile.keyOffset = p["key_offset"]?.int ?? 0
            profile.counterRegister = UInt16(clamping: p["counter_register"]?.int ?? 0)
            profile.keyRegister = UInt16(clamping: p["key_register"]?.int ?? 1)
            profile.promptRegister = UInt16(clamping: p["prompt_register"]?.int ?? 0x10)
            profile.nameRegister = UInt16(clamping: p["name_register"]?.int ?? 0x20)
            profile.nameRegisters = p["name_registers"]?.int ?? 16
            profile.pollIntervalMilliseconds = p["poll_interval_ms"]?.int ?? 50
            profile.timeoutMilliseconds = p["timeout_ms"]?.int ?? 100
            guard let values = root["values"]?.table else { fail("values", "needs [values]"); break }
            for key in values.keys {
                guard let v = UInt8(key) else { fail("values.\(key)", "key must be a number 0–255"); continue }
                if let l = level(values[key], "values.\(key)") { profile.values[v] = l }
            }
        }
        if profile.levels.isEmpty { fail("profile", "maps no key to a level") }
        return issues.isEmpty ? .success(profile) : .failure(ConfigIssues(issues: issues))
    }
}
