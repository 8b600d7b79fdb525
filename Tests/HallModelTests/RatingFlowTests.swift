import Foundation
import Testing
@testable import HallModel

@Suite struct RatingFlowTests {
    static func served() throws -> Driver {
        var d = Driver()
        try d.run(.signIn(window: 1, clerk: "c1"))
        try d.run(.issueTicket(category: "hukou", priority: false))
        d.advance(120)
        try d.run(.callNext(window: 1))
        d.advance(300)
        try d.run(.finish(window: 1, outcome: .immediate))
        return d
    }

    @Test func ratingIsTiedToTicketWindowClerkAndCategory() throws {
        var d = try Self.served()
        let a = try #require(d.state.window(1).awaiting)
        #expect(a.ticket == "2026-11-23/A001" && a.clerk == "c1" && a.deadline == d.now.addingTimeInterval(30))
        d.advance(29.9)
        let e = try d.run(.rate(window: 1, level: .verySatisfied))
        #expect(e.count == 1)
        #expect(e[0].kind == .ticketRated && e[0].ticket == "2026-11-23/A001" && e[0].window == 1)
        #expect(e[0].clerk == "c1" && e[0].category == "hukou" && e[0].level == .verySatisfied && e[0].servedDay == "2026-11-23")
    }

    @Test func secondPressIsIgnoredAndCounted() throws {
        var d = try Self.served()
        try d.run(.rate(window: 1, level: .satisfied))
        let again = try d.run(.rate(window: 1, level: .veryDissatisfied))
        #expect(again.map(\.kind) == [.ratingIgnored] && again[0].reason == "duplicate")
        #expect(d.log.filter { $0.kind == .ticketRated }.count == 1)
    }

    @Test func timeoutRecordsNotRatedAtTheDeadline() throws {
        var d = try Self.served()
        let deadline = d.state.window(1).awaiting!.deadline
        #expect(d.state.nextDeadline(calendar: d.engine.calendar, now: d.now) == deadline)
        d.advance(29)
        #expect(try d.run(.tick).isEmpty)
        d.advance(1)
        let e = try d.run(.tick)
        #expect(e.map(\.kind) == [.ratingNotGiven])
        #expect(e[0].reason == "timeout" && e[0].at == deadline && e[0].ticket == "2026-11-23/A001")
        #expect(d.state.window(1).awaiting == nil)
    }

    @Test func latePressWithoutATickIsNotAttributed() throws {
        var d = try Self.served()
        d.advance(31)
        let e = try d.run(.rate(window: 1, level: .verySatisfied))
        #expect(e.map(\.kind) == [.ratingNotGiven, .ratingIgnored])
        #expect(e[0].reason == "timeout" && e[1].reason == "nothing_awaited" && e[1].ticket == nil)
    }

    /// The clerk cannot skip the rating: calling next, signing out or handing the window over while it is
    /// awaited is refused, and each attempt is an event; once the wait ends, the call goes through.
    @Test func movingOnWhileARatingIsAwaitedIsRefusedAndKept() throws {
        var d = try Self.served()
        try d.run(.issueTicket(category: "hukou", priority: false))
        for (command, attempted) in [(HallCommand.callNext(window: 1), "call_next"), (.signOut(window: 1), "sign_out"),
                                     (.signIn(window: 1, clerk: "c2"), "sign_in")] {
            let e = try d.run(command)
            guard e.count == 1, case .ratingSkipRefused(let r) = e[0].event else {
                Issue.record("\(command): \(e.map(\.kind))")
                continue
            }
            #expect(r.attempted.rawValue == attempted && r.ticket == "2026-11-23/A001" && r.clerk == "c1")
        }
        #expect(d.state.window(1).awaiting?.ticket == "2026-11-23/A001")
        // The citizen rates: the call goes through at once.
        try d.run(.rate(window: 1, level: .satisfied))
        #expect(try d.run(.callNext(window: 1)).map(\.kind) == [.ticketCalled])
    }

    @Test func afterTheRatingsWaitTheCallGoesThrough() throws {
        var d = try Self.served()
        try d.run(.issueTicket(category: "hukou", priority: false))
        d.advance(Fixture.setup.rules.ratingTimeoutSeconds + 1)
        #expect(try d.run(.callNext(window: 1)).map(\.kind) == [.ratingNotGiven, .ticketCalled])
    }

