import Foundation
import HallModel
import HallRuntime
import Logging
import Store
import Testing
@testable import HallRuntime

/// `[exports] monthly_dir`: once the hall's month has turned, last month's 考核 workbook is written, once;
/// time is the hall's injected clock.
@Suite struct MonthlyWorkbookTests {
    @Test func lastMonthsWorkbookIsWrittenOnceTheMonthIsOver() async throws {
        #expect(MonthlyWorkbookService.previousMonth(of: "2026-12-01")! == ("2026-11", "2026-11-01", "2026-11-30"))
        #expect(MonthlyWorkbookService.previousMonth(of: "2027-01-15")! == ("2026-12", "2026-12-01", "2026-12-31"))
        #expect(MonthlyWorkbookService.previousMonth(of: "2028-03-02")! == ("2028-02", "2028-02-01", "2028-02-29"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("monthly-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let setup = HallSetup(name: "月报大厅", categories: [ServiceCategory(code: "a", name: "甲", prefix: "A")],
                              windows: [ServiceWindow(number: 1, name: "1号窗口", categories: ["a"])], clerks: [Clerk(id: "c1", name: "张敏")],
                              rules: HallRules(timeZone: "Asia/Shanghai"))
        // 2026-11-23 10:00 in Beijing.
        let wall = ManualClock(Date(timeIntervalSince1970: 1_795_399_200))
        let hall = try Hall(setup: setup, store: try EventStore(path: dir.appendingPathComponent("h.sqlite").path), clock: wall)
        try await hall.execute(.signIn(window: 1, clerk: "c1"))
        try await hall.execute(.issueTicket(category: "a", priority: false))
        try await hall.execute(.callNext(window: 1))
        try await hall.execute(.finish(window: 1, outcome: .immediate))
        try await hall.execute(.rate(window: 1, level: .verySatisfied))
        let reports = dir.appendingPathComponent("reports").path
        let service = MonthlyWorkbookService(directory: reports, hall: hall, indicators: .empty, logger: Logger(label: "test"))
        // In November: October's workbook (a month without traffic is written too).
        let october = await service.writeIfDue()
        #expect(october?.hasSuffix("考核-2026-10.xlsx") == true, "\(String(describing: october))")
        // December 1st: November's (its figures are the reports', as WorkbookTests checks); a second look writes nothing.
        wall.advance(by: 8 * 86_400)
        let november = try #require(await service.writeIfDue())
        #expect(november.hasSuffix("考核-2026-11.xlsx"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: november))
        #expect(bytes.prefix(2) == Data("PK".utf8) && bytes.range(of: Data("xl/worksheets/sheet1.xml".utf8)) != nil)
        #expect(await service.writeIfDue() == nil)
        #expect(!FileManager.default.fileExists(atPath: november + ".part"))
    }
}
