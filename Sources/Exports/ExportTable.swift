import Foundation
import HallModel

/// A table to export: headers and typed cells, written as CSV (UTF-8 with BOM and CRLF, so Excel and WPS
/// open Chinese correctly) or as an XLSX workbook (one sheet; numbers stay numbers).
public struct ExportTable: Sendable, Equatable {
    public enum Cell: Sendable, Equatable {
        case text(String)
        case number(Double)
        case empty
    }

    public var sheet: String
    public var headers: [String]
    public var rows: [[Cell]]

    public init(sheet: String, headers: [String], rows: [[Cell]]) {
        self.sheet = sheet
        self.headers = headers
        self.rows = rows
    }

    // MARK: Builders

    /// A report: the ranking columns with Chinese headers; windows and clerks add their 差评 cases.
    public static func report(_ rows: [ReportRow], scope: StatsScope) -> ExportTable {
        func n(_ v: Double?) -> Cell { v.map { .number(($0 * 10_000).rounded() / 10_000) } ?? .empty }
        func i(_ v: Int) -> Cell { .number(Double(v)) }
        let name = switch scope {
        case .window: "窗口"
        case .clerk: "工作人员"
        case .category: "业务类别"
        }
        var headers = ["排名", "编号", name, "办结", "过号", "平均等候(秒)", "90%等候(秒)", "平均办理(秒)", "90%办理(秒)", "评价数", "参评率",
                       "满意率", "得分", "即办率", "非常满意", "满意", "基本满意", "不满意", "非常不满意", "未评价"]
        if scope != .category { headers += ["差评工单", "超期工单"] }
        let body = rows.map { r -> [Cell] in
            var cells: [Cell] = [i(r.rank), .text(r.key), .text(r.name), i(r.served), i(r.noShows), n(r.meanWaitSeconds), n(r.p90WaitSeconds),
                                 n(r.meanServiceSeconds), n(r.p90ServiceSeconds), i(r.rated), n(r.participationRate), n(r.satisfactionRate),
                                 n(r.score), n(r.immediateRate), i(r.ratings[4]), i(r.ratings[3]), i(r.ratings[2]), i(r.ratings[1]),
                                 i(r.ratings[0]), i(r.notRated)]
            if scope != .category { cells += [i(r.cases ?? 0), i(r.overdueCases ?? 0)] }
            return cells
        }
        return ExportTable(sheet: "\(name)评价", headers: headers, rows: body)
    }

    /// The 差评 case list.
    /// 评价指标 counts: one row per key and code, with the code's share of the key's ratings at its level.
    public static func reasons(_ rows: [ReasonRow], scope: StatsScope) -> ExportTable {
        let name = switch scope {
        case .window: "窗口"
        case .clerk: "工作人员"
        case .category: "业务类别"
        }
        return ExportTable(sheet: "评价原因", headers: ["编号", name, "评价", "原因代码", "原因", "次数", "占该评价比例"], rows: rows.map { r in
            [.text(r.key), .text(r.name), .text(r.levelName), .text(r.code), .text(r.text), .number(Double(r.count)),
             r.rate.map { .number(($0 * 10_000).rounded() / 10_000) } ?? .empty]
        })
    }

    // MARK: CSV

    public func csv(bom: Bool = true) -> String {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        func text(_ c: Cell) -> String {
            switch c {
            case .text(let s): s
            case .number(let v): v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
            case .empty: ""
            }
        }
        var out = bom ? "\u{FEFF}" : ""
        out += headers.map(field).joined(separator: ",") + "\r\n"
        for r in rows { out += r.map { field(text($0)) }.joined(separator: ",") + "\r\n" }
        return out
    }

    // MARK: XLSX

    /// A column's letters: 0 → A, 25 → Z, 26 → AA.
    static func columnName(_ i: Int) -> String {
        var n = i + 1, s = ""
        while n > 0 {
            let r = (n - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + r))) + s
            n = (n - 1) / 26
        }
        return s
    }

    /// An Office Open XML workbook with one sheet (inline strings, numbers as numbers), zipped without
    /// compression: small enough to write by hand, and what Excel, WPS and openpyxl read.
    public func xlsx() -> [UInt8] {
        let esc = XML.escape
        let column = Self.columnName
        var sheet = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
            + #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
        for (r, cells) in ([headers.map { Cell.text($0) }] + rows).enumerated() {
            sheet += "<row r=\"\(r + 1)\">"
            for (c, cell) in cells.enumerated() {
                let ref = "\(column(c))\(r + 1)"
                switch cell {
                case .text(let s): sheet += "<c r=\"\(ref)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">\(esc(s))</t></is></c>"
                case .number(let v) where v.isFinite: sheet += "<c r=\"\(ref)\"><v>\(v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v))</v></c>"
                case .number, .empty: break
                }
            }
            sheet += "</row>"
        }
        sheet += "</sheetData></worksheet>"
        // Sheet names: at most 31 characters, none of []:*?/\ .
        let cleaned = String(self.sheet.filter { !"[]:*?/\\".contains($0) }.prefix(31))
        let name = esc(cleaned.isEmpty ? "Sheet1" : cleaned)
        let files: [(String, String)] = [
            ("[Content_Types].xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#),
            ("_rels/.rels", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
            ("xl/workbook.xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name=""# + name + #"" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
            ("xl/_rels/workbook.xml.rels", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#),
            ("xl/styles.xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#),
            ("xl/worksheets/sheet1.xml", sheet),
        ]
        return StoredZip.archive(files.map { ($0.0, Array($0.1.utf8)) })
    }
}

/// A zip archive with stored (uncompressed) entries.
enum StoredZip {
    static let crcTable: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in data { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static func archive(_ files: [(String, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        func u16(_ v: Int, _ to: inout [UInt8]) { to += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func u32(_ v: UInt32, _ to: inout [UInt8]) { to += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)] }
        for (name, data) in files {
            let nameBytes = Array(name.utf8)
            let crc = crc32(data)
            let offset = UInt32(out.count)
            // Local file header: version 2.0, UTF-8 names, stored, a fixed DOS time (1980-01-01).
            u32(0x0403_4B50, &out); u16(20, &out); u16(0x0800, &out); u16(0, &out); u16(0, &out); u16(0x21, &out)
            u32(crc, &out); u32(UInt32(data.count), &out); u32(UInt32(data.count), &out)
            u16(nameBytes.count, &out); u16(0, &out)
            out += nameBytes
            out += data
            u32(0x0201_4B50, &central); u16(20, &central); u16(20, &central); u16(0x0800, &central); u16(0, &central)
            u16(0, &central); u16(0x21, &central); u32(crc, &central); u32(UInt32(data.count), &central); u32(UInt32(data.count), &central)
            u16(nameBytes.count, &central); u16(0, &central); u16(0, &central); u16(0, &central); u16(0, &central)
            u32(0, &central); u32(offset, &central)
            central += nameBytes
        }
        let centralOffset = UInt32(out.count)
        out += central
        u32(0x0605_4B50, &out); u16(0, &out); u16(0, &out); u16(files.count, &out); u16(files.count, &out)
        u32(UInt32(central.count), &out); u32(centralOffset, &out); u16(0, &out)
        return out
    }
}
