import Foundation

/// The live state of the hall: today's queue and every window. Rebuilt by folding the log.
public struct HallState: Codable, Sendable, Equatable {
    /// Business day the state belongs to; empty before the first event.
    public var day: String
    /// Last sequence issued today, per category code.
    public var sequences: [String: Int]
    /// Waiting tickets in issue order.
    public var waiting: [Ticket]
    public var windows: [Int: WindowState]
    /// Numbers taken by a kiosk and being printed: not in the queue until confirmed.
    public var reserved: [Ticket]
    /// Tickets rated since the day started, committed or not: a rating by ticket (phone, tablet) checks
    /// it, since the store's `rated` flag only knows the committed ones.
    public var ratedToday: Set<String>

    public init(day: String = "", sequences: [String: Int] = [:], waiting: [Ticket] = [],
                windows: [Int: WindowState] = [:], reserved: [Ticket] = [], ratedToday: Set<String> = []) {
        self.reserved = reserved
        self.ratedToday = ratedToday
        self.day = day
        self.sequences = sequences
        self.waiting = waiting
        self.windows = windows
    }

    /// A fresh state with one closed window per configured window.
    public init(setup: HallSetup) {
        self.init()
        for w in setup.windows { windows[w.number] = WindowState(number: w.number) }
    }

    /// Adds closed windows that the setup has and the state lacks (a window added to the config), and drops
    /// idle windows it no longer has (one removed from it). A removed window still in use stays.
    public mutating func adopt(_ setup: HallSetup) {
        for w in setup.windows where windows[w.number] == nil { windows[w.number] = WindowState(number: w.number) }
        let configured = Set(setup.windows.map(\.number))
        for (number, w) in windows where !configured.contains(number) {
            if w.clerk == nil && w.serving == nil && w.awaiting == nil && w.parked.isEmpty { windows[number] = nil }
        }
    }

    public func window(_ number: Int) -> WindowState { windows[number] ?? WindowState(number: number) }

    /// Applies one event. Events come from `HallEngine.decide`, so they are valid for this state.
    public mutating func apply(_ e: HallEvent) {
        switch e.kind {
        case .dayStarted:
            day = e.day
            sequences = [:]
            waiting = []
            reserved = []
            ratedToday = []
            var carried: [Int: WindowState] = [:]
            for w in e.carried ?? [] { carried[w.number] = w }
            windows = carried
        case .ticketIssued:
            guard let id = e.ticket, let number = e.number, let category = e.category else { return }
            // A reserved number took its sequence when it was reserved; confirming it leaves the sequence alone.
            if let i = reserved.firstIndex(where: { $0.id == id }) {
                reserved.remove(at: i)
            } else {
                sequences[category] = e.sequence ?? (sequences[category, default: 0] + 1)
            }
            waiting.append(Ticket(id: id, number: number, day: e.day, category: category,
                                  priority: e.priority ?? false, issuedAt: e.issuedAt ?? e.at))
        case .ticketReserved:
            guard let id = e.ticket, let number = e.number, let category = e.category else { return }
            sequences[category] = e.sequence ?? (sequences[category, default: 0] + 1)
            reserved.append(Ticket(id: id, number: number, day: e.day, category: category,
                                   priority: e.priority ?? false, issuedAt: e.issuedAt ?? e.at))
        case .ticketVoided:
            reserved.removeAll { $0.id == e.ticket }
        case .clerkSignedIn:
            guard let w = e.window else { return }
            var s = window(w)
            s.clerk = e.clerk
            s.paused = false
            windows[w] = s
        case .clerkSignedOut:
            guard let w = e.window else { return }
            var s = window(w)
            s.clerk = nil
            s.paused = false
            s.lastRated = nil
            windows[w] = s
        case .windowPaused, .windowResumed:
            guard let w = e.window else { return }
            windows[w, default: WindowState(number: w)].paused = e.kind == .windowPaused
        case .ticketCalled:
            guard let w = e.window, let id = e.ticket, let i = waiting.firstIndex(where: { $0.id == id }) else { return }
            let ticket = waiting.remove(at: i)
            var s = window(w)
            s.serving = Serving(ticket: ticket, firstCalledAt: e.at, lastCalledAt: e.at, recalls: 0)
            s.lastRated = nil
            windows[w] = s
        case .ticketRecalled:
            guard let w = e.window, var serving = windows[w]?.serving else { return }
            serving.recalls = e.recalls ?? serving.recalls + 1
            serving.lastCalledAt = e.at
            windows[w]?.serving = serving
        case .ticketNoShow:
            guard let w = e.window else { return }
            windows[w]?.serving = nil
        case .ticketTransferred:
            guard let w = e.window, var ticket = windows[w]?.serving?.ticket else { return }
            windows[w]?.serving = nil
            ticket.category = e.toCategory ?? ticket.category
            ticket.directedWindow = e.toWindow
            ticket.transfers += 1
            waiting.append(ticket)
        case .ticketFinished:
            guard let w = e.window, let id = e.ticket else { return }
            windows[w]?.serving = nil
            windows[w]?.awaiting = AwaitingRating(
                ticket: id, number: e.number ?? "", clerk: e.clerk ?? "", category: e.category ?? "",
                servedDay: e.day, since: e.at, deadline: e.deadline ?? e.at)
        case .ticketRated:
            if let id = e.ticket { ratedToday.insert(id) }
            guard let w = e.window else { return }
            if windows[w]?.awaiting?.ticket != e.ticket { return }
            windows[w]?.awaiting = nil
            windows[w]?.lastRated = e.ticket
        case .ratingNotGiven:
            guard let w = e.window else { return }
            windows[w]?.awaiting = nil
        case .ticketParked:
            guard let w = e.window, let serving = windows[w]?.serving else { return }
            windows[w]?.serving = nil
            windows[w]?.parked.append(serving)
        case .ticketCalledBack:
            guard let w = e.window, var serving = windows[w]?.parked.last else { return }
            windows[w]?.parked.removeLast()
            serving.lastCalledAt = e.at
            windows[w]?.serving = serving
            windows[w]?.lastRated = nil
        case .ratingIgnored, .deviceConnected, .deviceLost, .caseOpened, .caseContacted, .caseRectified, .caseClosed,
             .alertRaised, .alertCleared:
            break
        }
    }

    /// Waiting tickets a window may call, best first: green channel, then tickets transferred to this
    /// window, then the window's category priority, then age.
    public func candidates(for window: ServiceWindow) -> [Ticket] {
        func rank(_ t: Ticket) -> (Int, Int, Int, Date, String) {
            let directed = t.directedWindow == window.number
            let categoryRank = directed ? -1 : (window.categories.firstIndex(of: t.category) ?? Int.max)
            return (t.priority ? 0 : 1, directed ? 0 : 1, categoryRank, t.issuedAt, t.id)
        }
        return waiting
            .filter { t in
                if let d = t.directedWindow { return d == window.number }
                return window.categories.contains(t.category)
            }
            .sorted { rank($0) < rank($1) }
    }

    /// Number of tickets waiting per category.
    public var waitingCounts: [String: Int] {
        var counts: [String: Int] = [:]
        for t in waiting { counts[t.category, default: 0] += 1 }
        return counts
    }

    /// The earliest instant at which `tick` has something to do.
    public func nextDeadline(calendar: BusinessCalendar, now: Date) -> Date {
        var next = calendar.nextMidnight(after: now)
        for w in windows.values {
            if let a = w.awaiting, a.deadline < next { next = a.deadline }
        }
        return next
    }
}
