import Foundation
import HallModel

/// A formatted XLSX workbook of several sheets: the monthly 考核 workbook. Each sheet has a title row, a
/// period row, one header row (frozen, with column widths), the data and an optional 合计 row; rates are
/// numbers formatted as percentages and times numbers of minutes with one decimal, so they stay
/// computable in Excel or WPS.
public struct Workbook: Sendable, Equatable {
    public enum Format: Sendable, Equatable {
        case text, integer, percent, minutes, decimal
    }

    public struct Column: Sendable, Equatable {
        public var header: String
        public var format: Format
        public var width: Double

        public init(_ header: String, _ format: Format, width: Double? = nil) {
            self.header = header
            self.format = format
            self.width = width ?? max(8, Double(header.count) * 2.2 + 2)
        }
    }

    public struct Sheet: Sendable, Equatable {
        public var name: String
        public var title: String
        public var subtitle: String
        public var columns: [Column]
        public var rows: [[ExportTable.Cell]]
        public var totals: [ExportTable.Cell]?
        /// Lines below the table: the 环比 against the period before, the 制表人 / 审核人 / 日期 signature line.
        public var notes: [String]

        public init(name: String, title: String, subtitle: String, columns: [Column], rows: [[ExportTable.Cell]], totals: [ExportTable.Cell]? = nil,
                    notes: [String] = []) {
            self.notes = notes
            self.name = name
            self.title = title
            self.subtitle = subtitle
            self.columns = columns
            self.rows = rows
            self.totals = totals
        }

        /// The row number (1-based) of the first data row: after the title, the period and the headers.
        public static let firstDataRow = 4
    }

    public var sheets: [Sheet]

    public init(sheets: [Sheet]) { self.sheets = sheets }

    // MARK: The monthly 考核 workbook

    /// The report columns of a scope and one row's cells in them (minutes from seconds).
    public static func reportColumns(_ scope: StatsScope) -> [Column] {
        let name = switch scope {
        case .window: "窗口"
        case .clerk: "工作人员"
        case .category: "业务类别"
        }
        var c = [Column("排名", .integer, width: 6), Column("编号", .text, width: 10), Column(name, .text, width: 16)]
        if scope == .category { c.append(Column("取号", .integer)) }
        c += [Column("办结", .integer), Column("过号", .integer), Column("平均等候(分钟)", .minutes), Column("90%等候(分钟)", .minutes),
              Column("平均办理(分钟)", .minutes), Column("90%办理(分钟)", .minutes), Column("评价数", .integer), Column("参评率", .percent),
              Column("满意率", .percent), Column("得分", .decimal), Column("即办率", .percent), Column("非常满意", .integer), Column("满意", .integer),
              Column("基本满意", .integer), Column("不满意", .integer), Column("非常不满意", .integer), Column("未评价", .integer)]
        if scope != .category { c += [Column("差评工单", .integer), Column("超期工单", .integer)] }
        return c
    }

    public static func reportCells(_ r: ReportRow, scope: StatsScope, total: Bool = false) -> [ExportTable.Cell] {
        func n(_ v: Double?) -> ExportTable.Cell { v.map { .number($0) } ?? .empty }
        func m(_ v: Double?) -> ExportTable.Cell { v.map { .number($0 / 60) } ?? .empty }
        func i(_ v: Int) -> ExportTable.Cell { .number(Double(v)) }
        var cells: [ExportTable.Cell] = [total ? .empty : i(r.rank), total ? .empty : .text(r.key), .text(total ? "合计" : r.name)]
        if scope == .category { cells.append(i(r.issued)) }
        cells += [i(r.served), i(r.noShows), m(r.meanWaitSeconds), m(r.p90WaitSeconds), m(r.meanServiceSeconds), m(r.p90ServiceSeconds),
                  i(r.rated), n(r.participationRate), n(r.satisfactionRate), n(r.score), n(r.immediateRate), i(r.ratings[4]), i(r.ratings[3]),
                  i(r.ratings[2]), i(r.ratings[1]), i(r.ratings[0]), i(r.notRated)]
        if scope != .category { cells += [i(r.cases ?? 0), i(r.overdueCases ?? 0)] }
        return cells
    }

    /// One report sheet: the rows ranked, then the 合计 row (the scope's totals, made by the same report
    /// definition as the rows, so its P90s and rates are the range's own, not sums of rows).
    public static func reportSheet(_ rows: [ReportRow], total: ReportRow, scope: StatsScope, hall: String, period: String) -> Sheet {
        let (name, what) = switch scope {
        case .window: ("窗口", "各窗口")
        case .clerk: ("工作人员", "各工作人员")
        case .category: ("业务类别", "各业务类别")
        }
        return Sheet(name: name, title: "\(hall) \(what)服务评价考核表", subtitle: period, columns: reportColumns(scope),
                     rows: rows.map { reportCells($0, scope: scope) }, totals: reportCells(total, scope: scope, total: true))
    }

