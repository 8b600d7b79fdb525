import Foundation
import HallModel
import Testing

/// A matter's steps keep their order and refuse what cannot be; the 效能 figures match a hand count.
@Suite struct MatterLedgerTests {
    static let calendar = MatterClockTests.calendar
    /// 2026-11-20 08:00 in Beijing (a Friday).
    static let t0 = Date(timeIntervalSince1970: 1_795_132_800)
    static func at(_ hours: Double) -> Date { t0.addingTimeInterval(hours * 3600) }

    static func matter(_ no: String, _ outcome: Outcome = .promised, accepted: String = "2026-11-20", limit: Int = 3, legal: Int? = nil) -> Matter {
        Matter(projectNo: no, itemCode: "11440100MB2C1234X", itemName: "个体工商户设立登记", outcome: outcome, acceptedAt: t0, acceptedDay: accepted,
               acceptedBy: "c1", window: 1, limit: MatterLimit(limit), legalLimit: legal.map { MatterLimit($0) })
    }

    @Test func stepsKeepTheirOrder() throws {
        let now = Self.at(24 * 10)
        var m = Self.matter("BJ-20261120-0001")
        #expect(throws: MatterRefusal.notCompleted) { try m.applying(.delivered(.window), at: Self.at(1), day: "2026-11-20", now: now) }
        #expect(throws: MatterRefusal.noOpenStop) { try m.applying(.stopEnded, at: Self.at(1), day: "2026-11-20", now: now) }
        #expect(throws: MatterRefusal.beforeAcceptance(field: "at")) { try m.applying(.stopEnded, at: Self.at(-1), day: "2026-11-20", now: now) }
        #expect(throws: MatterRefusal.inTheFuture(field: "at")) { try m.applying(.stopEnded, at: Self.at(24 * 11), day: "2026-12-01", now: now) }
        #expect(throws: MatterRefusal.reasonNeeded(field: "reason")) { try m.applying(.stopStarted(kind: .other, reason: " "), at: Self.at(1), day: "2026-11-20", now: now) }
        m = try m.applying(.stopStarted(kind: .other, reason: "公示"), at: Self.at(1), day: "2026-11-20", now: now)
        #expect(throws: MatterRefusal.stopAlreadyOpen) { try m.applying(.stopStarted(kind: .extension_, reason: "延长"), at: Self.at(2), day: "2026-11-20", now: now) }
        #expect(throws: MatterRefusal.stopOpenAtCompletion) { try m.applying(.completed(by: "c1", result: .approved, reason: nil), at: Self.at(2), day: "2026-11-20", now: now) }
        // The clock stands still: the matter is not running late, whatever the day.
        #expect(m.signal(calendar: Self.calendar, today: "2026-12-30") == .normal)
        m = try m.applying(.stopEnded, at: Self.at(72), day: "2026-11-23", now: now)
        #expect(m.stops.first?.endDay == "2026-11-23")
        // 公示 over Friday and Monday: two working days more, due Friday 11-27 instead of Wednesday 11-25.
        #expect(m.dueDay(calendar: Self.calendar, today: "2026-11-23") == "2026-11-27")
        #expect(throws: MatterRefusal.reasonNeeded(field: "reason")) { try m.applying(.completed(by: "c1", result: .denied, reason: nil), at: Self.at(96), day: "2026-11-24", now: now) }
        m = try m.applying(.completed(by: "c1", result: .denied, reason: "材料不符合法定形式"), at: Self.at(96), day: "2026-11-24", now: now)
        #expect(m.efficiency(calendar: Self.calendar) == .early && m.signal(calendar: Self.calendar, today: "2026-11-30") == nil)
        #expect(throws: MatterRefusal.alreadyCompleted) { try m.applying(.stage(.init(name: "审核", handler: "c2", start: Self.at(97))), at: Self.at(97), day: "2026-11-24", now: now) }
        #expect(throws: MatterRefusal.beforeCompletion(field: "at")) { try m.applying(.delivered(.window), at: Self.at(95), day: "2026-11-24", now: now) }
        m = try m.applying(.delivered(.express(tracking: "SF1234567890")), at: Self.at(100), day: "2026-11-24", now: now)
        #expect(throws: MatterRefusal.alreadyDelivered) { try m.applying(.delivered(.window), at: Self.at(101), day: "2026-11-24", now: now) }
    }

