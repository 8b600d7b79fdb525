import Exports
import Foundation
import HallModel
import Store

/// Export tables of the store's own records (cases, the audit record): here rather than in `Exports`, which
/// stays free of the store so the district can use it without GRDB.
extension ExportTable {
    /// The 差评 cases with what the citizen said. The callback phone is masked unless `revealPhones` (an export by a
    /// person allowed to see it, who is then recorded in the audit).
    public static func cases(_ records: [CaseRecord], setup: HallSetup, today: String, indicators: RatingIndicators = .empty,
                             revealPhones: Bool = false) -> ExportTable {
        let zone = TimeZone(identifier: setup.rules.timeZone) ?? .current
        func time(_ ms: Int64?) -> Cell {
            guard let ms else { return .empty }
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = zone
            f.dateFormat = "yyyy-MM-dd HH:mm"
            return .text(f.string(from: Date(timeIntervalSince1970: Double(ms) / 1000)))
        }
        func text(_ s: String?) -> Cell { s.map { .text($0) } ?? .empty }
        let headers = ["号码", "日期", "窗口", "工作人员", "业务类别", "评价", "评价原因", "文字评价", "回访电话", "评价时间", "办结期限", "进度", "超期",
                       "指派给", "指派期限", "回访时间", "回访人", "回访方式", "群众意见", "整改时间", "整改人", "整改说明", "办结时间", "办结人", "办结说明"]
        func reasons(_ codes: String?) -> Cell {
            guard let codes, !codes.isEmpty else { return .empty }
            return .text(codes.split(separator: ",").map { code in
                indicators.indicator(String(code)).map { "\(code) \($0.text)" } ?? String(code)
            }.joined(separator: "；"))
        }
        func phone(_ p: String?) -> Cell { p.map { .text(revealPhones ? $0 : CallbackPhone.masked($0)) } ?? .empty }
        let body = records.map { c -> [Cell] in
            [.text(c.number), .text(c.day), text(c.windowNo.flatMap { setup.window($0)?.name } ?? c.windowNo.map(String.init)),
             text(c.clerk.flatMap { setup.clerk($0)?.name } ?? c.clerk), text(c.category.flatMap { setup.category($0)?.name } ?? c.category),
             text(RatingLevel(rawValue: c.level)?.chineseName), reasons(c.reasons), text(c.comment), phone(c.phone), time(c.openedAtMs), .text(c.dueDay),
             .text(c.state.chineseName), .text(c.model.overdue(today: today) ? "是" : "否"),
             text(c.assignee), text(c.assigneeDueDay), time(c.contactedAtMs), text(c.contactedBy), text(c.contactMethod), text(c.citizenSaid),
             time(c.rectifiedAtMs), text(c.rectifiedBy), text(c.rectifyNote), time(c.closedAtMs), text(c.closedBy), text(c.closeNote)]
        }
        return ExportTable(sheet: "差评工单", headers: headers, rows: body)
    }

    /// The audit record: who did what, when, and whether it was done.
    public static func audit(_ entries: [AuditEntry], zone: TimeZone) -> ExportTable {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = zone
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let rows = entries.map { e -> [Cell] in
            [.text(f.string(from: e.at)), .text(e.actor), .text(roleZh[e.role] ?? e.role), .text(AuditWords.action(e.action)), .text(e.target),
             .text(e.detail), .text(e.ok ? "成功" : "未执行")]
        }
        return ExportTable(sheet: "操作记录", headers: ["时间", "操作人", "角色", "操作", "对象", "内容", "结果"], rows: rows)
    }

    private static let roleZh = ["admin": "系统管理员", "manager": "管理人员", "supervisor": "值班主任", "clerk": "窗口工作人员", "-": "-"]
}
