@testable import Exports
import HallModel
import Foundation
import Testing

/// The 考核 workbook's windows sheet ends like the printed 考核表: the 环比 against the period before (when it had
/// data) and the 制表人 / 审核人 / 日期 line.
@Suite struct AssessmentNotesTests {
    /// A 合计 row with the figures the 环比 line reads (the rest zero), through its Codable shape.
    static func row(served: Int, rated: Int, sat: Double?, score: Double?) -> ReportRow {
        var o: [String: Any] = ["scope": "window", "key": "合计", "name": "合计", "issued": served, "served": served, "noShows": 0,
                                "transferredOut": 0, "ratings": [0, 0, 0, 0, rated], "rated": rated, "notRated": 0, "ignoredPresses": 0,
                                "outcomes": [String: Int](), "rank": 1]
        if let sat { o["satisfactionRate"] = sat; o["participationRate"] = sat; o["immediateRate"] = sat }
        if let score { o["score"] = score }
        let data = try! JSONSerialization.data(withJSONObject: o)
        return try! JSONDecoder().decode(ReportRow.self, from: data)
    }

    @Test func theWindowsSheetCarriesTheChangeAndTheSignature() {
        let now = Self.row(served: 120, rated: 100, sat: 0.95, score: 90.5)
        let before = Self.row(served: 100, rated: 80, sat: 0.9, score: 88.0)
        let book = Workbook.assessment(hall: "h", from: "2026-11-01", to: "2026-11-30", madeAt: "2026-12-01 09:00", rows: { _ in ([now], now) },
                                       cases: ExportTable(sheet: "差评工单", headers: ["号码"], rows: []),
                                       reasons: ExportTable(sheet: "评价原因", headers: ["代码"], rows: []),
                                       previous: ("2026-10-01", "2026-10-31", before))
        let notes = book.sheets[0].notes
        #expect(notes.count == 2, "\(notes)")
        #expect(notes.first == "环比（对比上期 2026-10-01 至 2026-10-31）：办结 +20，满意率 +5.0 个百分点，参评率 +5.0 个百分点，得分 +2.5，即办率 +5.0 个百分点", "\(notes)")
        #expect(notes.last == Workbook.signature && book.sheets[1].notes.isEmpty)
        // No 环比 against a period without data.
        let empty = Workbook.assessment(hall: "h", from: "2026-11-01", to: "2026-11-30", madeAt: "x", rows: { _ in ([now], now) },
                                        cases: ExportTable(sheet: "差评工单", headers: ["号码"], rows: []),
                                        reasons: ExportTable(sheet: "评价原因", headers: ["代码"], rows: []),
                                        previous: ("2026-10-01", "2026-10-31", Self.row(served: 0, rated: 0, sat: nil, score: nil)))
        #expect(empty.sheets[0].notes == [Workbook.signature])
        #expect(Workbook.sheetXML(book.sheets[0]).contains("审核人"))
    }
}
