import Access
import Devices
import Foundation
import HallModel
import Store
import TOMLKit
@_exported import TOMLSections

/// A list of config problems, so it can travel in a `Result`.

/// Turns TOML text into a `CounterdConfig`: the sections are decoded (`TOMLSectionDecoder`, which records
/// wrong types and unknown keys), then one validation pass checks every value and cross-reference. Every
/// problem carries its key path and line.
public enum ConfigParser {
    public static func parse(_ text: String) -> Result<CounterdConfig, ConfigIssues> {
        TOMLDocument.read(ConfigFile.self, text) { file, report in Reader(report: report).config(file) }
    }
}

/// The validation pass: decoded sections → the config's values.
private struct Reader {
    let report: TOMLReport

    func fail(_ path: String, _ message: String) { report.fail(path, message) }

    /// A required value: nil is recorded as missing, unless the decoder recorded why it is nil (a wrong type).
    func required<T>(_ v: T?, _ path: String, _ what: String) -> T? {
        if v == nil && !report.issues.contains(where: { $0.path == path }) {
            fail(path, what.hasPrefix("table") ? "missing \(what)" : "missing (\(what))")
        }
        return v
    }

    func inRange<N: Comparable>(_ v: N?, _ path: String, _ range: ClosedRange<N>) -> N? {
        guard let v else { return nil }
        guard range.contains(v) else {
            fail(path, "must be between \(range.lowerBound) and \(range.upperBound), found \(v)")
            return nil
        }
        return v
    }

    // MARK: Sections

