import Foundation
import HallModel

/// Renders report rows as an aligned table, CSV or JSON.
public enum ReportFormatter {
    public enum Format: String, Sendable, CaseIterable {
        case table, csv, json
    }

    static let headers = ["排名", "名称", "办件", "过号", "平均等候", "P90等候", "平均办理", "P90办理", "评价", "参评率", "满意率",
                          "得分", "即办率", "非常满意", "满意", "基本满意", "不满意", "非常不满意", "未评价"]
    static let csvHeaders = ["rank", "key", "name", "served", "no_shows", "mean_wait_s", "p90_wait_s", "mean_service_s",
                             "p90_service_s", "rated", "participation_rate", "satisfaction_rate", "score", "immediate_rate",
                             "very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied", "not_rated"]

    /// CSV has the dashboard's Chinese headers (`ExportTable.report`); `keys`: the machine keys instead.
    public static func render(_ rows: [ReportRow], format: Format, scope: StatsScope = .window, keys: Bool = false) throws -> String {
        switch format {
        case .table: return table(rows)
        case .csv: return keys ? csv(rows) : ExportTable.report(rows, scope: scope).csv(bom: false)
        case .json:
            return String(decoding: try WireCoding.reportEncoder().encode(rows), as: UTF8.self) + "\n"
        }
    }

    /// 评价指标 counts: a table for people, CSV or JSON for tools.
    public static func render(_ rows: [ReasonRow], format: Format, scope: StatsScope, keys: Bool = false) throws -> String {
        switch format {
        case .table:
            var t = TextTable(headers: ["编号", "名称", "评价 level", "代码 code", "原因 reason", "次数 count", "占比 share"],
                              alignments: [.left, .left, .left, .left, .left, .right, .right])
            for r in rows { t.rows.append([r.key, r.name, r.levelName, r.code, r.text, String(r.count), percent(r.rate)]) }
            return t.render()
        case .csv:
            if keys {
                let t = ExportTable(sheet: "", headers: ["key", "name", "level", "code", "reason", "count", "share"], rows: rows.map {
                    [.text($0.key), .text($0.name), .number(Double($0.level)), .text($0.code), .text($0.text), .number(Double($0.count)),
                     $0.rate.map { .number($0) } ?? .empty]
                })
                return t.csv(bom: false)
            }
            return ExportTable.reasons(rows, scope: scope).csv(bom: false)
        case .json:
            return String(decoding: try WireCoding.reportEncoder().encode(rows), as: UTF8.self) + "\n"
        }
    }

    public static func table(_ rows: [ReportRow]) -> String {
        var t = TextTable(headers: headers, alignments: [.right, .left] + Array(repeating: .right, count: headers.count - 2))
        for r in rows {
            t.rows.append([String(r.rank), r.name, String(r.served), String(r.noShows),
                           duration(r.meanWaitSeconds), duration(r.p90WaitSeconds),
                           duration(r.meanServiceSeconds), duration(r.p90ServiceSeconds), String(r.rated),
                           percent(r.participationRate), percent(r.satisfactionRate), number(r.score), percent(r.immediateRate),
                           String(r.ratings[4]), String(r.ratings[3]), String(r.ratings[2]), String(r.ratings[1]),
                           String(r.ratings[0]), String(r.notRated)])
        }
        return t.render()
    }

    public static func csv(_ rows: [ReportRow]) -> String {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        func opt(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "" }
        var lines = [csvHeaders.joined(separator: ",")]
        for r in rows {
            let cells = [String(r.rank), r.key, r.name, String(r.served), String(r.noShows),
                         opt(r.meanWaitSeconds), opt(r.p90WaitSeconds), opt(r.meanServiceSeconds), opt(r.p90ServiceSeconds),
                         String(r.rated), opt(r.participationRate), opt(r.satisfactionRate), opt(r.score), opt(r.immediateRate),
                         String(r.ratings[4]), String(r.ratings[3]), String(r.ratings[2]), String(r.ratings[1]),
                         String(r.ratings[0]), String(r.notRated)]
            lines.append(cells.map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// 125 s → "2:05"; 3725 s → "1:02:05"; nil → "-".
    public static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        let s = Int(seconds.rounded())
        let two = { (v: Int) in v < 10 ? "0\(v)" : "\(v)" }
        return s >= 3600 ? "\(s / 3600):\(two(s % 3600 / 60)):\(two(s % 60))" : "\(s / 60):\(two(s % 60))"
    }

    public static func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }

    public static func number(_ v: Double?) -> String { v.map { String(format: "%.1f", $0) } ?? "-" }
}
