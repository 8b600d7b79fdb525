import Foundation
import Testing
@testable import HallModel

@Suite struct QueueEngineTests {
    @Test func ticketsAreNumberedPerCategoryAndDay() throws {
        var d = Driver()
        let first = try d.run(.issueTicket(category: "hukou", priority: false))
        #expect(d.kinds(first) == [.dayStarted, .ticketIssued])
        #expect(first.last?.number == "A001")
        #expect(first.last?.ticket == "2026-11-23/A001")
        #expect(try d.run(.issueTicket(category: "hukou", priority: false)).last?.number == "A002")
        #expect(try d.run(.issueTicket(category: "social", priority: false)).last?.number == "B001")
        #expect(d.state.waiting.map(\.number) == ["A001", "A002", "B001"])
        #expect(d.reject(.issueTicket(category: "nope", priority: false)) == .unknownCategory("nope"))
    }

    @Test func numbersPastNineHundredNinetyNineKeepGrowing() {
        #expect(Ticket.number(prefix: "A", sequence: 7) == "A007")
        #expect(Ticket.number(prefix: "A", sequence: 999) == "A999")
        #expect(Ticket.number(prefix: "AB", sequence: 1000) == "AB1000")
    }

    @Test func localMidnightResetsNumbersExpiresWaitingAndKeepsClerks() throws {
        var d = Driver()
        try d.run(.signIn(window: 1, clerk: "c1"))
        try d.run(.issueTicket(category: "hukou", priority: false))
        try d.run(.issueTicket(category: "hukou", priority: false))
        // 2026-11-23 23:59:59 Beijing = 15:59:59 UTC.
        d.now = Date(timeIntervalSince1970: 1_795_449_599)
        #expect(try d.run(.issueTicket(category: "hukou", priority: false)).last?.number == "A003")
        d.advance(1)  // 00:00:00 Beijing on the 24th
        let events = try d.run(.issueTicket(category: "hukou", priority: false))
        #expect(d.kinds(events) == [.dayStarted, .ticketIssued])
        #expect(events[0].day == "2026-11-24")
        #expect(events[0].expired == ["2026-11-23/A001", "2026-11-23/A002", "2026-11-23/A003"])
        #expect(events[1].number == "A001")
        #expect(events[1].ticket == "2026-11-24/A001")
        #expect(d.state.waiting.map(\.id) == ["2026-11-24/A001"])
        #expect(d.state.window(1).clerk == "c1")
    }

    @Test func tickAtMidnightStartsTheDayWithoutACommand() throws {
        var d = Driver()
        try d.run(.issueTicket(category: "hukou", priority: false))
        #expect(try d.run(.tick).isEmpty)
        d.now = Date(timeIntervalSince1970: 1_795_449_600)
        #expect(d.kinds(try d.run(.tick)) == [.dayStarted])
        #expect(d.state.waiting.isEmpty)
        #expect(d.state.nextDeadline(calendar: d.engine.calendar, now: d.now) == Date(timeIntervalSince1970: 1_795_449_600 + 86_400))
    }

    @Test func signInRules() throws {
        var d = Driver()
        #expect(d.reject(.signIn(window: 9, clerk: "c1")) == .unknownWindow(9))
        #expect(d.reject(.signIn(window: 1, clerk: "zz")) == .unknownClerk("zz"))
        try d.run(.signIn(window: 1, clerk: "c1"))
        #expect(d.reject(.signIn(window: 1, clerk: "c1")) == .clerkAlreadySignedIn(clerk: "c1", window: 1))
        #expect(d.reject(.signIn(window: 2, clerk: "c1")) == .clerkAtOtherWindow(clerk: "c1", window: 1))
        // AB角: B takes over window 1; A is signed out there.
        let swap = try d.run(.signIn(window: 1, clerk: "c2"))
        #expect(d.kinds(swap) == [.clerkSignedOut, .clerkSignedIn])
        #expect(swap[0].clerk == "c1" && swap[0].reason == "replaced")
        #expect(d.state.window(1).clerk == "c2")
        try d.run(.issueTicket(category: "hukou", priority: false))
        try d.run(.callNext(window: 1))
        #expect(d.reject(.signIn(window: 1, clerk: "c3")) == .ticketInService(ticket: "A001"))
        #expect(d.reject(.signOut(window: 1)) == .ticketInService(ticket: "A001"))
        #expect(d.reject(.signOut(window: 2)) == .noClerkSignedIn(window: 2))
    }

