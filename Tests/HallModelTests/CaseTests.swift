import Foundation
import Testing
@testable import HallModel

/// 差评 follow-up: the working-day deadline and the case state machine.
@Suite struct CaseTests {
    // October 2026: National Day holiday 10-01 … 10-07; 10-10 (Saturday) a 调休 working day.
    static let calendar = WorkingCalendar(
        holidays: Set((1...7).map { String(format: "2026-10-%02d", $0) }),
        workdays: ["2026-10-10"])

    @Test func weekdaysAreKnown() {
        #expect(WorkingCalendar.weekday("2026-11-23") == 1)  // Monday
        #expect(WorkingCalendar.weekday("2024-02-29") == 4)  // Thursday, leap day
        #expect(WorkingCalendar.weekday("2026-02-29") == nil)
        #expect(WorkingCalendar.next("2026-12-31") == "2027-01-01" && WorkingCalendar.next("2028-02-28") == "2028-02-29")
    }

    @Test func fifteenWorkingDaysSkipWeekends() {
        let plain = WorkingCalendar()
        // Monday 2026-11-23 + 15 working days: three weeks later, Monday 2026-12-14.
        #expect(plain.adding(workingDays: 15, to: "2026-11-23") == "2026-12-14")
        // From a Saturday: the count starts on Monday.
        #expect(plain.adding(workingDays: 1, to: "2026-11-28") == "2026-11-30")
        #expect(plain.adding(workingDays: 5, to: "2026-11-27") == "2026-12-04")
        #expect(plain.workingDays(from: "2026-11-23", to: "2026-12-14") == 15)
        #expect(plain.workingDays(from: "2026-12-14", to: "2026-11-23") == -15)
        // Garbage from a file or a request never loops: it is left as it is.
        #expect(plain.adding(workingDays: 15, to: "not a day") == "not a day" && plain.workingDays(from: "2026-11-23", to: "9999-99-99") == 0)
        #expect(plain.workingDays(from: "9999-12-30", to: "9999-12-31") == 1 && WorkingCalendar.next("9999-12-31") == "9999-12-31")
    }

    @Test func holidaysAndTiaoxiuDays() {
        let c = Self.calendar
        #expect(!c.isWorkingDay("2026-10-01") && !c.isWorkingDay("2026-10-05"))  // a Monday in the holiday
        #expect(c.isWorkingDay("2026-10-10") && !c.isWorkingDay("2026-10-11"))   // 调休 Saturday; Sunday off
        // Rated on Wednesday 09-30: working days 10-08 (Thu), 10-09 (Fri), 10-10 (Sat, 调休), 10-12 …
        #expect(c.adding(workingDays: 1, to: "2026-09-30") == "2026-10-08")
        #expect(c.adding(workingDays: 3, to: "2026-09-30") == "2026-10-10")
        #expect(c.adding(workingDays: 15, to: "2026-09-30") == "2026-10-27")
        #expect(WorkingCalendar().adding(workingDays: 15, to: "2026-09-30") == "2026-10-21")
    }

    static func bad(_ level: RatingLevel = .dissatisfied) throws -> (Driver, [EventRecord]) {
        var d = try RatingFlowTests.served()
        d.engine = HallEngine(setup: {
            var s = Fixture.setup
            s.rules.workingCalendar = calendar
            return s
        }())
        let e = try d.run(.rate(window: 1, level: level))
        return (d, e)
    }

    /// A province with a 5-working-day rule: Monday 2026-11-23's case is due the next Monday.
    @Test func theDeadlineIsTheConfiguredWorkingDays() throws {
        var d = try RatingFlowTests.served()
        var setup = Fixture.setup
        setup.rules.caseDeadlineWorkingDays = 5
        d.engine = HallEngine(setup: setup)
        let e = try d.run(.rate(window: 1, level: .dissatisfied))
        #expect(e.last?.dueDay == "2026-11-30")
    }