    @Test func aLateMatterCountsItsOverdueWorkingDays() throws {
        var m = Self.matter("BJ-20261120-0002")
        m = try m.applying(.completed(by: "c1", result: .approved, reason: nil), at: Self.at(24 * 7), day: "2026-11-27", now: Self.at(24 * 8))
        // Due Wednesday 11-25, completed Friday 11-27: two working days late.
        #expect(m.efficiency(calendar: Self.calendar) == .late && m.overdueWorkingDays(calendar: Self.calendar, today: "2026-12-10") == 2)
        // An open one on Tuesday 12-01 is four working days past Wednesday 11-25.
        #expect(Self.matter("x").overdueWorkingDays(calendar: Self.calendar, today: "2026-12-01") == 4)
    }

    /// Eight matters counted by hand over 2026-11-20 … 2026-11-30, as of 2026-12-01:
    /// accepted in the period 7 (A–G; H was accepted 11-10); 即办 A, B → 即办率 2/7.
    /// Completed in the period: A, B (即办), C early (11-24, due 11-25), D on time (11-25), E late (11-27), H on time
    /// (accepted 11-10 + 10 → due 11-24, completed 11-24) → 办结件 6, 承诺件办结 4 (C, D, E, H):
    /// 按时办结率 3/4, 提前办结率 1/4. 超期件: E (late) + F (open, due 11-25, red on 12-01) = 2; G open, due 12-04, normal.
    /// Working days taken: C 2, D 3, E 5, H 10 → mean 5.0. Legal limits (C 20, D 20, H 20): taken 2 + 3 + 10 = 15 of 60 → 提速 75 %.
    @Test func theFiguresMatchAHandCount() throws {
        func done(_ m: Matter, _ day: String, _ hours: Double) throws -> Matter {
            try m.applying(.completed(by: "c1", result: .approved, reason: nil), at: Self.at(hours), day: day, now: Self.at(24 * 30))
        }
        let matters = [
            try done(Self.matter("A", .immediate, limit: 0), "2026-11-20", 1),
            try done(Self.matter("B", .immediate, limit: 0), "2026-11-20", 2),
            try done(Self.matter("C", legal: 20), "2026-11-24", 96),
            try done(Self.matter("D", legal: 20), "2026-11-25", 120),
            try done(Self.matter("E"), "2026-11-27", 168),
            Self.matter("F"),
            Self.matter("G", accepted: "2026-11-27", limit: 5),
            try done(Self.matter("H", accepted: "2026-11-10", limit: 10, legal: 20), "2026-11-24", 96),
        ]
        let f = MatterFigures(matters, from: "2026-11-20", to: "2026-11-30", today: "2026-12-01", calendar: Self.calendar)
        #expect(f.accepted == 7 && f.immediate == 2 && f.promised == 5 && f.completed == 6 && f.promisedCompleted == 4, "\(f)")
        #expect(f.early == 1 && f.onTime == 2 && f.late == 1 && f.overdue == 2, "\(f)")
        #expect(f.immediateRate == 2.0 / 7 && f.onTimeRate == 0.75 && f.earlyRate == 0.25 && f.meanWorkingDays == 5 && f.speedUpRate == 0.75, "\(f)")
        // Nothing to divide by: no rate, not zero.
        let empty = MatterFigures([], from: "2026-11-20", to: "2026-11-30", today: "2026-12-01", calendar: Self.calendar)
        #expect(empty.immediateRate == nil && empty.onTimeRate == nil && empty.meanWorkingDays == nil && empty.speedUpRate == nil)
    }
}