    @Test func callOrderGreenChannelThenCategoryPriorityThenAge() throws {
        var d = Driver()
        try d.run(.signIn(window: 1, clerk: "c1"))
        try d.run(.signIn(window: 2, clerk: "c2"))
        try d.run(.issueTicket(category: "social", priority: false))  // B001
        d.advance(10)
        try d.run(.issueTicket(category: "hukou", priority: false))   // A001
        d.advance(10)
        try d.run(.issueTicket(category: "hukou", priority: false))   // A002
        d.advance(10)
        try d.run(.issueTicket(category: "social", priority: true))   // B002 green channel
        d.advance(10)
        try d.run(.issueTicket(category: "tax", priority: false))     // C001: neither window serves it
        // Window 1 serves hukou before social; window 2 social before hukou.
        #expect(d.state.candidates(for: Fixture.setup.windows[0]).map(\.number) == ["B002", "A001", "A002", "B001"])
        #expect(d.state.candidates(for: Fixture.setup.windows[1]).map(\.number) == ["B002", "B001", "A001", "A002"])
        #expect(try d.run(.callNext(window: 1)).last?.number == "B002")
        #expect(try d.run(.callNext(window: 2)).last?.number == "B001")
        let called = d.log.last!
        #expect(called.kind == .ticketCalled && called.waitSeconds == 40 && called.clerk == "c2")
    }

    @Test func callNextRejections() throws {
        var d = Driver()
        #expect(d.reject(.callNext(window: 1)) == .noClerkSignedIn(window: 1))
        #expect(d.reject(.callNext(window: 7)) == .unknownWindow(7))
        try d.run(.signIn(window: 1, clerk: "c1"))
        #expect(d.reject(.callNext(window: 1)) == .queueEmpty(window: 1))
        try d.run(.issueTicket(category: "tax", priority: false))
        #expect(d.reject(.callNext(window: 1)) == .queueEmpty(window: 1))  // window 1 does not serve tax
        try d.run(.issueTicket(category: "hukou", priority: false))
        try d.run(.pause(window: 1))
        #expect(d.reject(.callNext(window: 1)) == .windowPaused(window: 1))
        #expect(d.reject(.pause(window: 1)) == .windowPaused(window: 1))
        try d.run(.resume(window: 1))
        #expect(d.reject(.resume(window: 1)) == .windowNotPaused(window: 1))
        try d.run(.callNext(window: 1))
        #expect(d.reject(.callNext(window: 1)) == .ticketInService(ticket: "A001"))
        #expect(d.reject(.pause(window: 1)) == .ticketInService(ticket: "A001"))
    }

    @Test func recallUpToTheLimitThenNoShow() throws {
        var d = Driver()
        try d.run(.signIn(window: 1, clerk: "c1"))
        #expect(d.reject(.recall(window: 1)) == .noTicketInService(window: 1))
        try d.run(.issueTicket(category: "hukou", priority: false))
        try d.run(.callNext(window: 1))
        for n in 1...3 {
            d.advance(20)
            let e = try d.run(.recall(window: 1))
            #expect(e.map(\.kind) == [.ticketRecalled] && e[0].recalls == n)
        }
        let last = try d.run(.recall(window: 1))
        #expect(last.map(\.kind) == [.ticketNoShow])
        #expect(last[0].reason == "recall_limit" && last[0].recalls == 3)
        #expect(d.state.window(1).serving == nil)
        #expect(d.state.window(1).awaiting == nil)
    }

    @Test func manualNoShowFreesTheWindow() throws {
        var d = Driver()
        try d.run(.signIn(window: 1, clerk: "c1"))
        #expect(d.reject(.noShow(window: 1)) == .noTicketInService(window: 1))
        try d.run(.issueTicket(category: "hukou", priority: false))
        try d.run(.callNext(window: 1))
        let e = try d.run(.noShow(window: 1))
        #expect(e.map(\.kind) == [.ticketNoShow] && e[0].reason == "manual" && e[0].number == "A001")
        #expect(d.state.window(1).phase == "idle")
    }

    /// The caller keypad's evaluate key has no way to choose the outcome class: it takes the category's.
    @Test func theKeypadsFinishTakesTheCategorysDefaultOutcome() throws {
        var setup = Fixture.setup
        setup.categories[1].defaultOutcome = .promised
        var d = Driver()
        d.engine = HallEngine(setup: setup)
        try d.run(.signIn(window: 2, clerk: "c2"))
        for code in ["social", "hukou"] {
            try d.run(.issueTicket(category: code, priority: false))
        }
        func outcome(_ events: [EventRecord]) -> Outcome? {
            if case .ticketFinished(let f) = events.first?.event { f.outcome } else { nil }
        }
        #expect(try d.run(.callNext(window: 2)).last?.number == "B001")
        #expect(outcome(try d.run(.finishWithDefaultOutcome(window: 2))) == .promised)
        try d.run(.rate(window: 2, level: .satisfied))
        #expect(try d.run(.callNext(window: 2)).last?.number == "A001")
        #expect(outcome(try d.run(.finishWithDefaultOutcome(window: 2))) == .immediate)
    }