    @Test func everyBadRatingOpensACaseInTheSameCommit() throws {
        let (_, e) = try Self.bad()
        #expect(e.map(\.kind) == [.ticketRated, .caseOpened])
        #expect(e[1].ticket == "2026-11-23/A001" && e[1].window == 1 && e[1].clerk == "c1" && e[1].level == .dissatisfied)
        #expect(e[1].dueDay == "2026-12-14")
        let (_, worst) = try Self.bad(.veryDissatisfied)
        #expect(worst.last?.kind == .caseOpened)
        for good in [RatingLevel.basicallySatisfied, .satisfied, .verySatisfied] {
            var d = try RatingFlowTests.served()
            #expect(try d.run(.rate(window: 1, level: good)).map(\.kind) == [.ticketRated])
        }
    }

    @Test(arguments: CaseState.allCases) func everyActionInEveryState(state: CaseState) throws {
        var d = Driver()
        try d.run(.tick)
        let current = BadRatingCase(id: "2026-11-23/A001", state: state, window: 1, clerk: "c1", level: .dissatisfied,
                                    openedDay: "2026-11-23", dueDay: "2026-12-14")
        let actions: [CaseAction] = [.contact(at: d.now, method: "电话", citizenSaid: "等候太久"), .rectify(note: "增开窗口"), .close(note: "已反馈"),
                                     .assign(assignee: "li", dueDay: "2026-12-01")]
        for action in actions {
            let command = HallCommand.caseAction(case: current.id, action: action, manager: "m1", current: current)
            if action.allowedFrom.contains(state) {
                let e = try d.run(command)
                #expect(e.count == 1 && e[0].manager == "m1" && e[0].ticket == current.id && e[0].window == 1)
                let expected: EventKind = switch action.target {
                case .contacted: .caseContacted
                case .rectified: .caseRectified
                case nil: .caseAssigned
                default: .caseClosed
                }
                #expect(e[0].kind == expected)
            } else {
                #expect(d.reject(command) == .wrongCaseState(case: current.id, state: state, action: action.name))
            }
        }
        #expect(d.reject(.caseAction(case: "x", action: .close(note: ""), manager: "m1", current: nil)) == .unknownCase("x"))
    }

    @Test func overdueIsAfterTheDueDayUntilClosed() {
        var c = BadRatingCase(id: "t", state: .contacted, window: 1, clerk: "c1", level: .dissatisfied, openedDay: "2026-11-23", dueDay: "2026-12-14")
        #expect(!c.overdue(today: "2026-12-14") && c.overdue(today: "2026-12-15"))
        c.state = .closed
        #expect(!c.overdue(today: "2027-01-01"))
    }
}

/// 指派: a case is given to a person by a day inside its own deadline, any number of times until it is closed.
@Suite struct CaseAssignmentTests {
    @Test func assignmentMustFallInsideTheCaseDeadline() throws {
        var d = Driver()
        try d.run(.tick)
        let current = BadRatingCase(id: "2026-11-23/A001", state: .contacted, window: 1, clerk: "c1", level: .dissatisfied,
                                    openedDay: "2026-11-23", dueDay: "2026-12-14")
        func assign(_ day: String) -> HallCommand {
            .caseAction(case: current.id, action: .assign(assignee: "li", dueDay: day), manager: "m1", current: current)
        }
        for late in ["2026-12-15", "2026-11-22", "not-a-day"] {
            guard case .caseAssignmentInvalid(let id, _)? = d.reject(assign(late)) else {
                Issue.record("assignment due \(late) was not refused")
                continue
            }
            #expect(id == current.id)
        }
        let e = try d.run(assign("2026-12-14"))
        guard case .caseAssigned(let a) = e.first?.event else { Issue.record("no case_assigned: \(e)"); return }
        #expect(a.assignee == "li" && a.dueDay == "2026-12-14" && a.manager == "m1" && a.window == 1)
        var closed = current
        closed.state = .closed
        #expect(d.reject(.caseAction(case: closed.id, action: .assign(assignee: "li", dueDay: "2026-12-01"), manager: "m1", current: closed))
                == .wrongCaseState(case: closed.id, state: .closed, action: "assign"))
    }
}