    /// With `hall.rating_blocks_next = false` calling next ends the wait, as halls without the rule had it.
    @Test func callingNextEndsTheWaitWhenTheHallAllowsIt() throws {
        var d = try Self.served()
        var setup = Fixture.setup
        setup.rules.ratingBlocksNext = false
        d.engine = HallEngine(setup: setup)
        try d.run(.issueTicket(category: "hukou", priority: false))
        let e = try d.run(.callNext(window: 1))
        #expect(e.map(\.kind) == [.ratingNotGiven, .ticketCalled])
        #expect(e[0].reason == "next_call" && e[0].ticket == "2026-11-23/A001")
        // A press now belongs to nobody: the new ticket is still being served.
        #expect(try d.run(.rate(window: 1, level: .satisfied)).first?.reason == "nothing_awaited")
    }

    @Test func configurableTimeout() throws {
        var setup = Fixture.setup
        setup.rules.ratingTimeoutSeconds = 90
        var d = Driver(engine: HallEngine(setup: setup), state: HallState(setup: setup))
        try d.run(.signIn(window: 1, clerk: "c1"))
        try d.run(.issueTicket(category: "hukou", priority: false))
        try d.run(.callNext(window: 1))
        try d.run(.finish(window: 1, outcome: .immediate))
        d.advance(60)
        #expect(try d.run(.rate(window: 1, level: .basicallySatisfied)).map(\.kind) == [.ticketRated])
    }

    @Test func ratingAfterMidnightCountsForTheDayOfService() throws {
        var d = Driver()
        d.now = Date(timeIntervalSince1970: 1_795_449_590)  // 23:59:50 Beijing
        try d.run(.signIn(window: 1, clerk: "c1"))
        try d.run(.issueTicket(category: "hukou", priority: false))
        try d.run(.callNext(window: 1))
        try d.run(.finish(window: 1, outcome: .immediate))
        d.advance(15)  // 00:00:05 next day
        let e = try d.run(.rate(window: 1, level: .satisfied))
        #expect(e.map(\.kind) == [.dayStarted, .ticketRated])
        #expect(e[1].day == "2026-11-24" && e[1].servedDay == "2026-11-23")
        let keys = StatsProjection.changes(for: e[1]).map(\.0)
        #expect(keys.allSatisfy { $0.day == "2026-11-23" })
    }