    @Test func transferKeepsIssueTimeAndCanTargetOneWindow() throws {
        var d = Driver()
        try d.run(.signIn(window: 1, clerk: "c1"))
        try d.run(.signIn(window: 2, clerk: "c2"))
        try d.run(.signIn(window: 3, clerk: "c3"))
        try d.run(.issueTicket(category: "hukou", priority: false))  // A001 at 09:00
        d.advance(60)
        try d.run(.callNext(window: 1))
        d.advance(60)
        try d.run(.issueTicket(category: "tax", priority: false))    // C001 at 09:02
        #expect(d.reject(.transfer(window: 1, toCategory: nil, toWindow: nil)) == .transferTargetMissing)
        #expect(d.reject(.transfer(window: 1, toCategory: "zz", toWindow: nil)) == .unknownCategory("zz"))
        #expect(d.reject(.transfer(window: 1, toCategory: nil, toWindow: 8)) == .unknownWindow(8))
        #expect(d.reject(.transfer(window: 1, toCategory: nil, toWindow: 1)) == .transferToSameWindow(window: 1))
        #expect(d.reject(.transfer(window: 2, toCategory: "tax", toWindow: nil)) == .noTicketInService(window: 2))
        let moved = try d.run(.transfer(window: 1, toCategory: "tax", toWindow: nil))
        #expect(moved[0].kind == .ticketTransferred && moved[0].category == "hukou" && moved[0].toCategory == "tax")
        // The transferred ticket keeps its 09:00 issue time, so it goes before C001.
        d.advance(60)
        let call = try d.run(.callNext(window: 3))
        #expect(call.last?.number == "A001")
        #expect(call.last?.waitSeconds == 180)
        d.advance(30)
        let finished = try d.run(.finish(window: 3, outcome: .immediate))
        #expect(finished[0].category == "tax" && finished[0].waitSeconds == 180 && finished[0].serviceSeconds == 30)
        // Directed transfer: only window 2 may call it, ahead of its own categories.
        try d.run(.rate(window: 3, level: .satisfied))
        try d.run(.callNext(window: 3))  // C001
        try d.run(.issueTicket(category: "social", priority: false))
        try d.run(.transfer(window: 3, toCategory: nil, toWindow: 2))
        #expect(d.state.candidates(for: Fixture.setup.windows[0]).map(\.number) == ["B001"])
        #expect(d.state.candidates(for: Fixture.setup.windows[1]).map(\.number) == ["C001", "B001"])
        #expect(try d.run(.callNext(window: 2)).last?.number == "C001")
    }

    @Test func rejectedCommandsProduceNothingEvenWhenHousekeepingIsDue() throws {
        var d = Driver()
        try d.run(.signIn(window: 1, clerk: "c1"))
        try d.run(.issueTicket(category: "hukou", priority: false))
        try d.run(.callNext(window: 1))
        try d.run(.finish(window: 1, outcome: .immediate))
        d.advance(45)  // the rating wait is over, but nobody has ticked
        let before = d.state
        #expect(d.reject(.callNext(window: 1)) == .queueEmpty(window: 1))
        #expect(d.state == before)
    }

    @Test func liveStateEqualsReplayOfTheLog() throws {
        var d = Driver()
        try d.run(.signIn(window: 1, clerk: "c1"))
        try d.run(.signIn(window: 2, clerk: "c2"))
        for i in 0..<6 { try d.run(.issueTicket(category: i % 2 == 0 ? "hukou" : "social", priority: i == 4)) }
        try d.run(.callNext(window: 1))
        try d.run(.callNext(window: 2))
        try d.run(.recall(window: 2))
        try d.run(.transfer(window: 2, toCategory: "hukou", toWindow: nil))
        d.advance(100)
        try d.run(.finish(window: 1, outcome: .promised))
        try d.run(.pause(window: 2))
        var replay = HallState(setup: Fixture.setup)
        for e in d.log { replay.apply(e) }
        #expect(replay == d.state)
    }
}

@Suite struct ParkTests {
    @Test func parkServeAnotherThenCallBack() throws {
        var d = Driver()
        try d.run(.signIn(window: 1, clerk: "c1"))
        try d.run(.issueTicket(category: "hukou", priority: false))
        try d.run(.issueTicket(category: "hukou", priority: false))
        d.advance(60)
        try d.run(.callNext(window: 1))                       // A001
        d.advance(30)
        #expect(try d.run(.park(window: 1)).map(\.kind) == [.ticketParked])
        #expect(d.state.window(1).parked.map(\.ticket.number) == ["A001"] && d.state.window(1).serving == nil)
        try d.run(.callNext(window: 1))                       // A002
        #expect(d.reject(.callBack(window: 1)) == .ticketInService(ticket: "A002"))
        try d.run(.finish(window: 1, outcome: .immediate))
        d.advance(100)
        // Calling back ends the rating wait of A002, like a call.
        let back = try d.run(.callBack(window: 1))
        #expect(back.map(\.kind) == [.ratingNotGiven, .ticketCalledBack] && back[1].number == "A001")
        d.advance(50)
        let fin = try d.run(.finish(window: 1, outcome: .promised))
        // Waiting ended at the first call; service counts from the call back.
        #expect(fin[0].waitSeconds == 60 && fin[0].serviceSeconds == 50)
        #expect(d.state.window(1).parked.isEmpty)
        var replay = HallState(setup: Fixture.setup)
        for e in d.log { replay.apply(e) }
        #expect(replay == d.state)
    }
}