    func config(_ f: ConfigFile) -> CounterdConfig? {
        var name = "", rules = HallRules(), identity = HallIdentity()
        if let h = required(f.hall, "hall", "table [hall]") {
            identity = self.identity(h)
            name = required(h.name, "hall.name", "a string") ?? ""
            if let tz = h.timezone {
                if TimeZone(identifier: tz) == nil { fail("hall.timezone", "unknown time zone \"\(tz)\"") } else { rules.timeZone = tz }
            }
            if let t = inRange(h.ratingTimeoutSeconds, "hall.rating_timeout_seconds", 1...600) { rules.ratingTimeoutSeconds = t }
            if let m = inRange(h.maxRecalls, "hall.max_recalls", 0...10) { rules.maxRecalls = m }
            if let t = inRange(h.ticketRatingHours, "hall.ticket_rating_hours", 0...720) { rules.ticketRatingHours = t }
            if let b = h.ratingBlocksNext { rules.ratingBlocksNext = b }
            if let raw = h.scoreWeights {
                let weights = raw.value.array.map { $0.map { $0.double ?? $0.int.map(Double.init) } } ?? []
                if weights.count == 5, weights.allSatisfy({ $0 != nil }) {
                    rules.scoreWeights = weights.map { $0! }
                } else {
                    fail("hall.score_weights", "must be five numbers: the scores of 非常不满意, 不满意, 基本满意, 满意, 非常满意")
                }
            }
        }
        if let c = f.cases, let d = inRange(c.deadlineWorkingDays, "cases.deadline_working_days", 1...30) {
            rules.caseDeadlineWorkingDays = d
        }
        var ratings = RatingSettings()
        if let r = f.ratings {
            if let b = r.reasonRequiredForBad { ratings.reasonRequiredForBad = b }
            if let w = inRange(r.reasonsWindowSeconds, "ratings.reasons_window_seconds", 10...1800) { rules.reasonsWindowSeconds = w }
            if let path = r.indicators {
                switch IndicatorList.load(path: path) {
                case .success(let list): ratings.indicators = list
                case .failure(let e): for i in e.issues { fail("ratings.indicators", "\(i.path.replacingOccurrences(of: "ratings.indicators", with: path)): \(i.message)") }
                }
            }
        }

        var server = ServerSettings()
        if let s = f.server {
            server.host = s.host ?? server.host
            server.port = inRange(s.port, "server.port", 1...65535) ?? server.port
            server.runtimeDirectory = s.runtimeDir ?? server.runtimeDirectory
            server.sessionHours = inRange(s.sessionHours, "server.session_hours", 0.1...168) ?? server.sessionHours
            if let a = s.accountsDatabase { if a.isEmpty { fail("server.accounts_database", "must be a file path") } else { server.accountsDatabase = a } }
            if let sha = s.metricsTokenSha256 {
                if sha.count == 64, sha.allSatisfy(\.isHexDigit) { server.metricsTokenSHA256 = sha.lowercased() } else {
                    fail("server.metrics_token_sha256", "must be the SHA-256 of the token, 64 hex digits (counterctl token hash TOKEN)")
                }
            }
        }

        var database = DatabaseSettings()
        if let d = f.database {
            database.path = d.path ?? database.path
            if let s = d.synchronous {
                if let mode = SyncMode(rawValue: s) { database.sync = mode } else {
                    fail("database.synchronous", "must be \"full\" or \"normal\", found \"\(s)\"")
                }
            }
        }

        let categories = categories(f.categories)
        let (clerks, clerkPINs) = clerks(f.clerks)
        // A category with a wrong value is still a category a window may name: one error, not a cascade of "unknown category".
        let declared = Set((f.categories?.items ?? []).compactMap { $0.1.code })
        let windows = windows(f.windows, categories: categories, declared: declared)
        let items = items(f.items, declared: declared)
        let tokens = tokens(f.tokens, windows: windows)
        var devices = devices(f.devices, windows: windows)
        let display = display(f.display)
        let voice = voice(f.voice)
        var kiosk = kiosk(f.kiosk, devices: devices)
        let kioskLabels = tokens.filter { $0.role == .kiosk }.map(\.label)
        for (i, d) in devices.enumerated() where d.role == .scanner {
            if let k = d.kiosk {
                if !kioskLabels.contains(k) {
                    fail("devices[\(i)].kiosk", "no kiosk token labelled \"\(k)\" (have: \(kioskLabels.joined(separator: ", ")))")
                }
            } else if kioskLabels.count == 1 {
                devices[i].kiosk = kioskLabels[0]
            } else {
                fail("devices[\(i)].kiosk", "say which kiosk the scanner stands at: the label of its kiosk token (have: \(kioskLabels.joined(separator: ", ")))")
            }
        }
        if devices.contains(where: { $0.role == .scanner }) && !kiosk.appointments {
            fail("kiosk.appointments", "a scanner is configured: set appointments = true so its codes check in")
        }
        kiosk.reminder = reminders(f.reminders)
        rules.priorityReasons = kiosk.priorityReasons
        rules.defaultServiceSeconds = kiosk.defaultServiceMinutes * 60
        rules.workingCalendar = workingCalendar(f.calendar)
        let alerts = alertSettings(f.alerts)
        for t in tokens {
            if let printer = t.printer, !devices.contains(where: { $0.id == printer && $0.role == .printer }) {
                fail("tokens", "token \"\(t.label)\" names printer \"\(printer)\", which is not a configured device with role = \"printer\"")
            }
        }
        if categories.isEmpty { fail("categories", "at least one [[categories]] is needed") }
        if windows.isEmpty { fail("windows", "at least one [[windows]] is needed") }
        let platform = platform(f.platform)
        let district = district(f.district)
        var monthly: String?
        if let d = f.exports?.monthlyDir {
            if d.hasPrefix("/") { monthly = d } else { fail("exports.monthly_dir", "must be an absolute directory path, e.g. \"/var/lib/counterd/reports\"") }
        }
        guard report.issues.isEmpty else { return nil }
        var config = CounterdConfig(setup: HallSetup(name: name, categories: categories, windows: windows, clerks: clerks, rules: rules,
                                               identity: identity),
                              server: server, database: database, tokens: tokens, clerkPINs: clerkPINs, devices: devices, display: display,
                              voice: voice, kiosk: kiosk, alerts: alerts, ratings: ratings, platform: platform, district: district)
        config.monthlyWorkbookDirectory = monthly
        config.items = items
        return config
    }