    /// The monthly 考核 workbook: windows, clerks and categories (each with its 合计), the 差评 cases and the
    /// reasons, every sheet titled with the hall and the period and the time it was made.
    /// - Parameter rows: a scope's report rows and its 合计 row.
    /// - Parameter previous: the period before (环比) and its whole-hall 合计; nil when it has no data.
    public static func assessment(hall: String, from: String, to: String, madeAt: String, rows: (StatsScope) throws -> ([ReportRow], ReportRow),
                                  cases: ExportTable, reasons: ExportTable, previous: (from: String, to: String, total: ReportRow)? = nil) rethrows -> Workbook {
        let period = "统计期：\(from) 至 \(to)　　制表时间：\(madeAt)"
        let (w, c, k) = (try rows(.window), try rows(.clerk), try rows(.category))
        var windows = reportSheet(w.0, total: w.1, scope: .window, hall: hall, period: period)
        if let previous, previous.total.served > 0 || previous.total.rated > 0 { windows.notes.append(change(w.1, against: previous)) }
        windows.notes.append(signature)
        return Workbook(sheets: [
            windows,
            reportSheet(c.0, total: c.1, scope: .clerk, hall: hall, period: period),
            reportSheet(k.0, total: k.1, scope: .category, hall: hall, period: period),
            tableSheet(cases, title: "\(hall) 差评回访整改工单", period: period),
            tableSheet(reasons, title: "\(hall) 评价原因（评价指标）统计", period: period, percentHeaders: ["占该评价比例"]),
        ])
    }

    /// The line a 考核表 is signed on.
    public static let signature = "制表人：＿＿＿＿＿＿　　审核人：＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日"

    /// 环比 in one line: the hall's figures against the period before (rates in percentage points).
    static func change(_ now: ReportRow, against before: (from: String, to: String, total: ReportRow)) -> String {
        func count(_ a: Int, _ b: Int) -> String { (a - b >= 0 ? "+" : "") + String(a - b) }
        func points(_ a: Double?, _ b: Double?) -> String {
            guard let a, let b else { return "–" }
            let d = ((a - b) * 1000).rounded() / 10
            return (d >= 0 ? "+" : "") + String(format: "%.1f", d) + " 个百分点"
        }
        func score(_ a: Double?, _ b: Double?) -> String {
            guard let a, let b else { return "–" }
            let d = ((a - b) * 10).rounded() / 10
            return (d >= 0 ? "+" : "") + String(format: "%.1f", d)
        }
        let b = before.total
        return "环比（对比上期 \(before.from) 至 \(before.to)）：办结 \(count(now.served, b.served))，满意率 \(points(now.satisfactionRate, b.satisfactionRate))，"
            + "参评率 \(points(now.participationRate, b.participationRate))，得分 \(score(now.score, b.score))，即办率 \(points(now.immediateRate, b.immediateRate))"
    }

    /// A sheet from an export table (cases, reasons), with formats guessed per header.
    public static func tableSheet(_ table: ExportTable, title: String, period: String, percentHeaders: Set<String> = []) -> Sheet {
        let columns = table.headers.enumerated().map { i, h -> Column in
            let numeric = table.rows.contains { if case .number = $0[safe: i] { true } else { false } }
            let widest = table.rows.map { row -> Int in if case .text(let s) = row[safe: i] { s.count } else { 4 } }.max() ?? 4
            return Column(h, percentHeaders.contains(h) ? .percent : numeric ? .integer : .text, width: min(40, max(8, Double(max(widest, h.count)) * 2 + 2)))
        }
        return Sheet(name: table.sheet, title: title, subtitle: period, columns: columns, rows: table.rows)
    }

    // MARK: XLSX

    /// Style indexes in styles.xml (cellXfs).
    enum Style: Int {
        case normal = 0, title, header, integer, percent, decimal, text, totalInteger, totalPercent, totalDecimal, totalText
    }

    static func style(_ f: Format, total: Bool) -> Style {
        switch (f, total) {
        case (.text, false): .text
        case (.integer, false): .integer
        case (.percent, false): .percent
        case (.minutes, false), (.decimal, false): .decimal
        case (.text, true): .totalText
        case (.integer, true): .totalInteger
        case (.percent, true): .totalPercent
        case (.minutes, true), (.decimal, true): .totalDecimal
        }
    }

