import Codecs
import Devices
import Foundation
import HallModel
import TOMLKit

/// The evaluator profiles in a directory (profiles/ in the repo, /usr/share/counterd/profiles installed).
public struct ProfileLibrary: Sendable {
    public var profiles: [String: EvaluatorProfile]
    public var displays: [String: DisplayProfile]
    public var printers: [String: PrinterProfile]

    public init(profiles: [String: EvaluatorProfile] = [:], displays: [String: DisplayProfile] = [:], printers: [String: PrinterProfile] = [:]) {
        self.profiles = profiles
        self.displays = displays
        self.printers = printers
    }

    /// The printer profile of each configured printer that names one, by device id.
    public func printerProfiles(for bindings: [DeviceBinding]) -> [String: PrinterProfile] {
        var out: [String: PrinterProfile] = [:]
        for b in bindings where b.role == .printer {
            if let name = b.profile, let p = printers[name] { out[b.id] = p }
        }
        return out
    }

    /// Loads every *.toml in `directory`; a bad file is an issue naming the file and key.
    public static func load(directory: String) -> (ProfileLibrary, [ConfigIssue]) {
        var library = ProfileLibrary()
        var issues: [ConfigIssue] = []
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".toml") }.sorted()
        for file in files {
            let path = directory + "/" + file
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            if (try? TOMLTable(string: text))?["profile"]?.table?["kind"]?.string == "printer" {
                switch parsePrinter(text) {
                case .success(let p):
                    if library.printers[p.id] != nil || library.displays[p.id] != nil || library.profiles[p.id] != nil {
                        issues.append(ConfigIssue(path: file, message: "duplicate profile id \(p.id)"))
                    }
                    library.printers[p.id] = p
                case .failure(let e): issues += e.issues.map { ConfigIssue(path: "\(file): \($0.path)", line: $0.line, message: $0.message) }
                }
                continue
            }
            if (try? TOMLTable(string: text))?["profile"]?.table?["kind"]?.string == "display" {
                switch parseDisplay(text) {
                case .success(let d):
                    if library.displays[d.id] != nil || library.profiles[d.id] != nil {
                        issues.append(ConfigIssue(path: file, message: "duplicate profile id \(d.id)"))
                    }
                    library.displays[d.id] = d
                case .failure(let e): issues += e.issues.map { ConfigIssue(path: "\(file): \($0.path)", line: $0.line, message: $0.message) }
                }
                continue
            }
            switch parse(text) {
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

    /// A printer profile: `[profile] kind = "printer"`, `paper_mm` = 58 | 80, `cut` = partial | full,
    /// `chinese_mode` (FS & + GB18030), `status_back` (GS a automatic status back).
    public static func parsePrinter(_ text: String) -> Result<PrinterProfile, ConfigIssues> {
        let root: TOMLTable
        do { root = try TOMLTable(string: text) } catch {
            return .failure(ConfigIssues(issues: [ConfigIssue(path: "", message: "TOML syntax: \(error)")]))
        }
        var issues: [ConfigIssue] = []
        func fail(_ path: String, _ m: String) { issues.append(ConfigIssue(path: path, message: m)) }
        guard let p = root["profile"]?.table, let id = p["id"]?.string else {
            return .failure(ConfigIssues(issues: [ConfigIssue(path: "profile", message: "needs [profile] with id")]))
        }
        for key in p.keys where !["id", "name", "kind", "paper_mm", "cut", "chinese_mode", "status_back"].contains(key) {
            fail("profile.\(key)", "unknown key")
        }
        var printer = PrinterProfile(id: id, name: p["name"]?.string)
        if let mm = p["paper_mm"] {
            if mm.int == 58 || mm.int == 80 { printer.columns = mm.int == 58 ? 32 : 48 } else { fail("profile.paper_mm", "must be 58 or 80") }
        }
        if let cut = p["cut"] {
            if cut.string == "partial" || cut.string == "full" { printer.partialCut = cut.string == "partial" } else {
                fail("profile.cut", "must be \"partial\" or \"full\"")
            }
        }
        for (key, path) in [("chinese_mode", \PrinterProfile.chineseMode), ("status_back", \PrinterProfile.statusBack)] {
            guard let v = p[key] else { continue }
            if let b = v.bool { printer[keyPath: path] = b } else { fail("profile.\(key)", "must be true or false") }
        }
        return issues.isEmpty ? .success(printer) : .failure(ConfigIssues(issues: issues))
    }

    /// A display profile: `[profile] kind = "display"`, `wire` = qsystem | strip | alphasign | modbus-led.
    public static func parseDisplay(_ text: String) -> Result<DisplayProfile, ConfigIssues> {
        let root: TOMLTable
        do { root = try TOMLTable(string: text) } catch {
            return .failure(ConfigIssues(issues: [ConfigIssue(path: "", message: "TOML syntax: \(error)")]))
        }
        var issues: [ConfigIssue] = []
        func fail(_ path: String, _ m: String) { issues.append(ConfigIssue(path: path, message: m)) }
        guard let p = root["profile"]?.table, let id = p["id"]?.string else {
            return .failure(ConfigIssues(issues: [ConfigIssue(path: "profile", message: "needs [profile] with id")]))
        }
        let allowed: Set<String> = ["id", "name", "kind", "wire", "charset", "width", "overflow", "min_gap_ms", "refresh_seconds",
                                    "checksum", "alpha_type", "alpha_mode", "digits", "value_register", "segment_register",
                                    "timeout_ms", "retries"]
        for key in p.keys where !allowed.contains(key) { fail("profile.\(key)", "unknown key") }
        guard let wireText = p["wire"]?.string, let wire = DisplayProfile.Wire(rawValue: wireText) else {
            return .failure(ConfigIssues(issues: [ConfigIssue(path: "profile.wire", message: "must be one of \(DisplayProfile.Wire.allCases.map(\.rawValue).joined(separator: ", "))")]))
        }
        var d = DisplayProfile(id: id, name: p["name"]?.string, wire: wire)
        if let c = p["charset"]?.string {
            if let cs = DisplayCharset(rawValue: c) { d.charset = cs } else { fail("profile.charset", "must be ascii or gbk") }
        }
        if let o = p["overflow"]?.string {
            if let ov = DisplayOverflow(rawValue: o) { d.overflow = ov } else { fail("profile.overflow", "must be scroll or truncate") }
        }
        if let c = p["checksum"]?.string {
            if let ck = StripScreenFrame.Checksum(rawValue: c) { d.checksum = ck } else {
                fail("profile.checksum", "must be one of \(StripScreenFrame.Checksum.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        func int(_ key: String, _ range: ClosedRange<Int>) -> Int? {
            guard let v = p[key] else { return nil }
            guard let i = v.int, range.contains(i) else { fail("profile.\(key)", "must be a whole number in \(range)"); return nil }
            return i
        }
        if let v = int("width", 1...512) { d.width = v }
        if let v = int("min_gap_ms", 0...10_000) { d.minimumGapMilliseconds = v }
        if let v = int("refresh_seconds", 1...86_400) { d.refreshSeconds = v }
        if let v = int("digits", 1...16) { d.digits = v }
        if let v = int("value_register", 0...65535) { d.valueRegister = UInt16(v) }
        if let v = int("segment_register", 0...65535) { d.segmentRegister = UInt16(v) }
        if let v = int("timeout_ms", 1...5_000) { d.timeoutMilliseconds = v }
        if let v = int("retries", 1...10) { d.retries = v }
        if let t = p["alpha_type"]?.string { d.alphaType = t }
        if let m = p["alpha_mode"]?.string {
            let modes: [String: AlphaSignFrame.Mode?] = ["none": nil, "hold": .hold, "rotate": .rotate, "flash": .flash, "roll-up": .rollUp, "auto": .automode]
            if let mode = modes[m] { d.alphaMode = mode } else { fail("profile.alpha_mode", "must be one of \(modes.keys.sorted().joined(separator: ", "))") }
        }
        return issues.isEmpty ? .success(d) : .failure(ConfigIssues(issues: issues))
    }
}
