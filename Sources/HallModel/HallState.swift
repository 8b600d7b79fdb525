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
    /// The supervisor's notice for the TV and hall pages; it may have passed its `until`.
    public var notice: HallNotice?
    /// The last service times of today per category, seconds, newest last: what the wait estimate uses.
    public var serviceTimes: [String: [Double]] = [:]
    /// Today's appointment codes that took a ticket (reserved or issued), with the ticket.
    public var appointmentsUsed: [String: String] = [:]

    /// How many service times per category the estimate remembers.
    public static let serviceTimesKept = 20

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

    /// Applies one event. Events come from `HallEngine.decide`, so they are valid for this state: an event
    /// about a window or ticket the state does not hold changes nothing.
    public mutating func apply(_ r: EventRecord) {
        switch r.event {
        case .dayStarted(let e):
            day = r.day
            sequences = [:]
            waiting = []
            reserved = []
            ratedToday = []
            serviceTimes = [:]
            appointmentsUsed = [:]
            var carried: [Int: WindowState] = [:]
            for w in e.carried { carried[w.number] = w }
            windows = carried
        case .ticketIssued(let e):
            // A reserved number took its sequence when it was reserved; confirming it leaves the sequence alone.
            let held = reserved.first { $0.id == e.ticket }
            if let i = reserved.firstIndex(where: { $0.id == e.ticket }) {
                reserved.remove(at: i)
            } else {
                sequences[e.category] = e.sequence ?? (sequences[e.category, default: 0] + 1)
            }
            let appointment = e.appointment ?? held?.appointment
            if let code = appointment { appointmentsUsed[code] = e.ticket }
            waiting.append(Ticket(id: e.ticket, number: e.number, day: r.day, category: e.category,
                                  priority: e.priority, issuedAt: e.issuedAt, priorityReason: e.priorityReason ?? held?.priorityReason,
                                  appointment: appointment, estimatedWaitSeconds: e.estimatedWaitSeconds ?? held?.estimatedWaitSeconds))
        case .ticketReserved(let e):
            sequences[e.category] = e.sequence
            if let code = e.appointment { appointmentsUsed[code] = e.ticket }
            reserved.append(Ticket(id: e.ticket, number: e.number, day: r.day, category: e.category,
                                   priority: e.priority, issuedAt: e.issuedAt, priorityReason: e.priorityReason,
                                   appointment: e.appointment, estimatedWaitSeconds: e.estimatedWaitSeconds))
        case .ticketVoided(let e):
            if let t = reserved.first(where: { $0.id == e.ticket }), let code = t.appointment { appointmentsUsed[code] = nil }
            reserved.removeAll { $0.id == e.ticket }
        case .clerkSignedIn(let e):
            var s = window(e.window)
            s.clerk = e.clerk
            s.paused = false
            windows[e.window] = s
        case .clerkSignedOut(let e):
            var s = window(e.window)
            s.clerk = nil
            s.paused = false
            s.lastRated = nil
            windows[e.window] = s
        case .windowPaused(let e):
            windows[e.window, default: WindowState(number: e.window)].paused = true
        case .windowResumed(let e):
            windows[e.window, default: WindowState(number: e.window)].paused = false
        case .ticketCalled(let e):
            guard let i = waiting.firstIndex(where: { $0.id == e.ticket }) else { return }
            let ticket = waiting.remove(at: i)
            var s = window(e.window)
            s.serving = Serving(ticket: ticket, firstCalledAt: r.at, lastCalledAt: r.at, recalls: 0)
            s.lastRated = nil
            // The reasons window of the last rating runs on: the citizen may still be typing at the tablet while the
            // next number is called (the reasons attach by ticket id; the next finish here ends it).
            windows[e.window] = s
        case .ticketRecalled(let e):
            guard var serving = windows[e.window]?.serving else { return }
            serving.recalls = e.recalls
            serving.lastCalledAt = r.at
            windows[e.window]?.serving = serving
        case .ticketNoShow(let e):
            windows[e.window]?.serving = nil
        case .ticketTransferred(let e):
            guard var ticket = windows[e.window]?.serving?.ticket else { return }
            windows[e.window]?.serving = nil
            ticket.category = e.toCategory
            ticket.directedWindow = e.toWindow
            ticket.transfers += 1
            waiting.append(ticket)
        case .ticketMoved(let e):
            guard let i = waiting.firstIndex(where: { $0.id == e.ticket }) else { return }
            waiting[i].category = e.toCategory
            waiting[i].directedWindow = e.toWindow
        case .ticketRequeued(let e):
            waiting.append(Ticket(id: e.ticket, number: e.number, day: r.day, category: e.category, priority: e.priority, issuedAt: e.issuedAt))
        case .noticePosted(let e):
            notice = e.text.isEmpty ? nil : HallNotice(text: e.text, postedAt: r.at, until: e.until)
        case .ticketFinished(let e):
            if windows[e.window]?.serving?.ticket.id == e.ticket {
                serviceTimes[e.category, default: []].append(e.serviceSeconds)
                if serviceTimes[e.category]!.count > Self.serviceTimesKept { serviceTimes[e.category]!.removeFirst() }
            }
            windows[e.window]?.serving = nil
            windows[e.window]?.reasonsWanted = nil
            windows[e.window]?.awaiting = AwaitingRating(
                ticket: e.ticket, number: e.number, clerk: e.clerk, category: e.category,
                servedDay: r.day, since: r.at, deadline: e.deadline)
        case .ticketRated(let e):
            ratedToday.insert(e.ticket)
            if windows[e.window]?.awaiting?.ticket != e.ticket { return }
            windows[e.window]?.awaiting = nil
            windows[e.window]?.lastRated = e.ticket
            if let until = e.reasonsUntil {
                windows[e.window]?.reasonsWanted = ReasonsWanted(
                    ticket: e.ticket, number: e.number, clerk: e.clerk, category: e.category, servedDay: e.servedDay,
                    level: e.level, until: until, since: r.at, channel: e.channel)
            }
        case .ratingReasonsAdded(let e):
            if windows[e.window]?.reasonsWanted?.ticket == e.ticket { windows[e.window]?.reasonsWanted = nil }
        case .ratingReasonsExtended(let e):
            if windows[e.window]?.reasonsWanted?.ticket == e.ticket { windows[e.window]?.reasonsWanted?.until = e.until }
        case .ratingNotGiven(let e):
            windows[e.window]?.awaiting = nil
        case .ticketParked(let e):
            guard let serving = windows[e.window]?.serving else { return }
            windows[e.window]?.serving = nil
            windows[e.window]?.parked.append(serving)
        case .ticketCalledBack(let e):
            // The ticket the event names (a call-back may choose); logs from before that named the last one.
            guard let i = windows[e.window]?.parked.lastIndex(where: { $0.ticket.id == e.ticket }),
                  var serving = windows[e.window]?.parked[i] else { return }
            windows[e.window]?.parked.remove(at: i)
            serving.lastCalledAt = r.at
            windows[e.window]?.serving = serving
            windows[e.window]?.lastRated = nil
        case .ratingIgnored, .deviceConnected, .deviceLost, .chainAnchored, .ratingSkipRefused, .caseOpened, .caseContacted, .caseRectified, .caseClosed, .caseAssigned,
             .alertRaised, .alertCleared, .setupChanged:
            break
        }
    }

    /// Waiting tickets a window may call, best first: green channel, then tickets transferred to this
    /// window, then the window's category priority, then age.
    public func candidates(for window: ServiceWindow) -> [Ticket] {
        waiting.compactMap { t in Self.rank(t, at: window).map { (t, $0) } }
            .sorted { $0.1 < $1.1 }
            .map(\.0)
    }

    /// The ticket `window` would call next: the first of `candidates(for:)`, found in one pass (no sort:
    /// a call costs O(queue), not O(queue log queue)).
    public func nextCandidate(for window: ServiceWindow) -> Ticket? {
        var best: (Ticket, TicketRank)?
        for t in waiting {
            guard let r = Self.rank(t, at: window) else { continue }
            if best == nil || r < best!.1 { best = (t, r) }
        }
        return best?.0
    }

    /// Where a waiting ticket stands at a window: priority first, then tickets directed to it, then its
    /// categories in their order, then oldest first; nil when the window would never call it.
    typealias TicketRank = (priority: Int, directed: Int, category: Int, issuedAt: Date, id: String)

    static func rank(_ t: Ticket, at window: ServiceWindow) -> TicketRank? {
        if let d = t.directedWindow {
            guard d == window.number else { return nil }
            return (t.priority ? 0 : 1, 0, -1, t.issuedAt, t.id)
        }
        guard let c = window.categories.firstIndex(of: t.category) else { return nil }
        return (t.priority ? 0 : 1, 1, c, t.issuedAt, t.id)
    }

    /// Whether any citizen's service is open: a ticket waiting or reserved, or a window serving, holding a
    /// parked ticket or awaiting a rating. (The hall's clock adopts a step back only when none is.)
    public var hasOpenService: Bool {
        !waiting.isEmpty || !reserved.isEmpty || windows.values.contains { $0.serving != nil || $0.awaiting != nil || !$0.parked.isEmpty }
    }

    /// Number of tickets waiting per category.
    /// Tickets of `category` ahead of ticket `id`: those waiting before it in the queue, or, while it is still being
    /// printed, every waiting one and those printed before it. The figure on the slip, the kiosk page and the API.
    public func ahead(of id: String, category: String) -> Int {
        func before(_ list: [Ticket]) -> Int? {
            list.firstIndex { $0.id == id }.map { i in list[..<i].filter { $0.category == category }.count }
        }
        if let n = before(waiting) { return n }
        return waiting.filter { $0.category == category }.count + (before(reserved) ?? 0)
    }

    /// Calls before ticket `t` at the open window that would call it soonest; nil when no open window serves it
    /// (the turn-near reminder's figure).
    public func callsBefore(_ t: Ticket, setup: HallSetup) -> Int? {
        setup.windows.compactMap { w -> Int? in
            let s = window(w.number)
            guard s.clerk != nil, !s.paused else { return nil }
            return candidates(for: w).firstIndex { $0.id == t.id }
        }.min()
    }

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