    static let styles = #"""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="0.0%"/><numFmt numFmtId="165" formatCode="0.0"/></numFmts><fonts count="3"><font><sz val="11"/><name val="宋体"/></font><font><b/><sz val="11"/><name val="宋体"/></font><font><b/><sz val="14"/><name val="宋体"/></font></fonts><fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFDCE6F2"/><bgColor indexed="64"/></patternFill></fill></fills><borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="11"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf><xf numFmtId="1" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/><xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1"/><xf numFmtId="1" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyNumberFormat="1" applyBorder="1"/><xf numFmtId="164" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyNumberFormat="1" applyBorder="1"/><xf numFmtId="165" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyNumberFormat="1" applyBorder="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
        """#

    public func xlsx() -> [UInt8] {
        var files: [(String, [UInt8])] = []
        var overrides = "", sheetEntries = "", rels = ""
        var used = Set<String>()
        for (n, sheet) in sheets.enumerated() {
            let i = n + 1
            files.append(("xl/worksheets/sheet\(i).xml", Array(Self.sheetXML(sheet).utf8)))
            overrides += #"<Override PartName="/xl/worksheets/sheet\#(i).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
            // Sheet names: at most 31 characters, none of []:*?/\, unique.
            var name = String(sheet.name.filter { !"[]:*?/\\".contains($0) }.prefix(31))
            if name.isEmpty || used.contains(name) { name = "Sheet\(i)" }
            used.insert(name)
            sheetEntries += #"<sheet name="\#(XML.escape(name))" sheetId="\#(i)" r:id="rId\#(i)"/>"#
            rels += #"<Relationship Id="rId\#(i)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#(i).xml"/>"#
        }
        let stylesID = sheets.count + 1
        rels += #"<Relationship Id="rId\#(stylesID)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#
        let head = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
        files = [
            ("[Content_Types].xml", Array((head + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"# + overrides + #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#).utf8)),
            ("_rels/.rels", Array((head + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#).utf8)),
            ("xl/workbook.xml", Array((head + #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"# + sheetEntries + "</sheets></workbook>").utf8)),
            ("xl/_rels/workbook.xml.rels", Array((head + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"# + rels + "</Relationships>").utf8)),
            ("xl/styles.xml", Array(Self.styles.utf8)),
        ] + files
        return StoredZip.archive(files)
    }

    static func sheetXML(_ sheet: Sheet) -> String {
        let last = ExportTable.columnName(max(0, sheet.columns.count - 1))
        var x = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
        x += #"<sheetViews><sheetView workbookViewId="0"><pane ySplit="3" topLeftCell="A4" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>"#
        x += "<cols>" + sheet.columns.enumerated().map { i, c in #"<col min="\#(i + 1)" max="\#(i + 1)" width="\#(c.width)" customWidth="1"/>"# }.joined() + "</cols>"
        x += "<sheetData>"
        func text(_ ref: String, _ s: String, _ style: Style) -> String {
            #"<c r="\#(ref)" s="\#(style.rawValue)" t="inlineStr"><is><t xml:space="preserve">\#(XML.escape(s))</t></is></c>"#
        }
        x += #"<row r="1" ht="24" customHeight="1">"# + text("A1", sheet.title, .title) + "</row>"
        x += #"<row r="2">"# + text("A2", sheet.subtitle, .normal) + "</row>"
        x += #"<row r="3">"# + sheet.columns.enumerated().map { i, c in text("\(ExportTable.columnName(i))3", c.header, .header) }.joined() + "</row>"
        var r = Sheet.firstDataRow
        for (cells, total) in sheet.rows.map({ ($0, false) }) + (sheet.totals.map { [($0, true)] } ?? []) {
            x += #"<row r="\#(r)">"#
            for (i, cell) in cells.enumerated() {
                let ref = "\(ExportTable.columnName(i))\(r)"
                let style = Self.style(i < sheet.columns.count ? sheet.columns[i].format : .text, total: total)
                switch cell {
                case .text(let s): x += text(ref, s, total ? .totalText : .text)
                case .number(let v) where v.isFinite: x += #"<c r="\#(ref)" s="\#(style.rawValue)"><v>\#(v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v))</v></c>"#
                case .number, .empty: x += #"<c r="\#(ref)" s="\#(style.rawValue)"/>"#
                }
            }
            x += "</row>"
            r += 1
        }
        if !sheet.notes.isEmpty { r += 1 }
        for note in sheet.notes {
            x += #"<row r="\#(r)">"# + text("A\(r)", note, .normal) + "</row>"
            r += 1
        }
        x += "</sheetData>"
        if sheet.columns.count > 1 { x += #"<mergeCells count="2"><mergeCell ref="A1:\#(last)1"/><mergeCell ref="A2:\#(last)2"/></mergeCells>"# }
        x += #"<pageSetup orientation="landscape" paperSize="9"/>"#
        return x + "</worksheet>"
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}

enum XML {
    static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            // XML 1.0 forbids most control characters, even escaped.
            case _ where u.value < 0x20 && u != "\t" && u != "\n" && u != "\r": continue
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }
}

/// "2026-12-01 18:52" in the hall's time zone: the workbook's 制表时间.
public enum WorkbookTime {
    public static func now(_ timeZone: String, at date: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: timeZone) ?? .current
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: date)
    }
}
