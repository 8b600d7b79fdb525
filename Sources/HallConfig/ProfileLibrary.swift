import Codecs
import Devices
import Foundation
import HallModel
import TOMLKit
import TOMLSections

/// The evaluator profiles in a directory (profiles/ in the repo, /usr/share/counterd/profiles installed).
public struct ProfileLibrary: Sendable {
    public var profiles: [String: EvaluatorProfile]
    public var displays: [String: DisplayProfile]
    public var printers: [String: PrinterProfile]
    public var scanners: [String: ScannerProfile] = [:]

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
            if (try? TOMLText.table(text))?["profile"]?.table?["kind"]?.string == "printer" {
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
            if (try? TOMLText.table(text))?["profile"]?.table?["kind"]?.string == "scanner" {
                switch parseScanner(text) {
                case .success(let sc):
                    if library.scanners[sc.id] != nil || library.profiles[sc.id] != nil {
                        issues.append(ConfigIssue(path: file, message: "duplicate profile id \(sc.id)"))
                    }
                    library.scanners[sc.id] = sc
                case .failure(let e): issues += e.issues.map { ConfigIssue(path: "\(file): \($0.path)", line: $0.line, message: $0.message) }
                }
                continue
            }
            if (try? TOMLText.table(text))?["profile"]?.table?["kind"]?.string == "display" {
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
        TOMLDocument.read(EvaluatorProfileFile.self, text) { file, report in
            func fail(_ path: String, _ m: String) { report.fail(path, m) }
            guard let p = file.profile else { fail("profile", "missing [profile]"); return nil }
            guard let id = p.id, let kindText = p.kind else { fail("profile", "needs id and kind"); return nil }
            guard let kind = EvaluatorProfile.Kind(rawValue: kindText) else {
                fail("profile.kind", "must be evdev, hidraw or modbus")
                return nil
            }
            var profile = EvaluatorProfile(id: id, name: p.name ?? id, kind: kind)
            func level(_ raw: TOMLRaw) -> RatingLevel? {
                guard let i = raw.value.int, let l = RatingLevel(rawValue: i) else { fail(raw.path, "must be a level 1–5"); return nil }
                return l
            }
            switch kind {
            case .evdev:
                guard let keys = file.keys else { fail("keys", "an evdev profile needs [keys]"); break }
                for (key, raw) in keys.sorted(by: { $0.key < $1.key }) {
                    guard let code = LinuxKey.codes[key] else { fail("keys.\(key)", "unknown key name"); continue }
                    if let l = level(raw) { profile.keys[code] = l }
                }
            case .hidraw, .modbus:
                if let r = p.reportId { profile.reportID = UInt8(clamping: r) }
                profile.keyOffset = p.keyOffset ?? 0
                profile.counterRegister = UInt16(clamping: p.counterRegister ?? 0)
                profile.keyRegister = UInt16(clamping: p.keyRegister ?? 1)
                profile.promptRegister = UInt16(clamping: p.promptRegister ?? 0x10)
                profile.nameRegister = UInt16(clamping: p.nameRegister ?? 0x20)
                profile.nameRegisters = p.nameRegisters ?? 16
                profile.pollIntervalMilliseconds = p.pollIntervalMs ?? 50
                profile.idlePollIntervalMilliseconds = p.idlePollIntervalMs ?? 3000
                if !(1...60_000).contains(profile.pollIntervalMilliseconds) { fail("profile.poll_interval_ms", "must be a whole number in 1...60000") }
                if !(profile.pollIntervalMilliseconds...60_000).contains(profile.idlePollIntervalMilliseconds) {
                    fail("profile.idle_poll_interval_ms", "must be a whole number from poll_interval_ms (\(profile.pollIntervalMilliseconds)) to 60000")
                }
                profile.timeoutMilliseconds = p.timeoutMs
                profile.turnaroundMilliseconds = p.turnaroundMs ?? 50
                if let t = p.timeoutMs, !(1...5_000).contains(t) { fail("profile.timeout_ms", "must be a whole number in 1...5000") }
                if !(0...2_000).contains(profile.turnaroundMilliseconds) { fail("profile.turnaround_ms", "must be a whole number in 0...2000") }
                guard let values = file.values else { fail("values", "needs [values]"); break }
                for (key, raw) in values.sorted(by: { $0.key < $1.key }) {
                    guard let v = UInt8(key) else { fail("values.\(key)", "key must be a number 0–255"); continue }
                    if let l = level(raw) { profile.values[v] = l }
                }
            }
            if profile.levels.isEmpty { fail("profile", "maps no key to a level") }
            return profile
        }
    }

    /// A printer profile: `[profile] kind = "printer"`, `paper_mm` = 58 | 80, `cut` = partial | full,
    /// `chinese_mode` (FS & + GB18030), `status_back` (GS a automatic status back).
    public static func parsePrinter(_ text: String) -> Result<PrinterProfile, ConfigIssues> {
        TOMLDocument.read(PrinterProfileFile.self, text) { file, report in
            guard let p = file.profile, let id = p.id else { report.fail("profile", "needs [profile] with id"); return nil }
            var printer = PrinterProfile(id: id, name: p.name)
            if let mm = p.paperMm {
                if mm == 58 || mm == 80 { printer.columns = mm == 58 ? 32 : 48 } else { report.fail("profile.paper_mm", "must be 58 or 80") }
            }
            if let cut = p.cut {
                if cut == "partial" || cut == "full" { printer.partialCut = cut == "partial" } else {
                    report.fail("profile.cut", "must be \"partial\" or \"full\"")
                }
            }
            if let b = p.chineseMode { printer.chineseMode = b }
            if let b = p.statusBack { printer.statusBack = b }
            return printer
        }
    }

    /// A display profile: `[profile] kind = "display"`, `wire` = qsystem | strip | alphasign | modbus-led.
    public static func parseDisplay(_ text: String) -> Result<DisplayProfile, ConfigIssues> {
        TOMLDocument.read(DisplayProfileFile.self, text) { file, report in
            func fail(_ path: String, _ m: String) { report.fail(path, m) }
            guard let p = file.profile, let id = p.id else { fail("profile", "needs [profile] with id"); return nil }
            guard let wireText = p.wire, let wire = DisplayProfile.Wire(rawValue: wireText) else {
                fail("profile.wire", "must be one of \(DisplayProfile.Wire.allCases.map(\.rawValue).joined(separator: ", "))")
                return nil
            }
            var d = DisplayProfile(id: id, name: p.name, wire: wire)
            if let c = p.charset {
                if let cs = DisplayCharset(rawValue: c) { d.charset = cs } else { fail("profile.charset", "must be ascii or gbk") }
            }
            if let o = p.overflow {
                if let ov = DisplayOverflow(rawValue: o) { d.overflow = ov } else { fail("profile.overflow", "must be scroll or truncate") }
            }
            if let c = p.checksum {
                if let ck = StripScreenFrame.Checksum(rawValue: c) { d.checksum = ck } else {
                    fail("profile.checksum", "must be one of \(StripScreenFrame.Checksum.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            }
            func int(_ v: Int?, _ key: String, _ range: ClosedRange<Int>) -> Int? {
                guard let v else { return nil }
                guard range.contains(v) else { fail("profile.\(key)", "must be a whole number in \(range)"); return nil }
                return v
            }
            if let v = int(p.width, "width", 1...512) { d.width = v }
            if let v = int(p.minGapMs, "min_gap_ms", 0...10_000) { d.minimumGapMilliseconds = v }
            if let v = int(p.refreshSeconds, "refresh_seconds", 1...86_400) { d.refreshSeconds = v }
            if let v = int(p.digits, "digits", 1...16) { d.digits = v }
            if let v = int(p.valueRegister, "value_register", 0...65535) { d.valueRegister = UInt16(v) }
            if let v = int(p.segmentRegister, "segment_register", 0...65535) { d.segmentRegister = UInt16(v) }
            if let v = int(p.timeoutMs, "timeout_ms", 1...5_000) { d.timeoutMilliseconds = v }
            if let v = int(p.turnaroundMs, "turnaround_ms", 0...2_000) { d.turnaroundMilliseconds = v }
            if let v = int(p.retries, "retries", 1...10) { d.retries = v }
            if let t = p.alphaType { d.alphaType = t }
            if let m = p.alphaMode {
                let modes: [String: AlphaSignFrame.Mode?] = ["none": nil, "hold": .hold, "rotate": .rotate, "flash": .flash, "roll-up": .rollUp, "auto": .automode]
                if let mode = modes[m] { d.alphaMode = mode } else { fail("profile.alpha_mode", "must be one of \(modes.keys.sorted().joined(separator: ", "))") }
            }
            return d
        }
    }
}

/// The profile files as TOML types (keys are the properties in snake_case).
struct EvaluatorProfileFile: Decodable {
    struct Section: Decodable {
        var id: String?
        var name: String?
        var kind: String?
        var reportId: Int?
        var keyOffset: Int?
        var counterRegister: Int?
        var keyRegister: Int?
        var promptRegister: Int?
        var nameRegister: Int?
        var nameRegisters: Int?
        var pollIntervalMs: Int?
        var idlePollIntervalMs: Int?
        var timeoutMs: Int?
        var turnaroundMs: Int?
    }
    var profile: Section?
    /// Linux key name → level (evdev).
    var keys: [String: TOMLRaw]?
    /// Report byte or register value → level (hidraw, Modbus).
    var values: [String: TOMLRaw]?
}

struct ScannerProfileFile: Decodable {
    struct Section: Decodable {
        var id: String?
        var name: String?
        var kind: String?
        var wire: String?
        var terminator: String?
        var maxLength: Int?
    }
    var profile: Section?
    var keys: [String: String]?
}

extension ProfileLibrary {
    /// A scanner profile: `[profile] kind = "scanner"`, `wire` = evdev | serial, `terminator` (a key name,
    /// evdev), `max_length`; `[keys]` KEY_NAME = "c" adds keys to the US layout.
    public static func parseScanner(_ text: String) -> Result<ScannerProfile, ConfigIssues> {
        TOMLDocument.read(ScannerProfileFile.self, text) { file, report in
            guard let p = file.profile, let id = p.id else { report.fail("profile", "needs [profile] with id"); return nil }
            guard let wireText = p.wire, let wire = ScannerProfile.Wire(rawValue: wireText) else {
                report.fail("profile.wire", "must be evdev (a keyboard-emulating USB scanner) or serial (a line per code)")
                return nil
            }
            var profile = ScannerProfile(id: id, name: p.name, wire: wire)
            if let t = p.terminator {
                if let code = LinuxKey.codes[t] { profile.terminator = code } else { report.fail("profile.terminator", "unknown key name \(t), e.g. KEY_ENTER") }
            }
            if let m = p.maxLength {
                if (4...512).contains(m) { profile.maxLength = m } else { report.fail("profile.max_length", "must be a whole number in 4...512") }
            }
            for (key, value) in (file.keys ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard let code = LinuxKey.codes[key] else { report.fail("keys.\(key)", "unknown key name"); continue }
                guard value.count == 1, let c = value.first, c.isASCII, !c.isWhitespace else {
                    report.fail("keys.\(key)", "must be one printable ASCII character")
                    continue
                }
                profile.keys[code] = c
            }
            return profile
        }
    }
}

struct PrinterProfileFile: Decodable {
    struct Section: Decodable {
        var id: String?
        var name: String?
        var kind: String?
        var paperMm: Int?
        var cut: String?
        var chineseMode: Bool?
        var statusBack: Bool?
    }
    var profile: Section?
}

struct DisplayProfileFile: Decodable {
    struct Section: Decodable {
        var id: String?
        var name: String?
        var kind: String?
        var wire: String?
        var charset: String?
        var width: Int?
        var overflow: String?
        var minGapMs: Int?
        var refreshSeconds: Int?
        var checksum: String?
        var alphaType: String?
        var alphaMode: String?
        var digits: Int?
        var valueRegister: Int?
        var segmentRegister: Int?
        var timeoutMs: Int?
        var turnaroundMs: Int?
        var retries: Int?
    }
    var profile: Section?
}
