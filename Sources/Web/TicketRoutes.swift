import Access
import Foundation
import HallModel
import HallRuntime
import Hummingbird
import Store

/// A ticket as the drill-down lists it.
struct TicketListItem: Encodable {
    var ticket: String
    var day: String
    var number: String
    var category: String
    var categoryName: String
    var status: String
    var statusZh: String
    var window: Int?
    var clerk: String?
    var clerkName: String?
    var issuedAt: Date
    var finishedAt: Date?
    var waitSeconds: Double?
    var serviceSeconds: Double?
    var rating: Int?
    var ratingZh: String?
    var outcome: String?
    var projectNo: String?

    init(_ t: TicketRecord, setup: HallSetup) {
        ticket = t.id
        day = t.day
        number = t.number
        category = t.category
        categoryName = setup.category(t.category)?.name ?? t.category
        status = t.status.rawValue
        statusZh = TicketWords.status[t.status.rawValue] ?? t.status.rawValue
        window = t.windowNo
        clerk = t.clerk
        clerkName = t.clerk.map { setup.clerk($0)?.name ?? $0 }
        issuedAt = Date(timeIntervalSince1970: Double(t.issuedAtMs) / 1000)
        finishedAt = t.finishedAtMs.map { Date(timeIntervalSince1970: Double($0) / 1000) }
        waitSeconds = t.waitSeconds
        serviceSeconds = t.serviceSeconds
        rating = t.rating
        ratingZh = t.rating.flatMap { RatingLevel(rawValue: $0)?.chineseName }
        outcome = t.outcome
        projectNo = t.projectNo
    }
}

/// One event of a ticket's history: when, what (in Chinese), where, and who or what sent it.
struct TicketHistoryItem: Encodable {
    var seq: Int64
    var at: Date
    var kind: String
    var what: String
    var window: Int?
    var clerk: String?
    var source: String?
    var sourceZh: String
}

enum TicketWords {
    static let status = ["waiting": "等候中", "called": "办理中", "served": "已办结", "no_show": "过号", "expired": "当日未叫", "parked": "挂起"]

    static func what(_ e: HallEvent, setup: HallSetup, indicators: RatingIndicators = .empty) -> String {
        func cat(_ c: String) -> String { setup.category(c)?.name ?? c }
        // What the citizen said, as the case handler needs it: the reasons with their texts, the comment, the phone masked.
        func said(_ reasons: [String]?, _ comment: String?, _ phone: String?) -> String {
            var parts: [String] = []
            if let reasons, !reasons.isEmpty {
                parts.append("原因：" + reasons.map { c in indicators.indicator(c).map { "\(c) \($0.text)" } ?? c }.joined(separator: "；"))
            }
            if let comment, !comment.isEmpty { parts.append("留言：\(comment)") }
            if let phone, !phone.isEmpty { parts.append("回访电话 \(CallbackPhone.masked(phone))") }
            return parts.isEmpty ? "" : "（" + parts.joined(separator: "，") + "）"
        }
        let channel: [RatingChannel: String] = [.evaluator: "评价器按键", .tablet: "评价平板", .qr: "手机扫码"]
        let attempted: [SkipAttempt: String] = [.callNext: "叫下一号", .signOut: "签退", .park: "挂起", .callBack: "叫回", .signIn: "换人签到", .callTicket: "指定叫号"]
        switch e {
        case .ticketIssued(let p): return "取号（\(cat(p.category))\(p.priority ? "，优先" : "")）"
        case .ticketReserved: return "取号机出票中"
        case .ticketVoided(let p): return "作废（\(p.reason)）"
        case .ticketCalled(let p): return "\(p.window) 号窗口叫号"
        case .ticketRecalled(let p): return "\(p.window) 号窗口重呼（第 \(p.recalls) 次）"
        case .ticketNoShow(let p): return "\(p.window) 号窗口过号"
        case .ticketTransferred(let p):
            return "转移：\(cat(p.toCategory))" + (p.toWindow.map { "，指定 \($0) 号窗口" } ?? "")
        case .ticketMoved(let p):
            return "值班调整：\(cat(p.fromCategory)) → \(cat(p.toCategory))" + (p.toWindow.map { "，指定 \($0) 号窗口" } ?? "")
        case .ticketParked(let p): return "\(p.window) 号窗口挂起"
        case .ticketRequeued: return "恢复过号，重新排队"
        case .ticketCalledBack(let p): return "\(p.window) 号窗口叫回"
        case .ticketFinished(let p): return "办结（\(p.outcome.chineseName)，办件编号 \(p.projectNo ?? "-")）"
        case .ticketRated(let p):
            return "评价：\(p.level.chineseName)（\(channel[p.via] ?? "")\(p.reason == .late ? "，离开窗口后补评" : "")）" + said(p.reasons, p.comment, p.phone)
        case .ratingReasonsAdded(let p): return "补充评价原因" + said(p.reasons, p.comment, p.phone)
        case .ratingReasonsExtended: return "群众仍在填写评价原因，填写时间延长"
        case .ratingSkipRefused(let p): return "评价未完成，拒绝\(attempted[p.attempted] ?? "操作")（须等群众评价或评价超时）"
        case .ratingIgnored(let p):
            return "评价按键未计入（" + ([IgnoredReason.duplicate: "该号已评价", .nothingAwaited: "当时没有待评价的号", .noClerk: "窗口无人签到"][p.reason] ?? "其他") + "）"
        case .caseAssigned(let p): return "差评工单指派给 \(p.assignee)，期限 \(p.dueDay)（\(p.manager)）"
        case .ratingNotGiven(let p):
            return "未评价（" + ([NotGivenReason.timeout: "超时", .nextCall: "已叫下一号", .signOut: "签退"][p.reason] ?? p.reason.rawValue) + "）"
        case .caseOpened: return "生成差评工单"
        case .caseContacted(let p): return "差评回访（\(p.manager)）"
        case .caseRectified(let p): return "差评整改（\(p.manager)）"
        case .caseClosed(let p): return "差评办结（\(p.manager)）"
        case .alertRaised(let p): return "预警：\(p.note)"
        case .alertCleared: return "预警解除"
        default: return EventWords.name(e.kind)
        }
    }

