import Foundation
import HallConfig
import HallModel
import Testing

/// The 电子监察 rules are data: the shipped file reads, a bad file is refused with keys and lines, and each condition
/// holds on the right days for a matter moved through its life.
@Suite struct SupervisionRulesTests {
    @Test func theShippedRulesRead() {
        let rules = SupervisionRules.shipped
        #expect(rules.map(\.id) == ["JC-001", "JC-002", "JC-003", "JC-004", "JC-005"])
        #expect(rules[0].condition == .dueWithin(workingDays: 1) && rules[0].kind == .yellow && rules[1].condition == .overdue && rules[1].kind == .red)
    }

    @Test func aBadFileIsRefusedWithKeysAndLines() {
        let text = """
            version = "x"
            [[rules]]
            id = "A"
            kind = "orange"
            condition = "overdue"
            department = "d"
            text = "t"
            [[rules]]
            id = "B"
            kind = "red"
            condition = "moon_phase"
            department = "d"
            text = "t"
            [[rules]]
            id = "B"
            kind = "red"
            condition = "overdue"
            department = "d"
            text = "t"
            [[rules]]
            id = "C"
            kind = "yellow"
            condition = "due_within"
            department = "d"
            text = "t"
            """
        guard case .failure(let e) = SupervisionRules.parse(text) else {
            Issue.record("a bad rules file was read")
            return
        }
        func has(_ path: String, _ line: Int, _ words: String) -> Bool { e.issues.contains { $0.path == path && $0.line == line && $0.message.contains(words) } }
        #expect(has("rules[0].kind", 4, "notice (预警), yellow (黄牌) or red (红牌)"), "\(e.issues)")
        #expect(has("rules[1].condition", 11, "unknown condition \"moon_phase\" (allowed: due_within, overdue"), "\(e.issues)")
        #expect(has("rules[2].id", 15, "duplicate rule id \"B\""), "\(e.issues)")
        #expect(has("rules[3].working_days", 20, "needs working_days"), "\(e.issues)")
    }

    @Test func eachConditionHoldsOnTheRightDays() throws {
        let calendar = WorkingCalendar(holidays: Set((1...7).map { "2026-10-0\($0)" }), workdays: ["2026-10-10"])
        let business = BusinessCalendar(identifier: "Asia/Shanghai")
        let rules = Dictionary(uniqueKeysWithValues: SupervisionRules.shipped.map { ($0.id, $0) })
        // Accepted Monday 09-28 08:00 Beijing with 5 working days: due Saturday 10-10 (a 调休 working day).
        let accepted = Date(timeIntervalSince1970: 1_790_553_600)
        var m = Matter(projectNo: "P1", itemCode: "I", itemName: "事项", outcome: .promised, acceptedAt: accepted, acceptedDay: "2026-09-28",
                       acceptedBy: "c1", limit: MatterLimit(5))
        func holding(_ today: String, calledAt: Date? = nil) -> [String] {
            rules.values.filter { $0.holds(for: m, today: today, calendar: calendar, business: business, calledAt: calledAt) }.map(\.id).sorted()
        }
        #expect(holding("2026-09-28").isEmpty)
        #expect(holding("2026-10-09") == ["JC-001"])   // one working day left
        #expect(holding("2026-10-10") == ["JC-001"])   // due today
        #expect(holding("2026-10-12") == ["JC-002"])   // past due
        // Called 40 minutes before acceptance: 受理 late.
        #expect(holding("2026-09-28", calledAt: accepted.addingTimeInterval(-40 * 60)) == ["JC-005"])
        // A stage opened on 09-29 and still open: three working days by 10-09 (09-30, 10-08, 10-09; National Day between),
        // so it is over its three days on the 调休 Saturday 10-10.
        m = try m.applying(.stage(.init(name: "审核", handler: "c2", start: accepted.addingTimeInterval(86_400))), at: accepted.addingTimeInterval(86_400),
                           day: "2026-09-29", now: accepted.addingTimeInterval(86_400 * 20))
        #expect(holding("2026-10-09") == ["JC-001"] && holding("2026-10-10") == ["JC-001", "JC-003"])
        // A clock stop silences the deadline rules; completion silences all but the reason rule.
        let stopped = try m.applying(.stopStarted(kind: .other, reason: "公示"), at: accepted.addingTimeInterval(86_400 * 2), day: "2026-09-30",
                                     now: accepted.addingTimeInterval(86_400 * 20))
        #expect(!rules["JC-002"]!.holds(for: stopped, today: "2026-10-20", calendar: calendar, business: business))
        var denied = m
        denied.completion = .init(at: accepted.addingTimeInterval(86_400 * 3), day: "2026-10-08", by: "c1", result: .denied, reason: nil)
        #expect(rules.values.filter { $0.holds(for: denied, today: "2026-10-20", calendar: calendar, business: business) }.map(\.id) == ["JC-004"])
    }
}
