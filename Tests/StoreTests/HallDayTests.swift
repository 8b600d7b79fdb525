import Exports
import Foundation
import HallModel
import HallRuntime
@testable import Store
import Testing

/// A scripted hall day through the Hall actor on a real SQLite file, checked against numbers worked
/// out by hand.
@Suite struct HallDayTests {
    static func scriptedDay(_ hall: Hall, _ clock: ManualClock) async throws {
        func at(_ t: String) { clock.set(StoreFixture.at(t)) }
        at("09:00")
        try await hall.execute(.signIn(window: 1, clerk: "c1"))
        try await hall.execute(.signIn(window: 2, clerk: "c2"))
        try await hall.execute(.issueTicket(category: "hukou", priority: false))   // A001 09:00
        at("09:01"); try await hall.execute(.issueTicket(category: "hukou", priority: false))   // A002
        at("09:02"); try await hall.execute(.issueTicket(category: "social", priority: false))  // B001
        at("09:03"); try await hall.execute(.issueTicket(category: "hukou", priority: false))   // A003
        at("09:05")
        try await hall.execute(.callNext(window: 1))    // A001, waited 300 s
        try await hall.execute(.callNext(window: 2))    // B001, waited 180 s
        at("09:10"); try await hall.execute(.finish(window: 1, outcome: .immediate))   // served 300 s
        at("09:10:10"); try await hall.execute(.rate(window: 1, level: .verySatisfied))
        at("09:12"); try await hall.execute(.finish(window: 2, outcome: .promised))    // served 420 s
        at("09:12:05"); try await hall.execute(.rate(window: 2, level: .dissatisfied))
        at("09:12:06"); try await hall.execute(.rate(window: 2, level: .veryDissatisfied))  // duplicate
        at("09:13"); try await hall.execute(.callNext(window: 1))    // A002, waited 720 s
        at("09:14"); try await hall.execute(.callNext(window: 2))    // A003, waited 660 s
        at("09:15"); try await hall.execute(.recall(window: 2))
        at("09:16"); try await hall.execute(.noShow(window: 2))
        at("09:20"); try await hall.execute(.finish(window: 1, outcome: .immediate))   // served 420 s
        at("09:20:30"); try await hall.tick()                                            // not rated
        at("09:25"); try await hall.execute(.rate(window: 1, level: .satisfied))         // nothing awaited
    }

    @Test func reportEqualsHandComputedNumbers() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try EventStore(path: dir.path("day.sqlite"))
        let clock = ManualClock(StoreFixture.nine)
        let hall = try Hall(setup: StoreFixture.setup, store: store, clock: clock)
        try await Self.scriptedDay(hall, clock)
        let reports = Reports(store: store, setup: StoreFixture.setup)

        let windows = try reports.rows(.window, from: "2026-11-23", to: "2026-11-23")
        #expect(windows.map(\.key) == ["1", "2"])
        let w1 = windows[0], w2 = windows[1]
        #expect(w1.name == "1号窗口" && w1.rank == 1)
        #expect(w1.served == 2 && w1.noShows == 0)
        #expect(w1.meanWaitSeconds == 510 && w1.p90WaitSeconds == 720)
        #expect(w1.meanServiceSeconds == 360 && w1.p90ServiceSeconds == 420)
        #expect(w1.ratings == [0, 0, 0, 0, 1] && w1.rated == 1 && w1.notRated == 1 && w1.ignoredPresses == 1)
        #expect(w1.participationRate == 0.5 && w1.satisfactionRate == 1 && w1.score == 100 && w1.immediateRate == 1)

        #expect(w2.rank == 2 && w2.served == 1 && w2.noShows == 1)
        #expect(w2.meanWaitSeconds == 180 && w2.p90WaitSeconds == 180 && w2.meanServiceSeconds == 420)
        #expect(w2.ratings == [0, 1, 0, 0, 0] && w2.ignoredPresses == 1)
        #expect(w2.participationRate == 1 && w2.satisfactionRate == 0 && w2.score == 25 && w2.immediateRate == 0)
        #expect(w2.outcomes["promised"] == 1)

        let clerks = try reports.rows(.clerk, from: "2026-11-23", to: "2026-11-23")
        #expect(clerks.map(\.name) == ["张敏", "李娜"])
        #expect(clerks[0].served == 2 && clerks[0].score == 100 && clerks[1].noShows == 1)

        let categories = try reports.rows(.category, from: "2026-11-22", to: "2026-11-24")
        let hukou = try #require(categories.first { $0.key == "hukou" })
        let social = try #require(categories.first { $0.key == "social" })
        #expect(hukou.issued == 3 && hukou.served == 2 && hukou.noShows == 1 && hukou.meanWaitSeconds == 510)
        #expect(hukou.rated == 1 && hukou.notRated == 1)
        #expect(social.issued == 1 && social.served == 1 && social.score == 25)

        // Other days are empty; a reversed range is an error.
        #expect(try reports.rows(.window, from: "2026-11-24", to: "2026-11-30").isEmpty)
        #expect(throws: Reports.InvalidRange.self) { try reports.rows(.window, from: "2026-11-24", to: "2026-11-23") }
        #expect(throws: Reports.InvalidRange.self) { try reports.rows(.window, from: "2026-13-01", to: "2026-13-02") }