    /// Who or what a log source names, in Chinese.
    static func source(_ s: String?) -> String {
        guard let s else { return "-" }
        let parts = s.split(separator: ":", maxSplits: 1).map(String.init)
        let rest = parts.count > 1 ? parts[1] : ""
        switch parts[0] {
        case "account": return "账号 \(rest)"
        case "console": return "\(rest) 号窗口网页工作台"
        case "keypad", "caller": return "呼叫器 \(rest)"
        case "evaluator": return "评价器 \(rest)"
        case "web-evaluator": return "\(rest) 号窗口评价平板"
        case "ticket-link": return "市民手机扫码"
        case "kiosk": return "取号机 \(rest)"
        case "manager": return "管理令牌 \(rest)"
        case "clock": return "系统定时"
        case "supervision": return "电子监察（系统）"
        case "device": return "设备 \(rest)"
        case "reload": return "重新加载配置"
        case "migration": return "数据库升级"
        case "bench": return "性能测试"
        case "demo": return "演示"
        default: return s
        }
    }
}

/// The dashboard's drill-down (window → clerk → tickets) and ticket lookup ("A055 on 11-23": every event,
/// who did it).
func addTicketRoutes(_ router: Router<HallRequestContext>, _ deps: WebDependencies) {
    let forReports = router.requiring(deps, .reports, under: "api")
    // ?from=&to= (days) and any of window=, clerk=, category=, number=; at most 2 000, newest first.
    forReports.get("tickets") { request, _ in
        let (from, to) = try await range(request, deps)
        let q = request.uri.queryParameters
        let window = q.get("window").flatMap { Int($0) }, clerk = q.get("clerk")
        let category = q.get("category"), number = q.get("number")?.uppercased()
        let setup = await deps.hall.setup
        var (items, total): ([TicketListItem], Int) = try await StoreReads.run {
            var items: [TicketListItem] = []
            var total = 0
            try deps.hall.store.forEachTicket(fromDay: from, toDay: to) { rows in
                for t in rows {
                    if let window, t.windowNo != window { continue }
                    if let clerk, t.clerk != clerk { continue }
                    if let category, t.category != category { continue }
                    if let number, t.number != number { continue }
                    total += 1
                    items.append(TicketListItem(t, setup: setup))
                }
            }
            return (items, total)
        }
        items.sort { $0.issuedAt > $1.issuedAt }
        struct List: Encodable {
            var from: String
            var to: String
            var total: Int
            var tickets: [TicketListItem]
        }
        return try JSON.response(List(from: from, to: to, total: total, tickets: Array(items.prefix(2000))))
    }
    // One ticket's whole history: /api/tickets/2026-11-23%2FA055/history
    forReports.get("tickets/:ticket/history") { request, context in
        let id = (context.parameters.get("ticket") ?? "").removingPercentEncoding ?? ""
        guard let ticket = try await StoreReads.run({ try deps.hall.store.ticket(id) }) else {
            throw APIError(.notFound, code: "unknown_ticket", zh: "没有号码 \(id)：请核对日期和号码（如 2026-11-23 的 A055）", en: "no ticket \(id)")
        }
        let setup = await deps.hall.setup
        let history = try await StoreReads.run { try deps.hall.store.events(ticket: id) }.map { s in
            TicketHistoryItem(seq: s.seq, at: s.record.at, kind: s.record.kind.rawValue,
                              what: TicketWords.what(s.record.event, setup: setup, indicators: deps.ratingRules.indicators),
                              window: s.record.event.window, clerk: s.record.event.clerk.map { setup.clerk($0)?.name ?? $0 },
                              source: s.record.source, sourceZh: TicketWords.source(s.record.source))
        }
        struct History: Encodable {
            var ticket: TicketListItem
            var events: [TicketHistoryItem]
        }
        return try JSON.response(History(ticket: TicketListItem(ticket, setup: setup), events: history))
    }
}
