import Access
import Exports
import Foundation
import HallModel
import HallRuntime
import Hummingbird
import NIOCore
import Store

/// Everything the managers' dashboard draws for a date range, in one answer.
struct DashboardView: Encodable {
    struct Day: Encodable {
        var day: String
        var served: Int
        var rated: Int
        /// Index 0 = 非常不满意 … 4 = 非常满意.
        var ratings: [Int]
        var satisfactionRate: Double?
        var score: Double?
    }

    struct Bucket: Encodable {
        /// Upper edge in seconds; nil for the last, open bucket.
        var upperSeconds: Double?
        var count: Int
    }

    var hall: String
    var from: String
    var to: String
    var today: String
    var windows: [ReportRow]
    var clerks: [ReportRow]
    var categories: [ReportRow]
    /// Each table's 合计 row ("windows", "clerks", "categories"): the range's own figures, not sums of rows.
    var totals: [String: ReportRow]
    /// The period compared with (环比, `PreviousPeriod`) and its whole-hall figures, for the headline's change.
    var previous: Previous?

    struct Previous: Encodable {
        var from: String
        var to: String
        var windows: ReportRow
        var casesOpened: Int
    }
    var daily: [Day]
    /// Waiting times of the services finished in the range, in minute-wide buckets up to an hour, then an open one.
    var waitHistogram: [Bucket]
    /// Services finished per hour of the day (0–23, hall time).
    var servedByHour: [Int]
    var casesOpen: Int
    var casesOverdue: Int
    /// Each window's most frequent 差评 reasons (up to three), by window number.
    var badReasons: [String: [ReasonRow]]
}

