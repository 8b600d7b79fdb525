import Access
import Devices
import Foundation
import HallModel
import Store
import TOMLKit

/// A list of config problems, so it can travel in a `Result`.
public struct ConfigIssues: Error, Sendable {
    public var issues: [ConfigIssue]
}

/// Turns TOML text into a `CounterdConfig`, checking every key's type and every cross-reference.
/// It walks the TOML tree itself (rather than decoding) so each error names its key path and line.
public enum ConfigParser {
    public static func parse(_ text: String) -> Result<CounterdConfig, ConfigIssues> {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            return .failure(ConfigIssues(issues: [ConfigIssue(path: "", line: e.source.begin.line,
                                                               message: "TOML syntax: \(e.description)")]))
        } catch {
            return .failure(ConfigIssues(issues: [ConfigIssue(path: "", message: "TOML syntax: \(error)")]))
        }
        var r = Reader(lines: SourceLines(text: text))
        let config = r.config(root)
        if r.issues.isEmpty, let config { return .success(config) }
        return .failure(ConfigIssues(issues: r.issues))
    }
}

private struct Reader {
    let lines: SourceLines
    var issues: [ConfigIssue] = []

    mutating func fail(_ path: String, _ message: String) {
        issues.append(ConfigIssue(path: path, line: lines.line(of: path), message: message))
    }

