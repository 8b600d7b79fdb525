import ArgumentParser
import Delivery
import Exports
import Foundation
import HallConfig
import HallModel
import HallRuntime
import Store

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export tickets, the event log or a report for a range of business days.",
        discussion: """
            CSV is UTF-8 with a byte-order mark (so Excel and WPS show Chinese correctly) and CRLF line ends;
            --no-bom leaves the mark out. jsonl writes one JSON object a line; events in jsonl are the log's
            own records ({"seq":…,"event":{…},"hash":"…"}), the form to archive or to feed another system; each
            row's hash is its link in the log's hash chain, and a day's last hash is that day's anchor.
            A progress line goes to stderr when it is a terminal and the output is a file.
            Exit codes: 0 done, 1 failure, 64 bad arguments, 78 configuration error.
            """)

    enum What: String, ExpressibleByArgument, CaseIterable {
        case tickets, events, windows, clerks, categories, cases, reasons, haocaiping, report
    }

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, jsonl, json, xlsx
    }

    @Argument(help: "tickets, events, windows, clerks, categories, cases (差评 follow-up), reasons (评价指标 counts), haocaiping (the 好差评 platform's records, jsonl) or report (the 考核 workbook: every report with its 合计, the cases and the reasons; xlsx)")
    var what: What

    @Option(help: "A calendar month, yyyy-MM: its first to last day (instead of --from/--to).")
    var month: String?

    @Option(help: "reasons: per windows, clerks or categories.")
    var by: ReportCommand.Scope = .windows

    @Option(help: "haocaiping: the platform profile, a name in --platforms or a path (default: [platform] profile, else offline-report-json).")
    var profile: String?

    @Option(help: "haocaiping: the directory of platform profiles.")
    var platforms: String = "/usr/share/counterd/platforms"

    @OptionGroup var days: DayRange

    @Option(help: "csv, jsonl (tickets and events), json (reports) or xlsx (reports and cases; needs -o)")
    var format: Format = .csv

    @Option(name: .shortAndLong, help: "Output file (default: standard output).")
    var output: String?

    @Flag(help: "CSV headers as machine keys (rank, served, day, number …) instead of the Chinese headers the dashboard's CSV has.")
    var keys = false

    @Flag(help: "No UTF-8 byte-order mark at the start of CSV.")
    var noBom = false

    @OptionGroup var location: Location

    func validate() throws {
        if what == .report && (format == .json || format == .jsonl || output == nil) {
            throw ValidationError("report is a workbook: give -o FILE.xlsx (and --month yyyy-MM or --from/--to)")
        }
        if month != nil && (days.from != nil || days.to != nil) { throw ValidationError("give --month or --from/--to, not both") }
        if let month, Self.monthRange(month) == nil { throw ValidationError("--month wants yyyy-MM, e.g. 2026-11 (got \(month))") }
        let lines = what == .tickets || what == .events || what == .cases || what == .haocaiping
        if what == .haocaiping && format != .jsonl && format != .csv { throw ValidationError("haocaiping is written as jsonl (one record a line)") }
        if format == .json && lines { throw ValidationError("json is for reports; use jsonl for \(what.rawValue)") }
        if format == .jsonl && !lines { throw ValidationError("jsonl is for tickets, events and cases; use csv or json for reports") }
    }

    /// "2026-11" → ("2026-11-01", "2026-11-30").
    static func monthRange(_ month: String) -> (String, String)? {
        let p = month.split(separator: "-")
        guard month.count == 7, p.count == 2, let y = Int(p[0]), let m = Int(p[1]), (1...12).contains(m) else { return nil }
        let first = String(format: "%04d-%02d-01", y, m)
        let last = (28...31).reversed().map { String(format: "%04d-%02d-%02d", y, m, $0) }.first { WorkingCalendar.isDay($0) } ?? first
        return (first, last)
    }

    func run() async throws {
        let (cfg, store) = try location.load()
        let (from, to) = try month.flatMap(Self.monthRange) ?? days.resolve(Reports(store: store, setup: cfg.setup))
        if what == .report, let output {
            let reports = Reports(store: store, setup: cfg.setup), today = Self.today(cfg.setup)
            let book = try AssessmentBook.make(reports: reports, store: store, indicators: cfg.ratings.indicators, from: from, to: to,
                                               today: today, madeAt: WorkbookTime.now(cfg.setup.rules.timeZone))
            let part = output + ".part"
            try Data(book.xlsx()).write(to: URL(fileURLWithPath: part))
            _ = rename(part, output)
            return
        }
        if format == .xlsx {
            guard let output else { throw ValidationError("--format xlsx writes a file: give -o FILE.xlsx") }
            let reports = Reports(store: store, setup: cfg.setup)
            let table: ExportTable
            switch what {
            case .windows: table = .report(try reports.rows(.window, from: from, to: to), scope: .window)
            case .clerks: table = .report(try reports.rows(.clerk, from: from, to: to), scope: .clerk)
            case .categories: table = .report(try reports.rows(.category, from: from, to: to), scope: .category)
            case .cases: table = .cases(try store.cases(fromDay: from, toDay: to), setup: cfg.setup, today: Self.today(cfg.setup))
            case .reasons: table = .reasons(try reports.reasonRows(by.statsScope, from: from, to: to, indicators: cfg.ratings.indicators),
                                            scope: by.statsScope)
            case .tickets, .events, .haocaiping, .report: throw ValidationError("xlsx is for reports and cases; tickets, events and haocaiping export as csv or jsonl")
            }
            let part = output + ".part"
            try Data(table.xlsx()).write(to: URL(fileURLWithPath: part))
            _ = rename(part, output)
            return
        }
        if what == .haocaiping {
            try exportPlatform(cfg: cfg, store: store, from: from, to: to)
            return
        }
        let sink = try Sink(path: output)
        if format == .csv && !noBom { sink.write("\u{FEFF}") }
        let progress = Progress(enabled: output != nil && isatty(2) == 1)
        switch what {
        case .haocaiping, .report: break
        case .reasons:
            let rows = try Reports(store: store, setup: cfg.setup).reasonRows(by.statsScope, from: from, to: to, indicators: cfg.ratings.indicators)
            sink.write(try ReportFormatter.render(rows, format: format == .csv ? .csv : .json, scope: by.statsScope, keys: keys))
            progress.done(rows.count)
        case .tickets: try exportTickets(store: store, setup: cfg.setup, from: from, to: to, sink: sink, progress: progress)
        case .events: try exportEvents(store: store, from: from, to: to, sink: sink, progress: progress)
        case .windows, .clerks, .categories:
            let scope: StatsScope = what == .windows ? .window : what == .clerks ? .clerk : .category
            let rows = try Reports(store: store, setup: cfg.setup).rows(scope, from: from, to: to)
            sink.write(try ReportFormatter.render(rows, format: format == .csv ? .csv : .json, scope: scope, keys: keys))
            progress.done(rows.count)
        case .cases:
            let records = try store.cases(fromDay: from, toDay: to)
            if format == .csv {
                sink.write(ExportTable.cases(records, setup: cfg.setup, today: Self.today(cfg.setup), indicators: cfg.ratings.indicators).csv(bom: false))
            } else {
                let encoder = WireCoding.recordLineEncoder()
                // The callback phone stays masked here too: the dashboard's 显示号码 is the one audited way to read it.
                for var r in records {
                    r.phone = r.phone.map(CallbackPhone.masked)
                    sink.write(String(decoding: try encoder.encode(r), as: UTF8.self) + "\n")
                }
            }
            progress.done(records.count)
        }
        try sink.close()
    }

    static func today(_ setup: HallSetup) -> String { BusinessCalendar(identifier: setup.rules.timeZone).day(of: Date()) }

    static let eventColumns = ["seq", "at_ms", "kind", "event", "hash"]
    static let eventHeaders = ["序号", "时间(毫秒)", "类型", "事件", "哈希"]
    /// The same columns with Chinese headers (the default).
    static let ticketHeaders = ["日期", "号码", "业务类别编码", "业务类别", "优先", "状态", "取号时间", "叫号时间", "办结时间", "窗口", "工作人员编号", "工作人员",
                                "办件类型", "等候(秒)", "办理(秒)", "重呼次数", "转移次数", "评价状态", "评价", "评价等级", "评价时间", "号码编号"]
    static let ticketColumns = ["day", "number", "category", "category_name", "priority", "status", "issued_at", "called_at",
                                "finished_at", "window", "clerk", "clerk_name", "outcome", "wait_s", "service_s", "recalls",
                                "transfers", "rating_state", "rating", "rating_name", "rated_at", "ticket_id"]

    /// The file drop: every rating, reasons attachment and 差评 case step of the range, each as the profile
    /// shapes it, one JSON object a line, in log order — for halls that upload to the platform by hand.
    func exportPlatform(cfg: CounterdConfig, store: EventStore, from: String, to: String) throws {
        let name = profile ?? cfg.platform?.profile ?? "offline-report-json"
        let loaded: PlatformProfile
        switch PlatformProfileFile.load(name, directory: platforms) {
        case .success(let p): loaded = p
        case .failure(let e):
            for issue in e.issues { FileHandle.standardError.write(Data("\(issue)\n".utf8)) }
            throw ExitCode(78)
        }
        let builder = PlatformRecordBuilder(store: store, setup: cfg.setup, profile: loaded, indicators: cfg.ratings.indicators)
        let sink = try Sink(path: output)
        var written = 0, unshaped = 0
        for e in try store.platformEvents(fromDay: from, toDay: to) {
            guard let built = try builder.build(e) else { unshaped += 1; continue }
            sink.write(String(decoding: built.body, as: UTF8.self) + "\n")
            written += 1
        }
        try sink.close()
        FileHandle.standardError.write(Data(("\(written) records (\(loaded.name))" + (unshaped > 0 ? ", \(unshaped) case steps the profile has no shape for" : "") + "\n").utf8))
    }

    func exportTickets(store: EventStore, setup: HallSetup, from: String, to: String, sink: Sink, progress: Progress) throws {
        let total = try store.ticketCount(fromDay: from, toDay: to)
        let zone = TimeZone(identifier: setup.rules.timeZone) ?? .current
        func time(_ ms: Int64?) -> String { ms.map { CSV.localTime(ms: $0, zone: zone) } ?? "" }
        if format == .csv { sink.write(CSV.line(keys ? Self.ticketColumns : Self.ticketHeaders)) }
        var done = 0
        try store.forEachTicket(fromDay: from, toDay: to) { batch in
            for t in batch {
                let level = t.rating.flatMap(RatingLevel.init(rawValue:))
                if format == .csv {
                    sink.write(CSV.line([
                        t.day, t.number, t.category, setup.category(t.category)?.name ?? "", t.priority ? "1" : "0", t.status.rawValue,
                        time(t.issuedAtMs), time(t.calledAtMs), time(t.finishedAtMs), t.windowNo.map(String.init) ?? "",
                        t.clerk ?? "", t.clerk.flatMap { setup.clerk($0)?.name } ?? "", t.outcome ?? "",
                        t.waitSeconds.map { String(format: "%.0f", $0) } ?? "", t.serviceSeconds.map { String(format: "%.0f", $0) } ?? "",
                        String(t.recalls), String(t.transfers), t.ratingState?.rawValue ?? "", t.rating.map(String.init) ?? "",
                        level?.chineseName ?? "", time(t.ratedAtMs), t.id]))
                } else {
                    let encoder = WireCoding.recordLineEncoder()
                    sink.write(String(decoding: try encoder.encode(t), as: UTF8.self) + "\n")
                }
            }
            done += batch.count
            progress.show(done, of: total)
        }
        progress.done(done)
    }

    func exportEvents(store: EventStore, from: String, to: String, sink: Sink, progress: Progress) throws {
        guard let range = try store.eventRange(fromDay: from, toDay: to) else {
            if format == .csv { sink.write(CSV.line(keys ? Self.eventColumns : Self.eventHeaders)) }
            progress.done(0)
            return
        }
        let total = Int(range.through - range.after)
        if format == .csv { sink.write(CSV.line(keys ? Self.eventColumns : Self.eventHeaders)) }
        var done = 0
        try store.forEachEventRow(after: range.after, through: range.through) { rows in
            for r in rows {
                if format == .csv {
                    let kind = (try? JSONSerialization.jsonObject(with: Data(r.json.utf8)) as? [String: Any])?["kind"] as? String ?? ""
                    sink.write(CSV.line([String(r.seq), String(r.atMs), kind, r.json, r.hash ?? ""]))
                } else {
                    // The row's chain hash goes with it: a day's last one is the day's anchor.
                    sink.write("{\"seq\":\(r.seq),\"event\":\(r.json)\(r.hash.map { ",\"hash\":\"\($0)\"" } ?? "")}\n")
                }
            }
            done += rows.count
            progress.show(done, of: total)
        }
        progress.done(done)
    }
}