    @Test func theTabletAddsReasonsToAKeypadRatingWithinItsWait() throws {
        var d = try Self.served()
        let rated = try d.run(.rate(window: 1, level: .dissatisfied))
        guard case .ticketRated(let r) = rated[0].event else { Issue.record("\(rated)"); return }
        // The reasons window ([ratings] reasons_window_seconds, default 120 s) starts at the press.
        #expect(r.via == .evaluator && r.reasons == nil && r.reasonsUntil == d.now.addingTimeInterval(120))
        let want = try #require(d.state.window(1).reasonsWanted)
        #expect(want.ticket == "2026-11-23/A001" && want.level == .dissatisfied)
        #expect(d.reject(.addReasons(window: 1, ticket: "2026-11-23/A002", detail: RatingDetail(reasons: ["213"]))) == .reasonsNotAwaited(window: 1))
        d.advance(119)
        let added = try d.run(.addReasons(window: 1, ticket: want.ticket, detail: RatingDetail(reasons: ["213", "214"], comment: "慢", phone: "13800138000")))
        guard added.count == 1, case .ratingReasonsAdded(let a) = added[0].event else { Issue.record("\(added)"); return }
        #expect(a.ticket == want.ticket && a.level == .dissatisfied && a.reasons == ["213", "214"] && a.comment == "慢" && a.clerk == "c1")
        #expect(d.state.window(1).reasonsWanted == nil)
        #expect(d.reject(.addReasons(window: 1, ticket: want.ticket, detail: RatingDetail(reasons: ["213"]))) == .reasonsNotAwaited(window: 1),
                "reasons attach once")
    }

    @Test func reasonsAfterTheWaitAreRefused() throws {
        var d = try Self.served()
        try d.run(.rate(window: 1, level: .basicallySatisfied))
        d.advance(121)
        #expect(d.reject(.addReasons(window: 1, ticket: "2026-11-23/A001", detail: RatingDetail(reasons: ["307"]))) == .reasonsTooLate(window: 1))
    }

    /// The tablet's tap stores the level at once; typing renews the reasons window (never past 30 min from the tap);
    /// the call of the next number leaves it open; a citizen who walks away leaves a rating without reasons.
    @Test func aTappedLevelIsStoredAndItsReasonsWindowRenewsWhileTheCitizenTypes() throws {
        var d = try Self.served()
        let rated = try d.run(.rate(window: 1, level: .dissatisfied, detail: RatingDetail(channel: .tablet, complete: false)))
        #expect(rated.map(\.kind) == [.ticketRated, .caseOpened], "the tap is the rating, and opens the case at once")
        guard case .ticketRated(let r) = rated[0].event else { return }
        #expect(r.via == .tablet && r.reasons == nil && r.reasonsUntil == d.now.addingTimeInterval(120))
        d.advance(100)
        let renewed = try d.run(.extendReasons(window: 1, ticket: r.ticket))
        guard case .ratingReasonsExtended(let x)? = renewed.first?.event else { Issue.record("\(renewed)"); return }
        #expect(x.until == d.now.addingTimeInterval(120) && d.state.window(1).reasonsWanted?.until == x.until)
        // The next number is called while the citizen still types: the reasons window stays.
        try d.run(.issueTicket(category: "hukou", priority: false))
        try d.run(.callNext(window: 1))
        d.advance(110)
        #expect(d.state.window(1).reasonsWanted?.ticket == r.ticket)
        let added = try d.run(.addReasons(window: 1, ticket: r.ticket, detail: RatingDetail(reasons: ["213"], comment: "慢")))
        #expect(added.map(\.kind) == [.ratingReasonsAdded])
        // The cap: however often renewed, the window ends 30 min after the tap.
        var e = try Self.served()
        try e.run(.rate(window: 1, level: .satisfied, detail: RatingDetail(channel: .tablet, complete: false)))
        let start = e.now
        for _ in 0..<40 {
            e.advance(60)
            _ = try? e.run(.extendReasons(window: 1, ticket: e.state.window(1).reasonsWanted?.ticket ?? ""))
        }
        let until = try #require(e.state.window(1).reasonsWanted?.until)
        #expect(until <= start.addingTimeInterval(HallRules.reasonsWindowCapSeconds) && until > start.addingTimeInterval(1700))
    }

    @Test func aTabletRatingWithReasonsWantsNoMore() throws {
        var d = try Self.served()
        let e = try d.run(.rate(window: 1, level: .satisfied, detail: RatingDetail(reasons: ["413"], channel: .tablet)))
        guard case .ticketRated(let r) = e[0].event else { Issue.record("\(e)"); return }
        #expect(r.via == .tablet && r.reasonsUntil == nil && d.state.window(1).reasonsWanted == nil)
    }

    @Test func theFinishCarriesATypedOrAGeneratedProjectNumber() throws {
        var d = Driver()
        var setup = Fixture.setup
        setup.identity = HallIdentity(areaCode: "330102")
        d.engine = HallEngine(setup: setup)
        try d.run(.signIn(window: 1, clerk: "c1"))
        try d.run(.issueTicket(category: "hukou", priority: false))
        try d.run(.issueTicket(category: "hukou", priority: false))
        try d.run(.callNext(window: 1))
        let typed = try d.run(.finish(window: 1, outcome: .promised, projectNo: "SP-2026-77"))
        d.advance(31)
        try d.run(.callNext(window: 1))
        let generated = try d.run(.finish(window: 1, outcome: .immediate))
        func projectNo(_ e: [EventRecord]) -> String? {
            e.lazy.compactMap { if case .ticketFinished(let f) = $0.event { f.projectNo } else { nil } }.first
        }
        #expect(projectNo(typed) == "SP-2026-77" && projectNo(generated) == "33010220261123A002")
    }
}
