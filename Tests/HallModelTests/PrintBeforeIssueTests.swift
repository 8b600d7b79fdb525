import Foundation
import Testing
@testable import HallModel

/// The kiosk's print-before-issue flow and ratings that arrive by ticket (QR link, tablet).
@Suite struct PrintBeforeIssueTests {
    @Test func reservedNumberIsNotInTheQueueUntilConfirmed() throws {
        var d = Driver()
        try d.run(.signIn(window: 1, clerk: "c1"))
        let r = try d.run(.reserveTicket(category: "hukou", priority: false))
        #expect(d.kinds(r) == [.ticketReserved] && r[0].number == "A001")
        #expect(d.state.waiting.isEmpty && d.state.reserved.map(\.number) == ["A001"])
        // A clerk cannot call a number that is still being printed.
        #expect(d.reject(.callNext(window: 1)) == .queueEmpty(window: 1))
        d.advance(2)
        let c = try d.run(.confirmTicket(ticket: "2026-11-23/A001"))
        #expect(d.kinds(c) == [.ticketIssued] && c[0].number == "A001" && c[0].issuedAt == d.now)
        #expect(d.state.reserved.isEmpty && d.state.waiting.map(\.number) == ["A001"])
        #expect(d.reject(.confirmTicket(ticket: "2026-11-23/A001")) == .notReserved(ticket: "2026-11-23/A001"))
    }

    @Test func voidedNumberNeverJoinsTheQueueAndIsNotReused() throws {
        var d = Driver()
        try d.run(.reserveTicket(category: "hukou", priority: false))
        let v = try d.run(.voidTicket(ticket: "2026-11-23/A001", reason: "paper_out"))
        #expect(d.kinds(v) == [.ticketVoided] && v[0].reason == "paper_out" && v[0].number == "A001")
        #expect(d.state.waiting.isEmpty && d.state.reserved.isEmpty)
        #expect(d.reject(.voidTicket(ticket: "2026-11-23/A001", reason: "x")) == .notReserved(ticket: "2026-11-23/A001"))
        #expect(d.reject(.confirmTicket(ticket: "2026-11-23/A001")) == .notReserved(ticket: "2026-11-23/A001"))
        let next = try d.run(.reserveTicket(category: "hukou", priority: false))
        #expect(next[0].number == "A002")
    }

    @Test func confirmingAnEarlierReservationDoesNotMoveTheSequenceBack() throws {
        var d = Driver()
        try d.run(.reserveTicket(category: "hukou", priority: false))
        try d.run(.reserveTicket(category: "hukou", priority: false))
        try d.run(.confirmTicket(ticket: "2026-11-23/A001"))
        let third = try d.run(.reserveTicket(category: "hukou", priority: false))
        #expect(third[0].number == "A003")
        try d.run(.issueTicket(category: "hukou", priority: false))
        #expect(d.state.waiting.map(\.number) == ["A001", "A004"])
    }

    @Test func aNewDayDropsReservations() throws {
        var d = Driver()
        try d.run(.reserveTicket(category: "hukou", priority: false))
        d.advance(86_400)
        #expect(d.reject(.confirmTicket(ticket: "2026-11-23/A001")) == .notReserved(ticket: "2026-11-23/A001"))
        try d.run(.tick)
        #expect(d.state.reserved.isEmpty && d.state.day == "2026-11-24")
    }

    static func servedAndTimedOut() throws -> Driver {
        var d = try RatingFlowTests.served()
        d.advance(31)
        try d.run(.tick)
        return d
    }

    static func record(_ d: Driver, rated: Bool = false, finishedAgo: TimeInterval = 31) -> ServedTicket {
        ServedTicket(ticket: "2026-11-23/A001", number: "A001", window: 1, clerk: "c1", category: "hukou",
                     servedDay: "2026-11-23", finishedAt: d.now.addingTimeInterval(-finishedAgo), rated: rated)
    }

    @Test func ratingByTicketWhileAwaitedIsTheWindowsRating() throws {
        var d = try RatingFlowTests.served()
        let e = try d.run(.rateTicket(ticket: "2026-11-23/A001", level: .satisfied, served: nil))
        #expect(d.kinds(e) == [.ticketRated] && e[0].window == 1 && e[0].clerk == "c1" && e[0].reason == nil)
        #expect(d.state.window(1).awaiting == nil)
        // The keypad after it: a duplicate, as with two keypad presses.
        let again = try d.run(.rate(window: 1, level: .veryDissatisfied))
        #expect(again.map(\.reason) == ["duplicate"])
    }

    @Test func lateRatingReplacesNotGivenOnceOnly() throws {
        var d = try Self.servedAndTimedOut()
        #expect(d.log.last?.kind == .ratingNotGiven)
        let e = try d.run(.rateTicket(ticket: "2026-11-23/A001", level: .dissatisfied, served: Self.record(d)))
        #expect(d.kinds(e) == [.ticketRated, .caseOpened] && e[0].reason == "late" && e[0].clerk == "c1" && e[0].window == 1,
                "a late 不满意 is a rating like any other: it opens a case too")
        // Second rating: the store's record is not committed yet, the state knows.
        let again = try d.run(.rateTicket(ticket: "2026-11-23/A001", level: .verySatisfied, served: Self.record(d)))
        #expect(d.kinds(again) == [.ratingIgnored] && again[0].reason == "duplicate")
        // Committed earlier (another day): the store's flag.
        var other = try Self.servedAndTimedOut()
        let dup = try other.run(.rateTicket(ticket: "2026-11-23/A001", level: .satisfied, served: Self.record(other, rated: true)))
        #expect(dup.map(\.reason) == ["duplicate"])
    }

    @Test func lateRatingStatsCancelTheNotGiven() throws {
        var d = try Self.servedAndTimedOut()
        try d.run(.rateTicket(ticket: "2026-11-23/A001", level: .dissatisfied, served: Self.record(d)))
        var stats = DayStats()
        for e in d.log {
            for (key, change) in StatsProjection.changes(for: e) where key.scope == .window { change(&stats) }
        }
        #expect(stats.notRated == 0 && stats.ratings[1] == 1 && stats.served == 1)
    }

    @Test func ratingByTicketOutsideThePeriodOrUnservedIsRefused() throws {
        var d = try Self.servedAndTimedOut()
        let old = Self.record(d, finishedAgo: 24 * 3600 + 1)
        #expect(d.reject(.rateTicket(ticket: "2026-11-23/A001", level: .satisfied, served: old)) == .ratingPeriodOver(ticket: "A001"))
        #expect(d.reject(.rateTicket(ticket: "2026-11-23/A009", level: .satisfied, served: nil)) == .ticketNotServed(ticket: "2026-11-23/A009"))
    }
}
