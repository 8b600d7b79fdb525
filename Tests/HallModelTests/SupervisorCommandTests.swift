import Foundation
import Testing
@testable import HallModel

/// A supervisor's commands through the same engine as every other path: moving a waiting ticket and the
/// hall notice. Refusals change nothing; accepted moves change only what they name.
@Suite struct SupervisorCommandTests {
    @Test func aWaitingTicketMovesToAnotherCategoryOrOneWindow() throws {
        var d = Driver()
        try d.run(.signIn(window: 1, clerk: "c1"))
        try d.run(.signIn(window: 3, clerk: "c3"))
        try d.run(.issueTicket(category: "hukou", priority: false))  // A001
        try d.run(.issueTicket(category: "hukou", priority: false))  // A002
        try d.run(.callNext(window: 1))                             // A001 in service
        // Only waiting tickets move; unknown targets and moves that change nothing are refused.
        #expect(d.reject(.moveWaiting(ticket: "A001", toCategory: "tax", toWindow: nil)) == .ticketNotWaiting(ticket: "A001"))
        #expect(d.reject(.moveWaiting(ticket: "A009", toCategory: "tax", toWindow: nil)) == .ticketNotWaiting(ticket: "A009"))
        #expect(d.reject(.moveWaiting(ticket: "A002", toCategory: "zz", toWindow: nil)) == .unknownCategory("zz"))
        #expect(d.reject(.moveWaiting(ticket: "A002", toCategory: nil, toWindow: 9)) == .unknownWindow(9))
        #expect(d.reject(.moveWaiting(ticket: "A002", toCategory: "hukou", toWindow: nil))?.code == "move_target_invalid")
        // Window 3 does not serve 户籍: a directed move there would strand the citizen.
        let stranded = d.reject(.moveWaiting(ticket: "A002", toCategory: nil, toWindow: 3))
        #expect(stranded?.code == "move_target_invalid" && stranded?.messageZh.contains("3 号窗口不办理") == true, "\(String(describing: stranded))")
        // To 税务 by number: window 3 calls it next, keeping its place by issue time.
        let moved = try d.run(.moveWaiting(ticket: "A002", toCategory: "tax", toWindow: nil))
        #expect(moved.map(\.kind) == [.ticketMoved])
        guard case .ticketMoved(let e) = moved[0].event else { Issue.record("\(moved)"); return }
        #expect(e.fromCategory == "hukou" && e.toCategory == "tax" && e.toWindow == nil && e.ticket.hasSuffix("/A002"))
        #expect(d.state.waiting.map(\.category) == ["tax"])
        #expect(try d.run(.callNext(window: 3)).last?.number == "A002")
        // Directed to one window by id.
        try d.run(.issueTicket(category: "social", priority: false))  // B001
        let id = d.state.waiting[0].id
        try d.run(.moveWaiting(ticket: id, toCategory: nil, toWindow: 2))
        #expect(d.state.waiting[0].directedWindow == 2 && d.state.waiting[0].category == "social")
        #expect(d.state.candidates(for: Fixture.setup.windows[0]).isEmpty)
    }

    @Test func theNoticeShowsUntilItsTimeOrUntilTakenDown() throws {
        var d = Driver()
        #expect(d.reject(.postNotice(text: "", until: nil))?.code == "notice_invalid")
        #expect(d.reject(.postNotice(text: String(repeating: "字", count: 201), until: nil))?.code == "notice_invalid")
        #expect(d.reject(.postNotice(text: "午休", until: d.now.addingTimeInterval(-1)))?.code == "notice_invalid")
        let until = d.now.addingTimeInterval(600)
        try d.run(.postNotice(text: "  12:00–13:30 午间只开 1 号窗口  ", until: until))
        #expect(d.state.notice == HallNotice(text: "12:00–13:30 午间只开 1 号窗口", postedAt: d.now, until: until))
        #expect(d.state.notice?.shows(at: d.now.addingTimeInterval(599)) == true)
        #expect(d.state.notice?.shows(at: until) == false)
        try d.run(.postNotice(text: "", until: nil))
        #expect(d.state.notice == nil)
        // The notice is in the log, so a state folded from the log has it too.
        try d.run(.postNotice(text: "系统维护", until: nil))
        var folded = HallState(setup: Fixture.setup)
        for e in d.log { folded.apply(e) }
        #expect(folded.notice?.text == "系统维护")
    }
}