    /// `[district]`: shipping the log to the district service.
    func district(_ t: DistrictSection?) -> DistrictSettings? {
        guard let t else { return nil }
        var ok = true
        func need<T>(_ v: T?, _ key: String, _ what: String) -> T? {
            if v == nil { fail("district.\(key)", "missing (\(what))"); ok = false }
            return v
        }
        let url = need(t.url, "url", "the district service's http:// or https:// URL")
        if let url, URL(string: url).map({ ["http", "https"].contains($0.scheme?.lowercased() ?? "") && !($0.host ?? "").isEmpty }) != true {
            fail("district.url", "must be an http:// or https:// URL, found \"\(url)\"")
            ok = false
        }
        let id = need(t.hallId, "hall_id", "this hall's id at the district")
        if let id, id.isEmpty || id.count > 40 || !id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            fail("district.hall_id", "must be 1–40 ASCII letters, digits, - or _, found \"\(id)\"")
            ok = false
        }
        let token = need(t.tokenFile, "token_file", "a file holding the hall's token, readable by counterd only")
        var level = DistrictSettings.Level.community
        if let l = t.level {
            if let v = DistrictSettings.Level(rawValue: l) { level = v } else {
                fail("district.level", "must be district (区), street (街道) or community (社区), found \"\(l)\"")
                ok = false
            }
        }
        let batch = inRange(t.batchSize, "district.batch_size", 1...10_000) ?? 2_000
        let first = inRange(t.retryFirstSeconds, "district.retry_first_seconds", 0.01...600) ?? 1
        let maxPause = inRange(t.retryMaxSeconds, "district.retry_max_seconds", 0.01...3_600) ?? 60
        let heartbeat = inRange(t.heartbeatSeconds, "district.heartbeat_seconds", 0.2...600) ?? 30
        guard ok, let url, let id, let token else { return nil }
        return DistrictSettings(url: url, hallID: id, tokenFile: token, level: level, parent: t.parent, batchSize: batch,
                                retryFirstSeconds: first, retryMaxSeconds: maxPause, heartbeatSeconds: heartbeat)
    }

    /// `[hall] area_code, area_name, dept_code, dept_name, project_no_prefix`: who the hall is to the platform.
    func identity(_ h: HallSection) -> HallIdentity {
        var id = HallIdentity(areaName: h.areaName, deptName: h.deptName)
        if let a = h.areaCode {
            if (6...12).contains(a.count) && a.allSatisfy({ $0.isASCII && $0.isNumber }) { id.areaCode = a } else {
                fail("hall.area_code", "must be the 行政区划代码: 6 to 12 digits (e.g. \"330102\"), found \"\(a)\"")
            }
        }
        if let d = h.deptCode {
            if d.count == 18 && d.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isUppercase) }) { id.deptCode = d } else {
                fail("hall.dept_code", "must be the department's 统一社会信用代码: 18 digits or capital letters, found \"\(d)\" (\(d.count) characters)")
            }
        }
        if let p = h.projectNoPrefix {
            if p.count <= 30 && p.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) { id.projectNoPrefix = p } else {
                fail("hall.project_no_prefix", "must be at most 30 ASCII letters, digits, - or _, found \"\(p)\"")
            }
        }
        return id
    }

    /// `[platform]`: the push to the provincial 好差评 platform.
    func platform(_ t: PlatformSection?) -> PlatformSettings? {
        guard let t else { return nil }
        var p = PlatformSettings()
        if let profile = t.profile {
            if profile.isEmpty { fail("platform.profile", "must name a profile (offline-report-json, gbt39046) or a path") } else { p.profile = profile }
        }
        if let tr = t.transport {
            if let v = PlatformSettings.Transport(rawValue: tr) { p.transport = v } else {
                fail("platform.transport", "must be \"http\" (counterd pushes) or \"file\" (staff upload exported files), found \"\(tr)\"")
            }
        }
        if let url = t.url {
            if let u = URL(string: url), ["http", "https"].contains(u.scheme?.lowercased() ?? ""), !(u.host ?? "").isEmpty { p.url = url } else {
                fail("platform.url", "must be the platform's http:// or https:// URL, found \"\(url)\"")
            }
        }
        if p.transport == .http && p.url == nil && t.url == nil {
            fail("platform.url", "missing: transport = \"http\" needs the platform's URL (or set transport = \"file\")")
        }
        if let h = t.authHeader {
            if !h.isEmpty && h.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) { p.authHeader = h } else {
                fail("platform.auth_header", "must be an HTTP header name (letters, digits, -), found \"\(h)\"")
            }
        }
        p.authTokenFile = t.authTokenFile
        p.timeoutSeconds = inRange(t.timeoutSeconds, "platform.timeout_seconds", 0.1...300) ?? p.timeoutSeconds
        p.retryFirstSeconds = inRange(t.retryFirstSeconds, "platform.retry_first_seconds", 0.01...600) ?? p.retryFirstSeconds
        p.retryMaxSeconds = inRange(t.retryMaxSeconds, "platform.retry_max_seconds", 0.01...86_400) ?? p.retryMaxSeconds
        p.alertAfterMinutes = inRange(t.alertAfterMinutes, "platform.alert_after_minutes", 1...10_080) ?? p.alertAfterMinutes
        return p
    }

    func alertSettings(_ t: AlertsSection?) -> AlertSettings {
        var a = AlertSettings()
        guard let t else { return a }
        if let m = inRange(t.waitMinutes, "alerts.wait_minutes", 1...1440) { a.rules.waitMinutes = m }
        if let hours = t.openingHours {
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
        if let url = t.webhook {
            if url.isEmpty {
                a.webhook = nil
            } else if let u = URL(string: url), ["http", "https"].contains(u.scheme?.lowercased() ?? ""), !(u.host ?? "").isEmpty {
                a.webhook = url
            } else {
                fail("alerts.webhook", "must be an http:// or https:// URL")
            }
        }
        a.webhookAttempts = inRange(t.webhookAttempts, "alerts.webhook_attempts", 1...100) ?? a.webhookAttempts
        return a
    }

    /// `[calendar] holidays = [...]`, `workdays = [...]` (调休 working weekends): for 差评 deadlines.
    func workingCalendar(_ t: CalendarSection?) -> WorkingCalendar {
        var c = WorkingCalendar()
        guard let t else { return c }
        for (days, path, holidays) in [(t.holidays ?? [], "calendar.holidays", true), (t.workdays ?? [], "calendar.workdays", false)] {
            for (i, d) in days.enumerated() where !WorkingCalendar.isDay(d) {
                fail("\(path)[\(i)]", "\"\(d)\" is not a date (yyyy-MM-dd)")
            }
            if holidays { c.holidays = Set(days) } else { c.workdays = Set(days) }
        }
        for d in c.holidays.intersection(c.workdays).sorted() { fail("calendar", "\(d) is both a holiday and a working day") }
        return c
    }

    func kiosk(_ t: KioskSection?, devices: [DeviceBinding]) -> KioskSettings {
        var k = KioskSettings()
        let printers = devices.filter { $0.role == .printer }
        // One printer and no [kiosk] section: that is the kiosk's printer.
        if printers.count == 1 { k.printer = printers[0].id }
        guard let t else { return k }
        if let p = t.printer {
            k.printer = p.isEmpty ? nil : p
            if let p = k.printer, !printers.contains(where: { $0.id == p }) {
                fail("kiosk.printer", "no device \"\(p)\" with role = \"printer\" (have: \(printers.map(\.id).joined(separator: ", ")))")
            }
        }
        if let mm = inRange(t.paperMm, "kiosk.paper_mm", 58...80) {
            if mm == 58 || mm == 80 { k.columns = mm == 58 ? 32 : 48 } else { fail("kiosk.paper_mm", "must be 58 or 80") }
        }
        if let cut = t.cut {
            if cut == "partial" || cut == "full" { k.partialCut = cut == "partial" } else { fail("kiosk.cut", "must be \"partial\" or \"full\"") }
        }
        if let b = t.chineseMode { k.chineseMode = b }
        if let b = t.barcode { k.barcode = b }
        if let url = t.ratingUrl {
            if url.isEmpty {
                k.ratingURL = nil
            } else if let u = URL(string: url), u.scheme == "http" || u.scheme == "https", u.host != nil {
                k.ratingURL = url.hasSuffix("/") ? String(url.dropLast()) : url
            } else {
                fail("kiosk.rating_url", "must be an http(s) URL that phones in the hall can open, e.g. \"http://192.168.1.10:8080\"")
            }
        }
        if let pin = t.staffPin {
            if pin.isEmpty { k.staffPIN = nil } else if pin.count >= 4, pin.allSatisfy(\.isNumber) { k.staffPIN = pin } else {
                fail("kiosk.staff_pin", "must be at least 4 digits")
            }
        }
        if let reasons = t.priorityReasons {
            let trimmed = reasons.map { $0.trimmingCharacters(in: .whitespaces) }
            if trimmed.contains(where: { $0.isEmpty || $0.count > 30 }) {
                fail("kiosk.priority_reasons", "each reason must be 1 to 30 characters, e.g. \"老年人（65 周岁以上）\"")
            } else if Set(trimmed).count != trimmed.count {
                fail("kiosk.priority_reasons", "a reason is listed twice")
            } else {
                k.priorityReasons = trimmed
            }
        }
        if let b = t.appointments { k.appointments = b }
        if let m = inRange(t.defaultServiceMinutes, "kiosk.default_service_minutes", 0.5...240) { k.defaultServiceMinutes = m }
        if let m = inRange(t.appointmentEarlyMinutes, "kiosk.appointment_early_minutes", 0...240) { k.appointmentEarlyMinutes = m }
        if let m = inRange(t.appointmentLateMinutes, "kiosk.appointment_late_minutes", 0...240) { k.appointmentLateMinutes = m }
        return k
    }

    /// `[reminders]`: the turn-near message through an SMS/WeChat gateway.
    func reminders(_ t: RemindersSection?) -> ReminderSettings? {
        guard let t else { return nil }
        guard let url = required(t.webhook, "reminders.webhook", "an http(s) URL of the SMS/WeChat gateway") else { return nil }
        guard let u = URL(string: url), u.scheme == "http" || u.scheme == "https", u.host != nil else {
            fail("reminders.webhook", "must be an http(s) URL, e.g. \"http://10.0.0.5:9000/sms\"")
            return nil
        }
        var r = ReminderSettings(webhook: url)
        if let n = inRange(t.ahead, "reminders.ahead", 1...20) { r.ahead = n }
        if let n = inRange(t.attempts, "reminders.attempts", 1...20) { r.attempts = n }
        if let text = t.template {
            if text.isEmpty || !text.contains("{number}") {
                fail("reminders.template", "must contain {number}, so the citizen knows which ticket the message is about")
            } else {
                r.template = text
            }
        }
        if let token = t.token, !token.isEmpty { r.token = token }
        return r
    }

    /// `[[items]]`: each 事项 under a declared category, with its limits: a 即办件 has none, any other class a promised
    /// limit of 1–365 days, and a legal limit (if given) no shorter than the promised one in the same unit.
    func items(_ list: ConfigList<ItemSection>?, declared: Set<String>) -> [MatterItem] {
        var out: [MatterItem] = []
        var codes = Set<String>()
        for (i, t) in list?.items ?? [] {
            let p = "items[\(i)]"
            let code = required(t.code, "\(p).code", "a string (事项编码)")
            let name = required(t.name, "\(p).name", "a string (事项名称)")
            let category = required(t.category, "\(p).category", "a category code")
            if let code {
                if code.isEmpty || code.count > 64 {
                    fail("\(p).code", "must be 1–64 characters (事项编码), found \"\(code)\"")
                } else if !codes.insert(code).inserted {
                    fail("\(p).code", "duplicate item code \"\(code)\"")
                }
            }
            if let category, !declared.contains(category) {
                fail("\(p).category", "unknown category \"\(category)\" (known: \(declared.sorted().joined(separator: ", ")))")
            }
            var outcome = Outcome.promised
            if let text = t.outcome {
                if let o = Outcome(rawValue: text) { outcome = o } else {
                    fail("\(p).outcome", "must be one of \(Outcome.allCases.map(\.rawValue).joined(separator: ", ")) (即办件, 承诺件, 联办件, 上报件, 答复件), found \"\(text)\"")
                }
            }
            func unit(_ text: String?, _ key: String) -> MatterLimit.Unit? {
                guard let text else { return .workingDays }
                guard let u = MatterLimit.Unit(rawValue: text) else {
                    fail("\(p).\(key)", "must be working_days (工作日) or natural_days (自然日), found \"\(text)\"")
                    return nil
                }
                return u
            }
            let promisedUnit = unit(t.promisedUnit, "promised_unit")
            let legalUnit = unit(t.legalUnit, "legal_unit")
            var limit = MatterLimit(0)
            if outcome == .immediate {
                if let d = t.promisedDays, d != 0 { fail("\(p).promised_days", "a 即办件 (outcome = \"immediate\") has no promised limit: leave it out or set 0") }
            } else if let days = required(t.promisedDays, "\(p).promised_days", "an integer (承诺办结时限)") {
                if (1...365).contains(days) { limit = MatterLimit(days, promisedUnit ?? .workingDays) } else {
                    fail("\(p).promised_days", "must be 1–365, found \(days)")
                }
            }
            var legal: MatterLimit?
            if let days = t.legalDays {
                if !(1...3650).contains(days) {
                    fail("\(p).legal_days", "must be 1–3650, found \(days)")
                } else {
                    legal = MatterLimit(days, legalUnit ?? .workingDays)
                    if legal?.unit == limit.unit, days < limit.amount {
                        fail("\(p).legal_days", "the legal limit (\(days)) is shorter than the promised one (\(limit.amount)): a promise is at most the law's limit")
                    }
                }
            }
            if let code, let name, let category {
                out.append(MatterItem(code: code, implementationCode: t.implementationCode, name: name, category: category, outcome: outcome,
                                      limit: limit, legalLimit: legal))
            }
        }
        return out
    }

    func categories(_ list: ConfigList<CategorySection>?) -> [ServiceCategory] {
        var out: [ServiceCategory] = []
        var codes = Set<String>(), prefixes = Set<String>()
        for (i, t) in list?.items ?? [] {
            let p = "categories[\(i)]"
            let code = required(t.code, "\(p).code", "a string")
            let name = required(t.name, "\(p).name", "a string")
            let prefix = required(t.prefix, "\(p).prefix", "a string")
            let limit = t.timeLimitMinutes == nil ? 30 : inRange(t.timeLimitMinutes, "\(p).time_limit_minutes", 1...1440)
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
            var outcome: Outcome?
            if let text = t.defaultOutcome {
                outcome = Outcome(rawValue: text)
                if outcome == nil {
                    fail("\(p).default_outcome", "must be one of \(Outcome.allCases.map(\.rawValue).joined(separator: ", ")) "
                         + "(即办件, 承诺件, 联办件, 上报件, 答复件), found \"\(text)\"")
                }
            }
            if let code, let name, let prefix, let limit {
                out.append(ServiceCategory(code: code, name: name, prefix: prefix, checklist: t.checklist ?? [], timeLimitMinutes: limit,
                                           defaultOutcome: outcome, taskCode: t.taskCode, taskName: t.taskName))
            }
        }
        return out
    }

    func clerks(_ list: ConfigList<ClerkSection>?) -> ([Clerk], [String: String]) {
        var out: [Clerk] = []
        var pins: [String: String] = [:]
        var ids = Set<String>()
        for (i, t) in list?.items ?? [] {
            let p = "clerks[\(i)]"
            let id = required(t.id, "\(p).id", "a string"), name = required(t.name, "\(p).name", "a string")
            guard let id, let name else { continue }
            if id.isEmpty { fail("\(p).id", "must not be empty"); continue }
            if !ids.insert(id).inserted { fail("\(p).id", "duplicate clerk id \"\(id)\""); continue }
            if let photo = t.photo {
                let lower = photo.lowercased()
                if !(lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") || lower.hasSuffix(".png")) {
                    fail("\(p).photo", "must be a .jpg, .jpeg or .png file, found \"\(photo)\"")
                }
            }
            if let s = t.staffNo, s.isEmpty || s.count > 20 { fail("\(p).staff_no", "must be 1 to 20 characters (the clerk's 工号)") }
            out.append(Clerk(id: id, name: name, staffNo: t.staffNo, photo: t.photo))
            if let h = t.pinHash {
                if ClerkPIN.isStoredForm(h) {
                    pins[id] = h
                } else {
                    fail("\(p).pin_hash", "is not a PIN hash: make one with `counterctl clerk pin \(id)` and paste its line here")
                }
            }
        }
        return (out, pins)
    }

    func windows(_ list: ConfigList<WindowSection>?, categories: [ServiceCategory], declared: Set<String> = []) -> [ServiceWindow] {
        var out: [ServiceWindow] = []
        var numbers = Set<Int>()
        let known = Set(categories.map(\.code)).union(declared)
        for (i, t) in list?.items ?? [] {
            let p = "windows[\(i)]"
            let number = inRange(required(t.number, "\(p).number", "an integer"), "\(p).number", 1...9999)
            let cats = required(t.categories, "\(p).categories", "an array of strings")
            if let number, !numbers.insert(number).inserted { fail("\(p).number", "duplicate window number \(number)") }
            if let cats {
                if cats.isEmpty { fail("\(p).categories", "a window must serve at least one category") }
                // The choices go with the refusal: the setup pages show them by name.
                let choices = categories.map { "\($0.code) = \($0.name)" }.joined(separator: "; ")
                for (j, c) in cats.enumerated() where !known.contains(c) {
                    fail("\(p).categories[\(j)]", "unknown category \"\(c)\" (known: \(choices))")
                }
            }
            if let number, let cats {
                out.append(ServiceWindow(number: number, name: t.name ?? "\(number)号窗口", categories: cats))
            }
        }
        return out
    }

    func display(_ d: DisplaySection?) -> DisplayTemplates {
        var t = DisplayTemplates()
        guard let d else { return t }
        let keys: [(String, String?, WritableKeyPath<DisplayTemplates, String>)] = [
            ("call", d.call, \.call), ("call_short", d.callShort, \.callShort), ("hall_call", d.hallCall, \.hallCall),
            ("idle", d.idle, \.idle), ("idle_no_clerk", d.idleNoClerk, \.idleNoClerk), ("closed", d.closed, \.closed),
            ("hall_idle", d.hallIdle, \.hallIdle), ("voice", d.voice, \.voice)]
        for (key, value, path) in keys {
            guard let v = value else { continue }
            let unknown = DisplayTemplates.unknownPlaceholders(v)
            if !unknown.isEmpty {
                fail("display.\(key)", "unknown placeholder {\(unknown[0])} (known: \(DisplayTemplates.placeholders.sorted().map { "{\($0)}" }.joined(separator: " ")))")
            }
            t[keyPath: path] = v
        }
        return t
    }

    func voice(_ t: VoiceSection?) -> VoiceSettings {
        var v = VoiceSettings()
        guard let t else { return v }
        if let b = t.enabled { v.enabled = b }
        v.device = t.device ?? v.device
        v.pack = t.pack ?? v.pack
        if let p = t.player?.value {
            if let words = p.array?.compactMap(\.string), words.count == p.array?.count, !words.isEmpty { v.player = words } else {
                fail("voice.player", "must be a list of strings, e.g. [\"aplay\", \"-q\", \"-D\", \"{device}\", \"{file}\"]")
            }
        }
        v.gapMilliseconds = inRange(t.gapMs, "voice.gap_ms", 0...5000) ?? v.gapMilliseconds
        return v
    }

    func devices(_ list: ConfigList<DeviceSection>?, windows: [ServiceWindow]) -> [DeviceBinding] {
        var out: [DeviceBinding] = []
        var ids = Set<String>()
        var positions: [String: Int] = [:]
        for (i, t) in list?.items ?? [] {
            let p = "devices[\(i)]"
            guard let id = required(t.id, "\(p).id", "a string") else { continue }
            if id.isEmpty || !id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
                fail("\(p).id", "must be ASCII letters, digits, - or _, found \"\(id)\"")
                continue
            }
            if !ids.insert(id).inserted { fail("\(p).id", "duplicate device id \"\(id)\""); continue }
            positions[id] = i
            guard let roleText = required(t.role, "\(p).role", "a string") else { continue }
            guard let role = DeviceRole(rawValue: roleText) else {
                fail("\(p).role", "must be one of \(DeviceRole.allCases.map(\.rawValue).joined(separator: ", ")); found \"\(roleText)\"")
                continue
            }
            var window: Int?
            if t.window != nil || ([.evaluator, .caller, .windowDisplay].contains(role) && t.bus == nil) {
                window = inRange(required(t.window, "\(p).window", "an integer"), "\(p).window", 1...9999)
                if let w = window, !windows.contains(where: { $0.number == w }) { fail("\(p).window", "no window \(w)") }
            }
            guard let transportText = required(t.transport, "\(p).transport", "a string") else { continue }
            guard let transport = TransportKind(rawValue: transportText) else {
                fail("\(p).transport", "must be one of \(TransportKind.allCases.map(\.rawValue).joined(separator: ", ")); found \"\(transportText)\"")
                continue
            }
            var match = DeviceMatch()
            if let b = t.udevRole { match.udevRole = b }
            match.idPath = t.idPath
            match.serial = t.serial
            match.path = t.path
            if let v = t.vidPid {
                let parts = v.lowercased().split(separator: ":")
                if parts.count == 2, parts.allSatisfy({ $0.count == 4 && $0.allSatisfy(\.isHexDigit) }) {
                    match.vidPid = v.lowercased()
                } else {
                    fail("\(p).vid_pid", "must be VVVV:PPPP in hex, e.g. \"1a86:7523\"; found \"\(v)\"")
                }
            }
            var settings = SerialSettings()
            if let baud = inRange(t.baud, "\(p).baud", 1...4_000_000) {
                if SerialSettings.supportedBauds.contains(baud) { settings.baud = baud } else {
                    fail("\(p).baud", "must be one of \(SerialSettings.supportedBauds.map(String.init).joined(separator: ", "))")
                }
            }
            if let parity = t.parity {
                if let pv = Parity(rawValue: parity) { settings.parity = pv } else { fail("\(p).parity", "must be none, even or odd") }
            }
            settings.turnaroundMilliseconds = inRange(t.rs485TurnaroundMs, "\(p).rs485_turnaround_ms", 0...1000) ?? 0
            let address = inRange(t.address, "\(p).address", 0...255)
            let bus = t.bus.map { busEntries($0, role: role, windows: windows) } ?? [:]
            if role == .evaluator && t.profile == nil { fail("\(p).profile", "an evaluator needs a profile (see profiles/)") }
            if (role == .windowDisplay || role == .hallDisplay) && t.profile == nil {
                fail("\(p).profile", "a display needs a profile (see profiles/display-*.toml)")
            }
            if role == .scanner && t.profile == nil { fail("\(p).profile", "a scanner needs a profile (see profiles/scanner-*.toml)") }
            if role != .scanner && t.kiosk != nil { fail("\(p).kiosk", "only a scanner stands at a kiosk") }
            switch transport {
            case .tcp:
                if t.host == nil { fail("\(p).host", "a tcp device needs host = \"ADDRESS:PORT\"") }
            case .replay:
                if t.recording == nil { fail("\(p).recording", "a replay device needs recording = \"FILE\"") }
            default:
                if match.isEmpty {
                    fail(p, "say how to find the device: udev_role = true, id_path, serial, vid_pid or path")
                }
            }
            var binding = DeviceBinding(id: id, role: role, window: window, transport: transport, match: match, serial: settings,
                                        host: t.host, recording: t.recording, address: address, profile: t.profile, bus: bus)
            binding.kiosk = t.kiosk
            out.append(binding)
        }
        for (a, b) in DeviceMatcher.staticConflicts(out) {
            fail("devices[\(positions[b] ?? 0)]", "matches every device that \"\(a)\" matches (or the reverse): a device must never serve two bindings; add id_path or serial to tell them apart")
        }
        return out
    }

    /// `bus = [{address = 1, window = 3}, …]`: bus address → window (0: a hall screen on a display line).
    func busEntries(_ raw: TOMLRaw, role: DeviceRole, windows: [ServiceWindow]) -> [Int: Int] {
        let p = raw.path
        guard let entries = raw.value.array else {
            fail(p, "must be an array like [{address = 1, window = 3}, …]")
            return [:]
        }
        var bus: [Int: Int] = [:]
        for (j, entry) in entries.enumerated() {
            guard let e = entry.table else { continue }
            let entryPath = "\(p)[\(j)]"
            for key in e.keys where key != "address" && key != "window" {
                fail("\(entryPath).\(key)", "unknown key (allowed: address, window)")
            }
            func int(_ key: String, _ range: ClosedRange<Int>) -> Int? {
                guard let v = e[key] else { fail("\(entryPath).\(key)", "missing (an integer)"); return nil }
                guard let i = v.int else { fail("\(entryPath).\(key)", "must be an integer, found \(v.type)"); return nil }
                return inRange(i, "\(entryPath).\(key)", range)
            }
            guard let a = int("address", 0...247) else { continue }
            // A hall screen (window 0, or no window on a hall-display line) shares the line with window screens.
            let hallScreen = role == .hallDisplay && e["window"] == nil
            guard let w = hallScreen ? 0 : int("window", role == .windowDisplay ? 0...9999 : 1...9999) else { continue }
            if w != 0 && !windows.contains(where: { $0.number == w }) { fail("\(entryPath).window", "no window \(w)") }
            if bus[a] != nil { fail("\(entryPath).address", "address \(a) is listed twice") }
            bus[a] = w
        }
        return bus
    }

    func tokens(_ list: ConfigList<TokenSection>?, windows: [ServiceWindow]) -> [TokenEntry] {
        var out: [TokenEntry] = []
        var hashes = Set<String>()
        for (i, t) in list?.items ?? [] {
            let p = "tokens[\(i)]"
            guard let roleText = required(t.role, "\(p).role", "a string") else { continue }
            guard let role = Role(rawValue: roleText), Role.tokenRoles.contains(role) else {
                let hint = Role(rawValue: roleText) != nil ? " (\(roleText) is a person's role: give them an account, `counterctl user add`)" : ""
                fail("\(p).role", "must be one of kiosk, window, display, manager; found \"\(roleText)\"\(hint)")
                continue
            }
            var window: Int?
            if role == .window {
                window = inRange(required(t.window, "\(p).window", "an integer"), "\(p).window", 1...9999)
                if let w = window, !windows.contains(where: { $0.number == w }) { fail("\(p).window", "no window \(w)") }
            } else if t.window != nil {
                fail("\(p).window", "only a token with role = \"window\" is bound to a window")
            }
            guard let hash = required(t.sha256, "\(p).sha256", "a string") else { continue }
            let lower = hash.lowercased()
            if lower.count != 64 || !lower.allSatisfy({ $0.isHexDigit }) {
                fail("\(p).sha256", "must be 64 hex digits (make one with `counterctl token hash`)")
                continue
            }
            if !hashes.insert(lower).inserted { fail("\(p).sha256", "the same token is configured twice") }
            var entry = TokenEntry(role: role, window: window, sha256: lower, label: t.label ?? "")
            if let printer = t.printer, !printer.isEmpty {
                if role == .kiosk { entry.printer = printer } else { fail("\(p).printer", "only a kiosk token has a printer") }
            }
            out.append(entry)
        }
        return out
    }
}
