import Foundation
import Testing
@testable import HallModel

/// What a setup change says about itself (the log's setup event and the audit record), and the conflict
/// the setup pages add: a kept category that no window would call any more.
@Suite struct SetupChangeSummaryTests {
    @Test func changesAreNamedAndStrandedCategoriesRefused() throws {
        var d = Driver()
        try d.run(.issueTicket(category: "tax", priority: false))
        var new = Fixture.setup
        new.categories[0].timeLimitMinutes = 45
        new.windows[2].categories = ["hukou"]   // window 3 no longer serves 税务, where C001 waits
        let change = SetupChange(from: Fixture.setup, to: new, state: d.state)
        #expect(change.changedCategories == ["hukou"] && change.changedWindows == [3])
        #expect(change.summaryZh == "修改窗口：3；修改类别：hukou", "\(change.summaryZh)")
        #expect(change.conflictsZh == ["不再有窗口办理业务类别 tax，但还有 1 人在等候"], "\(change.conflictsZh)")
        #expect(change.conflicts.count == change.conflictsZh.count)
        // With the queue empty the same edit is fine.
        let empty = SetupChange(from: Fixture.setup, to: new, state: HallState(setup: Fixture.setup))
        #expect(empty.conflicts.isEmpty)
    }
}