        // The tickets projection.
        let tickets = try store.tickets(day: "2026-11-23")
        #expect(tickets.map(\.status) == [.served, .served, .noShow, .served])
        #expect(tickets.map(\.ratingState) == [.rated, .notRated, nil, .rated])
        #expect(tickets[0].rating == 5 && tickets[3].rating == 2)

        // And the table a manager reads.
        let table = ReportFormatter.table(windows)
        #expect(table.contains("1号窗口") && table.contains("8:30") && table.contains("50.0%"))
    }

    @Test func rebuildEqualsIncrementalProjections() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try EventStore(path: dir.path("day.sqlite"))
        let clock = ManualClock(StoreFixture.nine)
        let hall = try Hall(setup: StoreFixture.setup, store: store, clock: clock)
        try await Self.scriptedDay(hall, clock)
        // And a second day, to cross a midnight.
        clock.set(StoreFixture.at("09:00").addingTimeInterval(86_400))
        try await hall.execute(.issueTicket(category: "tax", priority: true))
        try await hall.execute(.signIn(window: 3, clerk: "c3"))
        try await hall.execute(.callNext(window: 3))
        try await hall.execute(.transfer(window: 3, toCategory: "hukou", toWindow: 1))
        try await hall.execute(.callNext(window: 1))
        try await hall.execute(.finish(window: 1, outcome: .replied))
        let incremental = try store.projectionSnapshot()
        #expect(incremental.tickets.count == 5)
        try store.rebuildProjections()
        let rebuilt = try store.projectionSnapshot()
        #expect(rebuilt == incremental)
        #expect(!rebuilt.dayStats.isEmpty)
    }

    @Test func restartRestoresTheLiveState() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let clock = ManualClock(StoreFixture.nine)
        let before: HallState
        do {
            let hall = try Hall(setup: StoreFixture.setup, store: try EventStore(path: dir.path("r.sqlite")), clock: clock)
            try await hall.execute(.signIn(window: 1, clerk: "c1"))
            try await hall.execute(.signIn(window: 2, clerk: "c2"))
            for _ in 0..<3 { try await hall.execute(.issueTicket(category: "hukou", priority: false)) }
            try await hall.execute(.callNext(window: 1))
            try await hall.execute(.callNext(window: 2))
            try await hall.execute(.finish(window: 2, outcome: .immediate))
            try await hall.execute(.pause(window: 2))
            before = await hall.state
        }
        let reopened = try Hall(setup: StoreFixture.setup, store: try EventStore(path: dir.path("r.sqlite")), clock: clock)
        #expect(await reopened.state == before)
        // The awaited rating still lands on the right ticket after the restart.
        let e = try await reopened.execute(.rate(window: 2, level: .satisfied))
        #expect(e.map(\.event.kind) == [.ticketRated] && e[0].event.ticket == "2026-11-23/A002")
    }

    @Test func concurrentCommandsAreSerialisedAndGroupCommitted() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try EventStore(path: dir.path("g.sqlite"))
        let hall = try Hall(setup: StoreFixture.setup, store: store, clock: ManualClock(StoreFixture.nine))
        let numbers = try await withThrowingTaskGroup(of: [StoredEvent].self) { group in
            for i in 0..<200 {
                group.addTask { try await hall.execute(.issueTicket(category: i % 2 == 0 ? "hukou" : "social", priority: false)) }
            }
            var all: [String] = []
            for try await events in group { all += events.compactMap(\.event.number) }
            return all
        }
        #expect(Set(numbers).count == 200)
        #expect(Set(numbers) == Set((1...100).map { Ticket.number(prefix: "A", sequence: $0) } + (1...100).map { Ticket.number(prefix: "B", sequence: $0) }))
        #expect(try store.lastSeq() == 201)  // day_started + 200 tickets
        #expect(try store.check().isEmpty)
    }

    @Test func aFailedCommitAcknowledgesNothingAndLeavesNoPhantom() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try EventStore(path: dir.path("f.sqlite"))
        let hall = try Hall(setup: StoreFixture.setup, store: store, clock: ManualClock(StoreFixture.nine))
        try await hall.execute(.issueTicket(category: "hukou", priority: false))
        // Make the database refuse the next ticket, as a full disk or I/O error would.
        try await store.writer.write { db in
            try db.execute(sql: """
                CREATE TRIGGER fail_tickets BEFORE INSERT ON events WHEN NEW.kind = 'ticket_issued'
                BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END
                """)
        }
        await #expect(throws: HallError.self) { try await hall.execute(.issueTicket(category: "hukou", priority: false)) }
        #expect(await hall.state.waiting.map(\.number) == ["A001"])
        try await store.writer.write { try $0.execute(sql: "DROP TRIGGER fail_tickets") }
        let next = try await hall.execute(.issueTicket(category: "hukou", priority: false))
        #expect(next.last?.event.number == "A002")
        #expect(try store.check().isEmpty)
    }
}