    mutating func unknownKeys(_ table: TOMLTable, _ path: String, allowed: Set<String>) {
        for key in table.keys where !allowed.contains(key) {
            fail(path.isEmpty ? key : "\(path).\(key)", "unknown key (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    mutating func table(_ t: TOMLTable, _ key: String, _ path: String, required: Bool) -> TOMLTable? {
        guard let v = t[key] else {
            if required { fail(path, "missing table [\(key)]") }
            return nil
        }
        guard let table = v.table else {
            fail(path, "must be a table, found \(v.type)")
            return nil
        }
        return table
    }

    mutating func tables(_ t: TOMLTable, _ key: String) -> [TOMLTable] {
        guard let v = t[key] else { return [] }
        guard let array = v.array else {
            fail(key, "must be an array of tables ([[\(key)]]), found \(v.type)")
            return []
        }
        var out: [TOMLTable] = []
        for (i, item) in array.enumerated() {
            if let table = item.table { out.append(table) } else { fail("\(key)[\(i)]", "must be a table, found \(item.type)") }
        }
        return out
    }

    mutating func string(_ t: TOMLTable, _ key: String, _ path: String, default d: String? = nil) -> String? {
        guard let v = t[key] else {
            if d == nil { fail(path, "missing (a string)") }
            return d
        }
        guard let s = v.string else {
            fail(path, "must be a string, found \(v.type)")
            return nil
        }
        return s
    }

    mutating func int(_ t: TOMLTable, _ key: String, _ path: String, default d: Int? = nil, range: ClosedRange<Int>) -> Int? {
        guard let v = t[key] else {
            if d == nil { fail(path, "missing (an integer)") }
            return d
        }
        guard let i = v.int else {
            fail(path, "must be an integer, found \(v.type)")
            return nil
        }
        guard range.contains(i) else {
            fail(path, "must be between \(range.lowerBound) and \(range.upperBound), found \(i)")
            return nil
        }
        return i
    }

    mutating func number(_ t: TOMLTable, _ key: String, _ path: String, default d: Double, range: ClosedRange<Double>) -> Double? {
        guard let v = t[key] else { return d }
        guard let x = v.double ?? v.int.map(Double.init) else {
            fail(path, "must be a number, found \(v.type)")
            return nil
        }
        guard range.contains(x) else {
            fail(path, "must be between \(range.lowerBound) and \(range.upperBound), found \(x)")
            return nil
        }
        return x
    }

    mutating func strings(_ t: TOMLTable, _ key: String, _ path: String, required: Bool) -> [String]? {
        guard let v = t[key] else {
            if required { fail(path, "missing (an array of strings)") }
            return required ? nil : []
        }
        guard let array = v.array else {
            fail(path, "must be an array of strings, found \(v.type)")
            return nil
        }
        var out: [String] = []
        for (i, item) in array.enumerated() {
            if let s = item.string { out.append(s) } else { fail("\(path)[\(i)]", "must be a string, found \(item.type)") }
        }
        return out
    }

    // MARK: Sections

    mutating func config(_ root: TOMLTable) -> CounterdConfig? {
        unknownKeys(root, "", allowed: ["hall", "server", "database", "categories", "windows", "clerks", "tokens", "devices", "display", "voice", "kiosk", "calendar", "alerts"])
        let hallTable = table(root, "hall", "hall", required: true)
        var name = "", rules = HallRules()
        if let h = hallTable {
            unknownKeys(h, "hall", allowed: ["name", "timezone", "rating_timeout_seconds", "max_recalls", "score_weights", "ticket_rating_hours"])
            name = string(h, "name", "hall.name") ?? ""
            if let tz = string(h, "timezone", "hall.timezone", default: "Asia/Shanghai") {
                if TimeZone(identifier: tz) == nil { fail("hall.timezone", "unknown time zone \"\(tz)\"") } else { rules.timeZone = tz }
            }
            if let t = number(h, "rating_timeout_seconds", "hall.rating_timeout_seconds", default: 30, range: 1...600) {
                rules.ratingTimeoutSeconds = t
            }
            if let m = int(h, "max_recalls", "hall.max_recalls", default: 3, range: 0...10) { rules.maxRecalls = m }
            if let t = number(h, "ticket_rating_hours", "hall.ticket_rating_hours", default: 24, range: 0...720) {
                rules.ticketRatingHours = t
            }
            if let v = h["score_weights"] {
                let weights = v.array.map { $0.map { $0.double ?? $0.int.map(Double.init) } } ?? []
                if weights.count == 5, weights.allSatisfy({ $0 != nil }) {
                    rules.scoreWeights = weights.map { $0! }
                } else {
                    fail("hall.score_weights", "must be five numbers: the scores of 非常不满意, 不满意, 基本满意, 满意, 非常满意")
                }
            }
        }

        var server = ServerSettings()
        if let s = table(root, "server", "server", required: false) {
            unknownKeys(s, "server", allowed: ["host", "port", "runtime_dir"])
            server.host = string(s, "host", "server.host", default: "127.0.0.1") ?? server.host
            server.port = int(s, "port", "server.port", default: 8080, range: 1...65535) ?? server.port
            server.runtimeDirectory = string(s, "runtime_dir", "server.runtime_dir", default: server.runtimeDirectory) ?? server.runtimeDirectory
        }

        var database = DatabaseSettings()
        if let d = table(root, "database", "database", required: false) {
            unknownKeys(d, "database", allowed: ["path", "synchronous"])
            database.path = string(d, "path", "database.path", default: database.path) ?? database.path
            if let s = string(d, "synchronous", "database.synchronous", default: "full") {
                if let mode = SyncMode(rawValue: s) { database.sync = mode } else {
                    fail("database.synchronous", "must be \"full\" or \"normal\", found \"\(s)\"")
                }
            }
        }

        let categories = categories(root)
        let clerks = clerks(root)
        let windows = windows(root, categories: categories)
        let tokens = tokens(root, windows: windows)
        let devices = devices(root, windows: windows)
        let display = display(root)
        let voice = voice(root)
        let kiosk = kiosk(root, devices: devices)
        rules.workingCalendar = workingCalendar(root)
        let alerts = alertSettings(root)
        for t in tokens {
            if let printer = t.printer, !devices.contains(where: { $0.id == printer && $0.role == .printer }) {
                fail("tokens", "token \"\(t.label)\" names printer \"\(printer)\", which is not a configured device with role = \"printer\"")
            }
        }
        if categories.isEmpty { fail("categories", "at least one [[categories]] is needed") }
        if windows.isEmpty { fail("windows", "at least one [[windows]] is needed") }
        guard issues.isEmpty else { return nil }
        return CounterdConfig(setup: HallSetup(name: name, categories: categories, windows: windows, clerks: clerks, rules: rules),
                              server: server, database: database, tokens: tokens, devices: devices, display: display, voice: voice, kiosk: kiosk, alerts: alerts)
    }

    mutating func alertSettings(_ root: TOMLTable) -> AlertSettings {
        var a = AlertSettings()
        guard let t = table(root, "alerts", "alerts", required: false) else { return a }
        unknownKeys(t, "alerts", allowed: ["wait_minutes", "opening_hours", "webhook", "webhook_attempts"])
        if let m = number(t, "wait_minutes", "alerts.wait_minutes", default: 30, range: 1...1440) { a.rules.waitMinutes = m }
        if let hours = string(t, "opening_hours", "alerts.opening_hours", default: "09:00-17:00") {
            if hours.isEmpty {
                a.rules.opensAt = nil
                a.rules.closesAt = nil
            } else {
                func minutes(_ s: Substring) -> Int? {
                    let p = s.split(separator: ":")
                    guard p.count == 2, let h = Int(p[0]), let m = Int(p[1]), (0...24).contains(h), (0...59).contains(m) else { return nil }
                    return h * 60 + m
                }
                let parts = hours.split(separator: "-")
                if parts.count == 2, let o = minutes(parts[0]), let c = minutes(parts[1]), o < c {
                    a.rules.opensAt = o
                    a.rules.closesAt = c
                } else {
                    fail("alerts.opening_hours", "must be \"HH:MM-HH:MM\" (e.g. \"08:30-17:30\"), or \"\" for none")
                }
            }
        }
        if let url = string(t, "webhook", "alerts.webhook", default: "") {
            if url.isEmpty {
                a.webhook = nil
            } else if let u = URL(string: url), ["http", "https"].contains(u.scheme?.lowercased() ?? ""), !(u.host ?? "").isEmpty {
                a.webhook = url
            } else {
                fail("alerts.webhook", "must be an http:// or https:// URL")
            }
        }
        a.webhookAttempts = int(t, "webhook_attempts", "alerts.webhook_attempts", default: 8, range: 1...100) ?? a.webhookAttempts
        return a
    }

    /// `[calendar] holidays = [...]`, `workdays = [...]` (调休 working weekends): for 差评 deadlines.
    mutating func workingCalendar(_ root: TOMLTable) -> WorkingCalendar {
        var c = WorkingCalendar()
        guard let t = table(root, "calendar", "calendar", required: false) else { return c }
        unknownKeys(t, "calendar", allowed: ["holidays", "workdays"])
        for (key, path) in [("holidays", "calendar.holidays"), ("workdays", "calendar.workdays")] {
            let days = strings(t, key, path, required: false) ?? []
            for (i, d) in days.enumerated() where !WorkingCalendar.isDay(d) {
                fail("\(path)[\(i)]", "\"\(d)\" is not a date (yyyy-MM-dd)")
            }
            if key == "holidays" { c.holidays = Set(days) } else { c.workdays = Set(days) }
        }
        for d in c.holidays.intersection(c.workdays).sorted() { fail("calendar", "\(d) is both a holiday and a working day") }
        return c
    }

    mutating func kiosk(_ root: TOMLTable, devices: [DeviceBinding]) -> KioskSettings {
        var k = KioskSettings()
        let printers = devices.filter { $0.role == .printer }
        // One printer and no [kiosk] section: that is the kiosk's printer.
        if printers.count == 1 { k.printer = printers[0].id }
        guard let t = table(root, "kiosk", "kiosk", required: false) else { return k }
        unknownKeys(t, "kiosk", allowed: ["printer", "paper_mm", "cut", "chinese_mode", "rating_url", "barcode", "staff_pin"])
        if let p = string(t, "printer", "kiosk.printer", default: k.printer ?? "") {
            k.printer = p.isEmpty ? nil : p
            if let p = k.printer, !printers.contains(where: { $0.id == p }) {
                fail("kiosk.printer", "no device \"\(p)\" with role = \"printer\" (have: \(printers.map(\.id).joined(separator: ", ")))")
            }
        }
        if let mm = int(t, "paper_mm", "kiosk.paper_mm", default: 80, range: 58...80) {
            if mm == 58 || mm == 80 { k.columns = mm == 58 ? 32 : 48 } else { fail("kiosk.paper_mm", "must be 58 or 80") }
        }
        if let cut = string(t, "cut", "kiosk.cut", default: "partial") {
            if cut == "partial" || cut == "full" { k.partialCut = cut == "partial" } else { fail("kiosk.cut", "must be \"partial\" or \"full\"") }
        }
        if let e = t["chinese_mode"] {
            if let b = e.bool { k.chineseMode = b } else { fail("kiosk.chinese_mode", "must be true or false") }
        }
        if let e = t["barcode"] {
            if let b = e.bool { k.barcode = b } else { fail("kiosk.barcode", "must be true or false") }
        }
        if let url = string(t, "rating_url", "kiosk.rating_url", default: "") {
            if url.isEmpty {
                k.ratingURL = nil
            } else if let u = URL(string: url), u.scheme == "http" || u.scheme == "https", u.host != nil {
                k.ratingURL = url.hasSuffix("/") ? String(url.dropLast()) : url
            } else {
                fail("kiosk.rating_url", "must be an http(s) URL that phones in the hall can open, e.g. \"http://192.168.1.10:8080\"")
            }
        }
        if let pin = string(t, "staff_pin", "kiosk.staff_pin", default: "") {
            if pin.isEmpty { k.staffPIN = nil } else if pin.count >= 4, pin.allSatisfy(\.isNumber) { k.staffPIN = pin } else {
                fail("kiosk.staff_pin", "must be at least 4 digits")
            }
        }
        return k
    }

    mutating func categories(_ root: TOMLTable) -> [ServiceCategory] {
        var out: [ServiceCategory] = []
        var codes = Set<String>(), prefixes = Set<String>()
        for (i, t) in tables(root, "categories").enumerated() {
            let p = "categories[\(i)]"
            unknownKeys(t, p, allowed: ["code", "name", "prefix", "checklist", "time_limit_minutes"])
            let code = string(t, "code", "\(p).code")
            let name = string(t, "name", "\(p).name")
            let prefix = string(t, "prefix", "\(p).prefix")
            let checklist = strings(t, "checklist", "\(p).checklist", required: false)
            let limit = int(t, "time_limit_minutes", "\(p).time_limit_minutes", default: 30, range: 1...1440)
            if let code {
                if code.isEmpty || !code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
                    fail("\(p).code", "must be ASCII letters, digits, - or _ (it appears in URLs), found \"\(code)\"")
                } else if !codes.insert(code).inserted {
                    fail("\(p).code", "duplicate category code \"\(code)\"")
                }
            }
            if let prefix {
                if prefix.isEmpty || prefix.count > 2 || !prefix.allSatisfy({ $0.isASCII && $0.isUppercase }) {
                    fail("\(p).prefix", "must be one or two capital letters A–Z, found \"\(prefix)\"")
                } else if !prefixes.insert(prefix).inserted {
                    fail("\(p).prefix", "prefix \"\(prefix)\" is used by another category: ticket numbers would repeat")
                }
            }
            if let code, let name, let prefix, let checklist, let limit {
                out.append(ServiceCategory(code: code, name: name, prefix: prefix, checklist: checklist, timeLimitMinutes: limit))
            }
        }
        return out
    }

    mutating func clerks(_ root: TOMLTable) -> [Clerk] {
        var out: [Clerk] = []
        var ids = Set<String>()
        for (i, t) in tables(root, "clerks").enumerated() {
            let p = "clerks[\(i)]"
            unknownKeys(t, p, allowed: ["id", "name"])
            guard let id = string(t, "id", "\(p).id"), let name = string(t, "name", "\(p).name") else { continue }
            if id.isEmpty { fail("\(p).id", "must not be empty"); continue }
            if !ids.insert(id).inserted { fail("\(p).id", "duplicate clerk id \"\(id)\""); continue }
            out.append(Clerk(id: id, name: name))
        }
        return out
    }

    mutating func windows(_ root: TOMLTable, categories: [ServiceCategory]) -> [ServiceWindow] {
        var out: [ServiceWindow] = []
        var numbers = Set<Int>()
        let known = Set(categories.map(\.code))
        for (i, t) in tables(root, "windows").enumerated() {
            let p = "windows[\(i)]"
            unknownKeys(t, p, allowed: ["number", "name", "categories"])
            let number = int(t, "number", "\(p).number", range: 1...9999)
            let cats = strings(t, "categories", "\(p).categories", required: true)
            if let number, !numbers.insert(number).inserted { fail("\(p).number", "duplicate window number \(number)") }
            if let cats {
                if cats.isEmpty { fail("\(p).categories", "a window must serve at least one category") }
                for (j, c) in cats.enumerated() where !known.contains(c) {
                    fail("\(p).categories[\(j)]", "unknown category \"\(c)\"")
                }
            }
            if let number, let cats {
                let name = string(t, "name", "\(p).name", default: "\(number)号窗口") ?? "\(number)号窗口"
                out.append(ServiceWindow(number: number, name: name, categories: cats))
            }
        }
        return out
    }

    mutating func display(_ root: TOMLTable) -> DisplayTemplates {
        var t = DisplayTemplates()
        guard let d = table(root, "display", "display", required: false) else { return t }
        let keys: [(String, WritableKeyPath<DisplayTemplates, String>)] = [
            ("call", \.call), ("call_short", \.callShort), ("hall_call", \.hallCall), ("idle", \.idle),
            ("idle_no_clerk", \.idleNoClerk), ("closed", \.closed), ("hall_idle", \.hallIdle), ("voice", \.voice)]
        unknownKeys(d, "display", allowed: Set(keys.map(\.0)))
        for (key, path) in keys where d[key] != nil {
            guard let v = string(d, key, "display.\(key)") else { continue }
            let unknown = DisplayTemplates.unknownPlaceholders(v)
            if !unknown.isEmpty {
                fail("display.\(key)", "unknown placeholder {\(unknown[0])} (known: \(DisplayTemplates.placeholders.sorted().map { "{\($0)}" }.joined(separator: " ")))")
            }
            t[keyPath: path] = v
        }
        return t
    }

    mutating func voice(_ root: TOMLTable) -> VoiceSettings {
        var v = VoiceSettings()
        guard let t = table(root, "voice", "voice", required: false) else { return v }
        unknownKeys(t, "voice", allowed: ["enabled", "device", "pack", "player", "gap_ms"])
        if let e = t["enabled"] {
            if let b = e.bool { v.enabled = b } else { fail("voice.enabled", "must be true or false, found \(e.type)") }
        }
        v.device = string(t, "device", "voice.device", default: v.device) ?? v.device
        v.pack = string(t, "pack", "voice.pack", default: v.pack) ?? v.pack
        if let p = t["player"] {
            if let words = p.array?.compactMap(\.string), words.count == p.array?.count, !words.isEmpty { v.player = words } else {
                fail("voice.player", "must be a list of strings, e.g. [\"aplay\", \"-q\", \"-D\", \"{device}\", \"{file}\"]")
            }
        }
        v.gapMilliseconds = int(t, "gap_ms", "voice.gap_ms", default: v.gapMilliseconds, range: 0...5000) ?? v.gapMilliseconds
        return v
    }

    mutating func devices(_ root: TOMLTable, windows: [ServiceWindow]) -> [DeviceBinding] {
        var out: [DeviceBinding] = []
        var ids = Set<String>()
        var positions: [String: Int] = [:]
        for (i, t) in tables(root, "devices").enumerated() {
            let p = "devices[\(i)]"
            unknownKeys(t, p, allowed: ["id", "role", "window", "transport", "udev_role", "id_path", "serial", "vid_pid", "path",
                                        "host", "recording", "baud", "parity", "rs485_turnaround_ms", "address", "profile", "bus"])
            guard let id = string(t, "id", "\(p).id") else { continue }
            if id.isEmpty || !id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
                fail("\(p).id", "must be ASCII letters, digits, - or _, found \"\(id)\"")
                continue
            }
            if !ids.insert(id).inserted { fail("\(p).id", "duplicate device id \"\(id)\""); continue }
            positions[id] = i
            guard let roleText = string(t, "role", "\(p).role") else { continue }
            guard let role = DeviceRole(rawValue: roleText) else {
                fail("\(p).role", "must be one of \(DeviceRole.allCases.map(\.rawValue).joined(separator: ", ")); found \"\(roleText)\"")
                continue
            }
            var window: Int?
            if t["window"] != nil || ([.evaluator, .caller, .windowDisplay].contains(role) && t["bus"] == nil) {
                window = int(t, "window", "\(p).window", range: 1...9999)
                if let w = window, !windows.contains(where: { $0.number == w }) { fail("\(p).window", "no window \(w)") }
            }
            guard let transportText = string(t, "transport", "\(p).transport") else { continue }
            guard let transport = TransportKind(rawValue: transportText) else {
                fail("\(p).transport", "must be one of \(TransportKind.allCases.map(\.rawValue).joined(separator: ", ")); found \"\(transportText)\"")
                continue
            }
            var match = DeviceMatch()
            if let v = t["udev_role"] {
                if let b = v.bool { match.udevRole = b } else { fail("\(p).udev_role", "must be true or false, found \(v.type)") }
            }
            if t["id_path"] != nil { match.idPath = string(t, "id_path", "\(p).id_path") }
            if t["serial"] != nil { match.serial = string(t, "serial", "\(p).serial") }
            if t["path"] != nil { match.path = string(t, "path", "\(p).path") }
            if t["vid_pid"] != nil, let v = string(t, "vid_pid", "\(p).vid_pid") {
                let parts = v.lowercased().split(separator: ":")
                if parts.count == 2, parts.allSatisfy({ $0.count == 4 && $0.allSatisfy(\.isHexDigit) }) {
                    match.vidPid = v.lowercased()
                } else {
                    fail("\(p).vid_pid", "must be VVVV:PPPP in hex, e.g. \"1a86:7523\"; found \"\(v)\"")
                }
            }
            var settings = SerialSettings()
            if let baud = int(t, "baud", "\(p).baud", default: 9600, range: 1...4_000_000) {
                if SerialSettings.supportedBauds.contains(baud) { settings.baud = baud } else {
                    fail("\(p).baud", "must be one of \(SerialSettings.supportedBauds.map(String.init).joined(separator: ", "))")
                }
            }
            if let parity = string(t, "parity", "\(p).parity", default: "none") {
                if let pv = Parity(rawValue: parity) { settings.parity = pv } else { fail("\(p).parity", "must be none, even or odd") }
            }
            settings.turnaroundMilliseconds = int(t, "rs485_turnaround_ms", "\(p).rs485_turnaround_ms", default: 0, range: 0...1000) ?? 0
            let host = t["host"] != nil ? string(t, "host", "\(p).host") : nil
            let recording = t["recording"] != nil ? string(t, "recording", "\(p).recording") : nil
            let address = t["address"] != nil ? int(t, "address", "\(p).address", range: 0...255) : nil
            let profile = t["profile"] != nil ? string(t, "profile", "\(p).profile") : nil
            var bus: [Int: Int] = [:]
            if let v = t["bus"] {
                if let entries = v.array {
                    for (j, entry) in entries.enumerated() {
                        guard let e = entry.table, let a = int(e, "address", "\(p).bus[\(j)].address", range: 0...247) else { continue }
                        // A hall screen (window 0, or no window on a hall-display line) shares the line with window screens.
                        let hallScreen = role == .hallDisplay && e["window"] == nil
                        guard let w = hallScreen ? 0 : int(e, "window", "\(p).bus[\(j)].window", range: role == .windowDisplay ? 0...9999 : 1...9999)
                        else { continue }
                        if w != 0 && !windows.contains(where: { $0.number == w }) { fail("\(p).bus[\(j)].window", "no window \(w)") }
                        if bus[a] != nil { fail("\(p).bus[\(j)].address", "address \(a) is listed twice") }
                        bus[a] = w
                    }
                } else {
                    fail("\(p).bus", "must be an array like [{address = 1, window = 3}, …]")
                }
            }
            if role == .evaluator && profile == nil { fail("\(p).profile", "an evaluator needs a profile (see profiles/)") }
            if (role == .windowDisplay || role == .hallDisplay) && profile == nil {
                fail("\(p).profile", "a display needs a profile (see profiles/display-*.toml)")
            }
            switch transport {
            case .tcp:
                if host == nil { fail("\(p).host", "a tcp device needs host = \"ADDRESS:PORT\"") }
            case .replay:
                if recording == nil { fail("\(p).recording", "a replay device needs recording = \"FILE\"") }
            default:
                if match.isEmpty {
                    fail(p, "say how to find the device: udev_role = true, id_path, serial, vid_pid or path")
                }
            }
            out.append(DeviceBinding(id: id, role: role, window: window, transport: transport, match: match, serial: settings,
                                     host: host, recording: recording, address: address, profile: profile, bus: bus))
        }
        for (a, b) in DeviceMatcher.staticConflicts(out) {
            fail("devices[\(positions[b] ?? 0)]", "matches every device that \"\(a)\" matches (or the reverse): a device must never serve two bindings; add id_path or serial to tell them apart")
        }
        return out
    }

