import Exports
import HallModel

/// The district 考核 table: every hall ranked within its level, with its 差评 follow-up and link.
enum AssessmentTable {
    static let levels = ["district": "区级", "street": "街道", "community": "社区"]

    static func make(_ rows: [DistrictReports.Row], links: [HallLinkMonitor.Link], from: String, to: String) -> ExportTable {
        func n(_ v: Double?) -> ExportTable.Cell { v.map { .number(($0 * 10_000).rounded() / 10_000) } ?? .empty }
        func i(_ v: Int?) -> ExportTable.Cell { v.map { .number(Double($0)) } ?? .empty }
        let link = Dictionary(uniqueKeysWithValues: links.map { ($0.hallId, $0) })
        let headers = ["级别", "级别内排名", "大厅编号", "大厅", "上级", "取号", "办结", "过号", "平均等候(秒)", "90%等候(秒)", "平均办理(秒)", "评价数",
                       "参评率", "满意率", "得分", "即办率", "非常满意", "满意", "基本满意", "不满意", "非常不满意", "差评工单", "未办结", "超期", "回访率",
                       "链路", "统计期"]
        let body = rows.map { row -> [ExportTable.Cell] in
            let r = row.report
            return [.text(levels[row.level] ?? row.level), i(r.rank), .text(row.hallId), .text(row.hallName), .text(row.parent ?? ""), i(r.issued),
                    i(r.served), i(r.noShows), n(r.meanWaitSeconds), n(r.p90WaitSeconds), n(r.meanServiceSeconds), i(r.rated), n(r.participationRate),
                    n(r.satisfactionRate), n(r.score), n(r.immediateRate), i(r.ratings[4]), i(r.ratings[3]), i(r.ratings[2]), i(r.ratings[1]),
                    i(r.ratings[0]), i(r.cases), i(row.casesOpen), i(r.overdueCases), n(row.followUpRate),
                    .text(link[row.hallId]?.message ?? ""), .text("\(from) 至 \(to)")]
        }
        return ExportTable(sheet: "区级考核", headers: headers, rows: body)
    }
}