func addDashboardRoutes(_ router: Router<HallRequestContext>, _ deps: WebDependencies) {
    let forReports = router.requiring(deps, .reports, under: "api")
    router.get("/dashboard") { _, _ in Page.response(Page.dashboard) }
    forReports.get("dashboard") { request, _ in
        let (from, to) = try await range(request, deps)
        return try JSON.response(try await dashboard(deps, from: from, to: to))
    }
    // Reports and the case list as CSV (UTF-8 with BOM) or XLSX: /api/export/windows.csv?from=&to=
    // The audit record's file needs `.audit`; every other file `.reports`.
    router.group("api").add(middleware: Authorize(deps) { _, context in context.parameters.get("file") == "audit.csv" ? .audit : .reports })
        .get("export/:file") { request, context in
        let file = context.parameters.get("file") ?? ""
        if file == "audit.csv" { return try await auditCSV(request, deps) }
        let principal = try context.principal
        // Callback phones go out in full only to a person allowed to reveal them, and that export is recorded.
        let revealPhones = AccessControl.allows(principal, .revealPhone) && (file.hasPrefix("cases.") || file == "workbook.xlsx")
        let parts = file.split(separator: ".")
        guard parts.count == 2, ["csv", "xlsx"].contains(parts[1]) else { throw APIError.notFound }
        let (from, to) = try await range(request, deps)
        let setup = await deps.hall.setup
        let today = await deps.today()
        let table: ExportTable
        if file == "workbook.xlsx" {
            // The monthly 考核 workbook: every report with its 合计, the cases and the reasons, formatted.
            let madeAt = WorkbookTime.now(setup.rules.timeZone)
            let book = try await StoreReads.run { try AssessmentBook.make(reports: deps.reports, store: deps.hall.store, indicators: deps.ratingRules.indicators,
                                               from: from, to: to, today: today, madeAt: madeAt,
                                               revealPhones: revealPhones) }
            if revealPhones { deps.audit(principal, "export_phones", target: file, detail: "\(from) 至 \(to) 的差评回访电话（完整号码）") }
            var headers = HTTPFields()
            headers[.contentDisposition] = "attachment; filename=\"assessment-\(from)-\(to).xlsx\""
            headers[.contentType] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: book.xlsx())))
        }
        switch parts[0] {
        case "windows": table = .report(try await StoreReads.run { try deps.reports.rows(.window, from: from, to: to, today: today) }, scope: .window)
        case "clerks": table = .report(try await StoreReads.run { try deps.reports.rows(.clerk, from: from, to: to, today: today) }, scope: .clerk)
        case "categories": table = .report(try await StoreReads.run { try deps.reports.rows(.category, from: from, to: to, today: today) }, scope: .category)
        case "cases":
            table = .cases(try await StoreReads.run { try deps.hall.store.cases(fromDay: from, toDay: to) }, setup: setup, today: today,
                           indicators: deps.ratingRules.indicators, revealPhones: revealPhones)
            if revealPhones { deps.audit(principal, "export_phones", target: file, detail: "\(from) 至 \(to) 的差评回访电话（完整号码）") }
        case "reasons":
            // ?by=windows (default), clerks or categories.
            let by = ["windows": StatsScope.window, "clerks": .clerk, "categories": .category][request.uri.queryParameters.get("by") ?? "windows"] ?? .window
            table = .reasons(try await StoreReads.run { try deps.reports.reasonRows(by, from: from, to: to, indicators: deps.ratingRules.indicators) }, scope: by)
        default: throw APIError.notFound
        }
        var headers = HTTPFields()
        let name = "\(parts[0])-\(from)-\(to).\(parts[1])"
        headers[.contentDisposition] = "attachment; filename=\"\(name)\""
        if parts[1] == "csv" {
            headers[.contentType] = "text/csv; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: table.csv())))
        }
        headers[.contentType] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: table.xlsx())))
    }
    forReports.get("alerts") { request, _ in
        /// One condition of today, from the log: raised when, cleared when (nil: still holds).
        struct TodayAlert: Encodable {
            var key: String
            var kind: String
            var message: String
            var window: Int?
            var number: String?
            var raisedAt: Date
            var clearedAt: Date?
        }
        struct Alerts: Encodable {
            var alerts: [SupervisionAlert]
            /// Every alert raised today (the hall's business day), with its state: a 差评 raised at 10:00 is still here at 15:00.
            var today: [TodayAlert]
        }
        let active = await deps.alerts?.active.values.sorted { $0.key < $1.key } ?? []
        var today: [TodayAlert] = []
        var open: [String: Int] = [:]
        let day = await deps.today()
        for e in try await StoreReads.run({ try deps.hall.store.events(day: day, kinds: [.alertRaised, .alertCleared]) }) {
            switch e.event {
            case .alertRaised(let a):
                open[a.alert] = today.count
                today.append(TodayAlert(key: a.alert, kind: a.reason, message: a.note, window: a.window, number: a.number, raisedAt: e.at))
            case .alertCleared(let a):
                if let i = open.removeValue(forKey: a.alert) { today[i].clearedAt = e.at }
            default: break
            }
        }
        return try JSON.response(Alerts(alerts: active, today: today))
    }
}

private func dashboard(_ deps: WebDependencies, from: String, to: String) async throws -> DashboardView {
    let setup = await deps.hall.setup
    let today = await deps.today()
    return try await StoreReads.run { try dashboard(deps, setup: setup, today: today, from: from, to: to) }
}

