import Foundation
import Testing
@testable import HallModel

/// The one wait estimate (kiosk, ticket, log), 绿色通道 reasons and appointment tickets in the engine.
@Suite struct WaitEstimatorTests {
    static func issued(_ events: [EventRecord]) -> TicketIssued? {
        events.compactMap { if case .ticketIssued(let e) = $0.event { e } else { nil } }.first
    }

    /// Serves one ticket of `category` at `window` taking `seconds`.
    static func serve(_ d: inout Driver, category: String, window: Int, seconds: Double) throws {
        try d.run(.issueTicket(category: category, priority: false))
        try d.run(.callTicket(window: window, ticket: d.state.waiting.last!.id))
        d.advance(seconds)
        try d.run(.finish(window: window, outcome: .immediate))
        try d.run(.rate(window: window, level: .satisfied))
    }

    @Test func noOpenWindowIsNoEstimateAndTheDefaultBeforeAnyService() throws {
        var d = Driver()
        #expect(WaitEstimator.estimate(category: "hukou", priority: false, state: d.state, setup: Fixture.setup) == nil)
        try d.run(.signIn(window: 1, clerk: "c1"))
        // Nobody ahead, the window free: called at once.
        #expect(WaitEstimator.estimate(category: "hukou", priority: false, state: d.state, setup: Fixture.setup) == 0)
        try d.run(.issueTicket(category: "hukou", priority: false))
        try d.run(.issueTicket(category: "hukou", priority: false))
        // Two ahead at the 5-minute default, one window.
        #expect(WaitEstimator.estimate(category: "hukou", priority: false, state: d.state, setup: Fixture.setup) == 600)
    }

    @Test func aCategoryWithoutItsOwnServicesUsesTheHallsNotAGuess() throws {
        var d = Driver()
        try d.run(.signIn(window: 1, clerk: "c1"))
        try d.run(.signIn(window: 3, clerk: "c3"))
        for _ in 0..<3 { try Self.serve(&d, category: "tax", window: 3, seconds: 120) }
        // hukou has served none: the hall's 120 s, as tax has, not the 300 s default.
        #expect(WaitEstimator.serviceSeconds("hukou", state: d.state, setup: Fixture.setup) == 120)
        #expect(WaitEstimator.serviceSeconds("tax", state: d.state, setup: Fixture.setup) == 120)
        for _ in 0..<3 { try Self.serve(&d, category: "hukou", window: 1, seconds: 600) }
        #expect(WaitEstimator.serviceSeconds("hukou", state: d.state, setup: Fixture.setup) == 600)
        #expect(WaitEstimator.serviceSeconds("social", state: d.state, setup: Fixture.setup) == 360, "the hall's mean of all six")
    }

    @Test func sharedWindowsAndPriorityTicketsCountAhead() throws {
        var d = Driver()
        try d.run(.signIn(window: 1, clerk: "c1"))
        try d.run(.signIn(window: 2, clerk: "c2"))
        // Window 1 calls hukou first, window 2 social first; both serve both.
        for _ in 0..<4 { try d.run(.issueTicket(category: "social", priority: false)) }
        let hukou = try #require(WaitEstimator.estimate(category: "hukou", priority: false, state: d.state, setup: Fixture.setup))
        let social = try #require(WaitEstimator.estimate(category: "social", priority: false, state: d.state, setup: Fixture.setup))
        // A new social ticket is behind the four at both windows: 4 × 300 s over two windows. A new hukou
        // ticket is first at window 1, so it is behind none there, but window 2 would call the socials first.
        #expect(social == 600)
        #expect(hukou == 600, "the union of what is ahead at either window")
        let priority = try #require(WaitEstimator.estimate(category: "social", priority: true, state: d.state, setup: Fixture.setup))
        #expect(priority == 0, "a priority ticket is ahead of every ordinary one")
    }

    @Test func theIssuedTicketCarriesItsEstimateReasonAndAppointment() throws {
        var d = Driver()
        var setup = Fixture.setup
        setup.rules.priorityReasons = ["老年人", "残疾人"]
        d.engine = HallEngine(setup: setup)
        try d.run(.signIn(window: 1, clerk: "c1"))
        try d.run(.issueTicket(category: "hukou", priority: false))
        let e = try #require(Self.issued(try d.run(.issueTicket(category: "hukou", priority: false, details: IssueDetails(priorityReason: "老年人")))))
        #expect(e.priority && e.priorityReason == "老年人" && e.estimatedWaitSeconds == 0)
        #expect(d.state.waiting.last?.priorityReason == "老年人")
        #expect(d.reject(.issueTicket(category: "hukou", priority: true, details: IssueDetails(priorityReason: "路过"))) == .priorityReasonUnknown("路过"))

        // An appointment: one ticket per code and day, also across a reservation that is then printed.
        let r = try d.run(.reserveTicket(category: "hukou", priority: true,
                                         details: IssueDetails(priorityReason: IssueDetails.appointmentReason, appointment: "AP-1")))
        #expect(d.reject(.issueTicket(category: "hukou", priority: true, details: IssueDetails(appointment: "AP-1")))
                == .appointmentUsed(code: "AP-1", ticket: r[0].ticket!))
        let confirmed = try #require(Self.issued(try d.run(.confirmTicket(ticket: r[0].ticket!))))
        #expect(confirmed.appointment == "AP-1" && confirmed.priorityReason == "预约" && confirmed.estimatedWaitSeconds != nil)
        // A voided reservation frees its code.
        let r2 = try d.run(.reserveTicket(category: "hukou", priority: true, details: IssueDetails(appointment: "AP-2")))
        try d.run(.voidTicket(ticket: r2[0].ticket!, reason: "paper_out"))
        #expect(d.state.appointmentsUsed["AP-2"] == nil)
        try d.run(.issueTicket(category: "hukou", priority: true, details: IssueDetails(appointment: "AP-2")))
        #expect(d.state.appointmentsUsed.keys.sorted() == ["AP-1", "AP-2"])
    }
}