    mutating func tokens(_ root: TOMLTable, windows: [ServiceWindow]) -> [TokenEntry] {
        var out: [TokenEntry] = []
        var hashes = Set<String>()
        for (i, t) in tables(root, "tokens").enumerated() {
            let p = "tokens[\(i)]"
            unknownKeys(t, p, allowed: ["role", "window", "sha256", "label", "printer"])
            guard let roleText = string(t, "role", "\(p).role") else { continue }
            guard let role = Role(rawValue: roleText) else {
                fail("\(p).role", "must be one of kiosk, window, display, manager; found \"\(roleText)\"")
                continue
            }
            var window: Int?
            if role == .window {
                window = int(t, "window", "\(p).window", range: 1...9999)
                if let w = window, !windows.contains(where: { $0.number == w }) { fail("\(p).window", "no window \(w)") }
            } else if t["window"] != nil {
                fail("\(p).window", "only a token with role = \"window\" is bound to a window")
            }
            guard let hash = string(t, "sha256", "\(p).sha256") else { continue }
            let lower = hash.lowercased()
            if lower.count != 64 || !lower.allSatisfy({ $0.isHexDigit }) {
                fail("\(p).sha256", "must be 64 hex digits (make one with `counterctl token hash`)")
                continue
            }
            if !hashes.insert(lower).inserted { fail("\(p).sha256", "the same token is configured twice") }
            let label = string(t, "label", "\(p).label", default: "") ?? ""
            var entry = TokenEntry(role: role, window: window, sha256: lower, label: label)
            if let printer = string(t, "printer", "\(p).printer", default: "") , !printer.isEmpty {
                if role == .kiosk { entry.printer = printer } else { fail("\(p).printer", "only a kiosk token has a printer") }
            }
            out.append(entry)
        }
        return out
    }
}
