import Foundation
import Testing
@testable import HallModel

/// The clerk console's choices through the engine: 指定叫号 (call this ticket), calling back a chosen
/// parked ticket, and 恢复过号 (a no-show back in the queue). Each is refused where the next call would be.
@Suite struct ConsoleCommandTests {
    @Test func callThisTicketOnlyAmongTheWindowsCandidates() throws {
        var d = Driver()
        try d.run(.signIn(window: 1, clerk: "c1"))
        try d.run(.issueTicket(category: "hukou", priority: false))  // A001
        try d.run(.issueTicket(category: "social", priority: false)) // B001
        try d.run(.issueTicket(category: "tax", priority: false))    // C001: window 1 does not serve 税务
        #expect(d.reject(.callTicket(window: 1, ticket: "C001")) == .ticketNotCallable(ticket: "C001", window: 1))
        #expect(d.reject(.callTicket(window: 1, ticket: "A099")) == .ticketNotCallable(ticket: "A099", window: 1))
        #expect(d.reject(.callTicket(window: 2, ticket: "B001")) == .noClerkSignedIn(window: 2))
        let called = try d.run(.callTicket(window: 1, ticket: "B001"))
        #expect(called.map(\.kind) == [.ticketCalled] && called[0].number == "B001")
        #expect(d.reject(.callTicket(window: 1, ticket: "A001")) == .ticketInService(ticket: "B001"))
        #expect(d.state.waiting.map(\.number) == ["A001", "C001"])
    }

    @Test func callBackTheParkedTicketChosen() throws {
        var d = Driver()
        try d.run(.signIn(window: 1, clerk: "c1"))
        for _ in 0..<3 { try d.run(.issueTicket(category: "hukou", priority: false)) }
        try d.run(.callNext(window: 1)); try d.run(.park(window: 1))   // A001 parked
        try d.run(.callNext(window: 1)); try d.run(.park(window: 1))   // A002 parked
        #expect(d.reject(.callBack(window: 1, ticket: "A003")) == .ticketNotParked(ticket: "A003", window: 1))
        let back = try d.run(.callBack(window: 1, ticket: "A001"))
        #expect(back.map(\.kind) == [.ticketCalledBack] && back[0].number == "A001")
        #expect(d.state.window(1).serving?.ticket.number == "A001" && d.state.window(1).parked.map(\.ticket.number) == ["A002"])
        try d.run(.finish(window: 1, outcome: .immediate))
        try d.run(.rate(window: 1, level: .satisfied))
        // Without a ticket named: the most recently parked, as the keypad's key does.
        #expect(try d.run(.callBack(window: 1)).last?.number == "A002")
    }

    @Test func aNoShowComesBackOnceAndKeepsItsIssueTime() throws {
        var d = Driver()
        try d.run(.signIn(window: 1, clerk: "c1"))
        try d.run(.issueTicket(category: "hukou", priority: false))  // A001 at 09:00
        d.advance(60)
        try d.run(.issueTicket(category: "hukou", priority: false))  // A002 at 09:01
        try d.run(.callNext(window: 1))
        try d.run(.noShow(window: 1))                               // A001 did not come
        let a001 = Ticket(id: "2026-11-23/A001", number: "A001", day: d.state.day, category: "hukou", priority: false, issuedAt: Fixture.morning)
        #expect(d.reject(.requeueNoShow(ticket: "A001", noShow: nil)) == .notNoShow(ticket: "A001"))
        var yesterday = a001
        yesterday.day = "2026-11-22"
        #expect(d.reject(.requeueNoShow(ticket: "A001", noShow: yesterday)) == .notNoShow(ticket: "A001"))
        let back = try d.run(.requeueNoShow(ticket: a001.id, noShow: a001))
        #expect(back.map(\.kind) == [.ticketRequeued])
        // Twice is refused even before the first is committed: the state already has it waiting.
        #expect(d.reject(.requeueNoShow(ticket: a001.id, noShow: a001)) == .notNoShow(ticket: "A001"))
        // Its 09:00 issue time puts it before A002.
        #expect(try d.run(.callNext(window: 1)).last?.number == "A001")
    }
}
