import Foundation
import HallModel
import Testing

/// A reloaded config may add anything, and may remove only what nobody is using.
@Suite struct SetupChangeTests {
    @Test func addingIsAlwaysAllowedAndListed() throws {
        var d = Driver()
        try d.run(.signIn(window: 1, clerk: "c1"))
        try d.run(.issueTicket(category: "hukou", priority: false))
        var bigger = Fixture.setup
        bigger.windows.append(ServiceWindow(number: 4, name: "4号窗口", categories: ["tax"]))
        bigger.categories.append(ServiceCategory(code: "car", name: "车管", prefix: "D"))
        bigger.clerks.append(Clerk(id: "c4", name: "赵六"))
        let change = SetupChange(from: Fixture.setup, to: bigger, state: d.state)
        #expect(change.conflicts.isEmpty)
        #expect(change.addedWindows == [4] && change.addedCategories == ["car"] && change.addedClerks == ["c4"])
        #expect(change.removedWindows.isEmpty && !change.isEmpty)
        var state = d.state
        state.adopt(bigger)
        #expect(state.windows[4] != nil && state.windows[1]?.clerk == "c1" && state.waiting.count == 1)
    }

    @Test func removingWhatIsInUseIsRefusedWithEveryReason() throws {
        var d = Driver()
        try d.run(.signIn(window: 1, clerk: "c1"))
        try d.run(.signIn(window: 3, clerk: "c3"))
        try d.run(.issueTicket(category: "social", priority: false))
        try d.run(.issueTicket(category: "tax", priority: false))
        try d.run(.callNext(window: 3))
        var smaller = Fixture.setup
        smaller.windows.removeAll { $0.number == 3 }
        smaller.categories.removeAll { $0.code == "social" }
        smaller.clerks.removeAll { $0.id == "c1" }
        let change = SetupChange(from: Fixture.setup, to: smaller, state: d.state)
        #expect(change.conflicts.contains("window 3 is removed but is serving ticket C001"), "\(change.conflicts)")
        #expect(change.conflicts.contains("window 3 is removed but clerk c3 is signed in there"))
        #expect(change.conflicts.contains("category social is removed but 1 ticket(s) of it are waiting"))
        #expect(change.conflicts.contains("clerk c1 is removed but is signed in at window 1"))
        #expect(change.conflicts.count == 4)
    }

    @Test func removingIdleThingsIsAllowedAndTheWindowGoes() throws {
        var d = Driver()
        try d.run(.signIn(window: 1, clerk: "c1"))
        var smaller = Fixture.setup
        smaller.windows.removeAll { $0.number == 3 }
        smaller.categories.removeAll { $0.code == "tax" }
        smaller.clerks.removeAll { $0.id == "c3" }
        let change = SetupChange(from: Fixture.setup, to: smaller, state: d.state)
        #expect(change.conflicts.isEmpty)
        #expect(change.removedWindows == [3] && change.removedCategories == ["tax"] && change.removedClerks == ["c3"])
        var state = d.state
        state.adopt(smaller)
        #expect(state.windows[3] == nil && state.windows[1]?.clerk == "c1")
    }
}
