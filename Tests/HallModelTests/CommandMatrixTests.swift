import Foundation
import Testing
@testable import HallModel

/// Every window command in every window state: the events it produces or the reason it is refused.
@Suite struct CommandMatrixTests {
    enum WindowPhase: String, CaseIterable {
        case closed, idle, paused, serving, awaiting, rated
    }

    enum Expect: Equatable, CustomStringConvertible {
        case events([EventKind])
        case rejected(String)
        var description: String {
            switch self {
            case .events(let k): k.map(\.rawValue).joined(separator: ",")
            case .rejected(let c): "rejected:\(c)"
            }
        }
    }

    /// Window 1 in the given phase, with ticket A002 waiting for it.
    static func driver(in phase: WindowPhase) throws -> Driver {
        var d = Driver()
        try d.run(.issueTicket(category: "hukou", priority: false))
        try d.run(.issueTicket(category: "hukou", priority: false))
        guard phase != .closed else {
            return d
        }
        try d.run(.signIn(window: 1, clerk: "c1"))
        switch phase {
        case .closed, .idle: break
        case .paused: try d.run(.pause(window: 1))
        case .serving: try d.run(.callNext(window: 1))
        case .awaiting:
            try d.run(.callNext(window: 1))
            try d.run(.finish(window: 1, outcome: .immediate))
        case .rated:
            try d.run(.callNext(window: 1))
            try d.run(.finish(window: 1, outcome: .immediate))
            try d.run(.rate(window: 1, level: .satisfied))
        }
        #expect(d.state.window(1).phase == (phase == .rated ? "idle" : phase.rawValue == "awaiting" ? "awaiting_rating" : phase.rawValue))
        return d
    }

    static let commands: [(String, HallCommand)] = [
        ("signIn", .signIn(window: 1, clerk: "c3")),
        ("signOut", .signOut(window: 1)),
        ("callNext", .callNext(window: 1)),
        ("recall", .recall(window: 1)),
        ("noShow", .noShow(window: 1)),
        ("transfer", .transfer(window: 1, toCategory: "social", toWindow: nil)),
        ("pause", .pause(window: 1)),
        ("resume", .resume(window: 1)),
        ("finish", .finish(window: 1, outcome: .joint)),
        ("rate", .rate(window: 1, level: .verySatisfied)),
        ("park", .park(window: 1)),
        ("callBack", .callBack(window: 1)),
        ("tick", .tick),
    ]

    static let noClerk = Expect.rejected("no_clerk_signed_in")
    static let noTicket = Expect.rejected("no_ticket_in_service")
    static let inService = Expect.rejected("ticket_in_service")

    /// [command: [phase: expectation]] in the order closed, idle, paused, serving, awaiting, rated. While a
    /// rating is awaited, moving on is refused and kept (`rating_skip_refused`, `hall.rating_blocks_next`).
    static let table: [String: [Expect]] = [
        "signIn": [.events([.clerkSignedIn]), .events([.clerkSignedOut, .clerkSignedIn]),
                   .events([.clerkSignedOut, .clerkSignedIn]), inService,
                   .events([.ratingSkipRefused]), .events([.clerkSignedOut, .clerkSignedIn])],
        "signOut": [noClerk, .events([.clerkSignedOut]), .events([.clerkSignedOut]), inService,
                    .events([.ratingSkipRefused]), .events([.clerkSignedOut])],
        "callNext": [noClerk, .events([.ticketCalled]), .rejected("window_paused"), inService,
                     .events([.ratingSkipRefused]), .events([.ticketCalled])],
        "recall": [noClerk, noTicket, noTicket, .events([.ticketRecalled]), noTicket, noTicket],
        "noShow": [noClerk, noTicket, noTicket, .events([.ticketNoShow]), noTicket, noTicket],
        "transfer": [noClerk, noTicket, noTicket, .events([.ticketTransferred]), noTicket, noTicket],
        "pause": [noClerk, .events([.windowPaused]), .rejected("window_paused"), inService,
                  .events([.windowPaused]), .events([.windowPaused])],
        "resume": [noClerk, .rejected("window_not_paused"), .events([.windowResumed]), .rejected("window_not_paused"),
                   .rejected("window_not_paused"), .rejected("window_not_paused")],
        "finish": [noClerk, noTicket, noTicket, .events([.ticketFinished]), noTicket, noTicket],
        "rate": [.events([.ratingIgnored]), .events([.ratingIgnored]), .events([.ratingIgnored]), .events([.ratingIgnored]),
                 .events([.ticketRated]), .events([.ratingIgnored])],
        "tick": Array(repeating: .events([]), count: 6),
        "park": [noClerk, noTicket, noTicket, .events([.ticketParked]), noTicket, noTicket],
        "callBack": [noClerk, .rejected("nothing_parked"), .rejected("window_paused"), inService,
                     .rejected("nothing_parked"), .rejected("nothing_parked")],
    ]

    @Test(arguments: WindowPhase.allCases)
    func everyCommandInPhase(_ phase: WindowPhase) throws {
        let phaseIndex = WindowPhase.allCases.firstIndex(of: phase)!
        for (name, command) in Self.commands {
            var d = try Self.driver(in: phase)
            let before = d.state
            let expected = Self.table[name]![phaseIndex]
            let got: Expect
            do {
                got = .events(try d.run(command).map(\.kind))
            } catch {
                got = .rejected(error.code)
                #expect(d.state == before, "\(name) in \(phase) was rejected but changed the state")
            }
            #expect(got == expected, "\(name) in \(phase)")
        }
    }

    @Test func ignoredPressesSayWhy() throws {
        let reasons: [(WindowPhase, String)] = [(.closed, "no_clerk"), (.idle, "nothing_awaited"), (.serving, "nothing_awaited"),
                                                (.rated, "duplicate")]
        for (phase, reason) in reasons {
            var d = try Self.driver(in: phase)
            let e = try d.run(.rate(window: 1, level: .dissatisfied))
            #expect(e.first?.reason == reason, "\(phase)")
            #expect(e.first?.level == .dissatisfied)
            // A press is never attributed to a guessed ticket; a duplicate names the ticket already rated.
            #expect(e.first?.ticket == (reason == "duplicate" ? "2026-11-23/A001" : nil))
        }
    }
}