/// Where an export goes: a file (written to a temporary name and renamed at the end, so a failed export
/// never leaves half a file under the asked name) or standard output.
final class Sink {
    private let handle: FileHandle
    private let path: String?
    private let temporary: String?
    private var buffer = Data()

    init(path: String?) throws {
        self.path = path
        if let path {
            let tmp = path + ".part"
            guard FileManager.default.createFile(atPath: tmp, contents: nil) else {
                FileHandle.standardError.write(Data("cannot write \(tmp)\n".utf8))
                throw ExitCode(1)
            }
            temporary = tmp
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: tmp))
        } else {
            temporary = nil
            handle = .standardOutput
        }
    }

    func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count > 1 << 16 { flush() }
    }

    private func flush() {
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        flush()
        guard let path, let temporary else { return }
        try handle.close()
        _ = try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }
}

/// "导出 12000/50000 (24%)" on one terminal line.
struct Progress {
    let enabled: Bool

    func show(_ done: Int, of total: Int) {
        guard enabled, total > 0 else { return }
        let percent = done * 100 / total
        let width = 30
        let filled = width * done / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        FileHandle.standardError.write(Data("\r导出 export \(bar) \(done)/\(total) (\(percent)%)".utf8))
    }

    func done(_ count: Int) {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K导出完成 exported \(count) rows\n".utf8)) }
    }
}

enum CSV {
    static func field(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    static func line(_ cells: [String]) -> String { cells.map(field).joined(separator: ",") + "\r\n" }

    /// Local time as "yyyy-MM-dd HH:mm:ss", the form Excel and WPS read as a date.
    static func localTime(ms: Int64, zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(ms) / 1000))
        func two(_ v: Int?) -> String { let v = v ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute)):\(two(c.second))"
    }
}