/// The dashboard's figures: every query of the store, run off the cooperative threads (`StoreReads`).
private func dashboard(_ deps: WebDependencies, setup: HallSetup, today: String, from: String, to: String) throws -> DashboardView {
    let reports = deps.reports
    let store = deps.hall.store
    let weights = setup.rules.scoreWeights
    var daily: [DashboardView.Day] = []
    let perDay = try store.perDay(scope: .window, from: from, to: to)
    var waits = DurationHistogram()
    for day in perDay.keys.sorted() {
        let s = perDay[day]!
        waits.merge(s.waitHistogram)
        daily.append(.init(day: day, served: s.served, rated: s.rated, ratings: s.ratings,
                           satisfactionRate: ReportBuilder.satisfactionRate(ratings: s.ratings),
                           score: ReportBuilder.score(ratings: s.ratings, weights: weights)))
    }
    // One-minute buckets to 30 min, five-minute ones to an hour, then one open bucket: every edge here is
    // an edge of the stored histogram, so each stored bucket falls wholly into one of these.
    let targets: [Double] = (1...30).map { Double($0) * 60 } + (7...12).map { Double($0) * 300 }
    var counts = [Int](repeating: 0, count: targets.count + 1)
    for (i, count) in waits.counts.enumerated() {
        let upper = i < DurationHistogram.edges.count ? DurationHistogram.edges[i] : .infinity
        counts[targets.firstIndex { $0 >= upper } ?? targets.count] += Int(count)
    }
    let buckets = counts.enumerated().map { DashboardView.Bucket(upperSeconds: $0.offset < targets.count ? targets[$0.offset] : nil, count: $0.element) }
    var byHour = [Int](repeating: 0, count: 24)
    let calendar = BusinessCalendar(identifier: setup.rules.timeZone)
    try store.forEachTicket(fromDay: from, toDay: to) { rows in
        for t in rows where t.status == .served {
            guard let ms = t.finishedAtMs else { continue }
            byHour[calendar.hour(of: Date(timeIntervalSince1970: Double(ms) / 1000))] += 1
        }
    }
    let unclosed = try store.unclosedCases()
    // A period before the first reportable year (2000) has nothing to compare with: no 环比, not an error.
    let previous = try PreviousPeriod.of(from: from, to: to).flatMap { p in (try? reports.validate(from: p.from, to: p.to)) == nil ? nil : p }.map { p in
        DashboardView.Previous(from: p.from, to: p.to, windows: try reports.total(.window, from: p.from, to: p.to, today: today),
                               casesOpened: try store.cases(fromDay: p.from, toDay: p.to).count)
    }
    return DashboardView(
        hall: setup.name, from: from, to: to, today: today,
        windows: try reports.rows(.window, from: from, to: to, today: today),
        clerks: try reports.rows(.clerk, from: from, to: to, today: today),
        categories: try reports.rows(.category, from: from, to: to, today: today),
        totals: ["windows": try reports.total(.window, from: from, to: to, today: today), "clerks": try reports.total(.clerk, from: from, to: to, today: today),
                 "categories": try reports.total(.category, from: from, to: to, today: today)],
        previous: previous,
        daily: daily, waitHistogram: buckets, servedByHour: byHour,
        casesOpen: unclosed.count, casesOverdue: unclosed.filter { $0.model.overdue(today: today) }.count,
        badReasons: Dictionary(grouping: try ReasonView.rows(deps, scope: "window", from: from, to: to).filter { $0.level <= 2 }, by: \.key)
            .mapValues { Array($0.prefix(3)) })
}

/// The reason rows of one scope, with the indicator texts of the list in use.
enum ReasonView {
    static func rows(_ deps: WebDependencies, scope: String, from: String, to: String) throws -> [ReasonRow] {
        try deps.reports.reasonRows(StatsScope(rawValue: scope) ?? .window, from: from, to: to, indicators: deps.ratingRules.indicators)
    }
}

func addReasonRoutes(_ router: Router<HallRequestContext>, _ deps: WebDependencies) {
    let forReports = router.requiring(deps, .reports, under: "api")
    // Ratings per reason code for each window, clerk or category: /api/reports/windows/reasons?from=&to=
    forReports.get("reports/:scope/reasons") { request, context in
        let scopes = ["windows": "window", "clerks": "clerk", "categories": "category"]
        guard let name = context.parameters.get("scope"), let scope = scopes[name] else {
            throw APIError(.notFound, code: "unknown_report", zh: "报表须为 windows、clerks 或 categories", en: "report must be windows, clerks or categories")
        }
        let (from, to) = try await range(request, deps)
        struct Reasons: Encodable {
            var scope: String
            var from: String
            var to: String
            var version: String
            var rows: [ReasonRow]
        }
        return try JSON.response(Reasons(scope: name, from: from, to: to, version: deps.ratingRules.indicators.version,
                                         rows: try await StoreReads.run { try ReasonView.rows(deps, scope: scope, from: from, to: to) }))
    }
}
