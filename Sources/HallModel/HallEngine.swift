import Foundation

/// The pure queue engine and rating flow: `(state, command, now) -> events`.
///
/// `decide` never mutates; the caller applies the returned events (`HallState.apply`) after, or while,
/// making them durable. A rejected command yields no events at all.
public struct HallEngine: Sendable {
    public let setup: HallSetup
    public let calendar: BusinessCalendar

    public init(setup: HallSetup) {
        self.setup = setup
        self.calendar = BusinessCalendar(identifier: setup.rules.timeZone)
    }

    /// Returns the events a command produces, or throws its `Rejection`.
    /// Due housekeeping (rating timeouts, a new business day) comes first, so a late rating press
    /// finds the wait already over whether or not a tick ran in between.
    public func decide(_ state: HallState, _ command: HallCommand, now: Date) throws(Rejection) -> [HallEvent] {
        var s = state
        var out: [HallEvent] = []
        func emit(_ e: HallEvent) {
            s.apply(e)
            out.append(e)
        }
        for e in housekeeping(s, now: now) { emit(e) }
        let day = calendar.day(of: now)
        func event(_ kind: EventKind) -> HallEvent { HallEvent(kind: kind, at: now, day: day) }

        switch command {
        case .tick:
            break

        case .alert(let a, let raised):
            var e = event(raised ? .alertRaised : .alertCleared)
            e.alert = a.key
            e.reason = a.kind.rawValue
            e.note = a.message
            e.window = a.window
            e.ticket = a.ticket
            e.number = a.number
            e.device = a.device
            emit(e)

        case .caseAction(let id, let action, let manager, let current):
            guard let current else { throw .unknownCase(id) }
            guard current.state == action.from else {
                throw .wrongCaseState(case: id, state: current.state, action: action.name)
            }
            var e: HallEvent
            switch action {
            case .contact(let at, let method, let said):
                e = event(.caseContacted)
                e.contactedAt = at
                e.method = method
                e.note = said
            case .rectify(let note):
                e = event(.caseRectified)
                e.note = note
            case .close(let note):
                e = event(.caseClosed)
                e.note = note
            }
            e.ticket = id
            e.window = current.window
            e.clerk = current.clerk
            e.manager = manager
            emit(e)

        case .deviceStatus(let device, let role, let w, let connected, let detail):
            var e = event(connected ? .deviceConnected : .deviceLost)
            e.device = device
            e.deviceRole = role
            e.window = w
            e.reason = detail
            emit(e)

        case .issueTicket(let code, let priority), .reserveTicket(let code, let priority):
            // The next number of the category: straight into the queue, or reserved while a kiosk prints it.
            guard let category = setup.category(code) else { throw .unknownCategory(code) }
            let sequence = s.sequences[code, default: 0] + 1
            let number = Ticket.number(prefix: category.prefix, sequence: sequence)
            var reserve = false
            if case .reserveTicket = command { reserve = true }
            var e = event(reserve ? .ticketReserved : .ticketIssued)
            e.ticket = "\(day)/\(number)"
            e.number = number
            e.category = code
            e.priority = priority
            e.sequence = sequence
            e.issuedAt = now
            emit(e)

        case .confirmTicket(let id):
            guard let r = s.reserved.first(where: { $0.id == id }) else { throw .notReserved(ticket: id) }
            var e = event(.ticketIssued)
            e.ticket = r.id
            e.number = r.number
            e.category = r.category
            e.priority = r.priority
            // The wait counts from the moment the citizen holds the paper.
            e.issuedAt = now
            emit(e)

        case .voidTicket(let id, let reason):
            guard let r = s.reserved.first(where: { $0.id == id }) else { throw .notReserved(ticket: id) }
            var e = event(.ticketVoided)
            e.ticket = r.id
            e.number = r.number
            e.category = r.category
            e.reason = reason
            emit(e)

        case .rateTicket(let id, let level, let served):
            // Still awaited at its window: exactly the keypad's rating, which ends the wait there.
            if let ws = s.windows.values.sorted(by: { $0.number < $1.number }).first(where: { $0.awaiting?.ticket == id }),
               let a = ws.awaiting {
                var e = awaitingEvent(.ticketRated, ws.number, a, now: now, day: day)
                e.level = level
                emit(e)
                break
            }
            guard let served else { throw .ticketNotServed(ticket: id) }
            if served.rated || s.ratedToday.contains(id) {
                var e = ignored(served.window, level: level, reason: "duplicate", ticket: id, now: now, day: day)
                e.number = served.number
                emit(e)
                break
            }
            if now.timeIntervalSince(served.finishedAt) > setup.rules.ticketRatingHours * 3600 {
                throw .ratingPeriodOver(ticket: served.number)
            }
            // The window's wait ended without a rating (rating_not_given); this one replaces it in the figures.
            var e = event(.ticketRated)
            e.window = served.window
            e.ticket = served.ticket
            e.number = served.number
            e.clerk = served.clerk
            e.category = served.category
            e.servedDay = served.servedDay
            e.level = level
            e.reason = "late"
            emit(e)

        case .signIn(let w, let clerk):
            _ = try windowConfig(w)
            guard setup.clerk(clerk) != nil else { throw .unknownClerk(clerk) }
            if let other = s.windows.values.first(where: { $0.clerk == clerk }) {
                if other.number == w { throw .clerkAlreadySignedIn(clerk: clerk, window: w) }
                throw .clerkAtOtherWindow(clerk: clerk, window: other.number)
            }
            let ws = s.window(w)
            if let serving = ws.serving { throw .ticketInService(ticket: serving.ticket.number) }
            if let previous = ws.clerk {
                endAwaiting(ws, reason: "sign_out", now: now, day: day, emit: emit)
                var replaced = event(.clerkSignedOut)
                replaced.window = w
                replaced.clerk = previous
                replaced.reason = "replaced"
                emit(replaced)
            }
            var e = event(.clerkSignedIn)
            e.window = w
            e.clerk = clerk
            emit(e)

        case .signOut(let w):
            let ws = try staffed(s, w)
            if let serving = ws.serving { throw .ticketInService(ticket: serving.ticket.number) }
            endAwaiting(ws, reason: "sign_out", now: now, day: day, emit: emit)
            var e = event(.clerkSignedOut)
            e.window = w
            e.clerk = ws.clerk
            emit(e)

        case .pause(let w):
            let ws = try staffed(s, w)
            if ws.paused { throw .windowPaused(window: w) }
            if let serving = ws.serving { throw .ticketInService(ticket: serving.ticket.number) }
            var e = event(.windowPaused)
            e.window = w
            e.clerk = ws.clerk
            emit(e)

        case .resume(let w):
            let ws = try staffed(s, w)
            if !ws.paused { throw .windowNotPaused(window: w) }
            var e = event(.windowResumed)
            e.window = w
            e.clerk = ws.clerk
            emit(e)

        case .callNext(let w):
            let config = try windowConfig(w)
            let ws = try staffed(s, w)
            if ws.paused { throw .windowPaused(window: w) }
            if let serving = ws.serving { throw .ticketInService(ticket: serving.ticket.number) }
            guard let next = s.candidates(for: config).first else { throw .queueEmpty(window: w) }
            endAwaiting(ws, reason: "next_call", now: now, day: day, emit: emit)
            var e = event(.ticketCalled)
            e.window = w
            e.clerk = ws.clerk
            e.ticket = next.id
            e.number = next.number
            e.category = next.category
            e.priority = next.priority
            e.issuedAt = next.issuedAt
            e.waitSeconds = now.timeIntervalSince(next.issuedAt)
            emit(e)

        case .recall(let w):
            let ws = try staffed(s, w)
            guard let serving = ws.serving else { throw .noTicketInService(window: w) }
            if serving.recalls >= setup.rules.maxRecalls {
                var e = ticketEvent(.ticketNoShow, serving, ws, now: now, day: day)
                e.reason = "recall_limit"
                e.recalls = serving.recalls
                emit(e)
            } else {
                var e = ticketEvent(.ticketRecalled, serving, ws, now: now, day: day)
                e.recalls = serving.recalls + 1
                emit(e)
            }

        case .noShow(let w):
            let ws = try staffed(s, w)
            guard let serving = ws.serving else { throw .noTicketInService(window: w) }
            var e = ticketEvent(.ticketNoShow, serving, ws, now: now, day: day)
            e.reason = "manual"
            e.recalls = serving.recalls
            emit(e)

        case .transfer(let w, let toCategory, let toWindow):
            let ws = try staffed(s, w)
            guard let serving = ws.serving else { throw .noTicketInService(window: w) }
            guard toCategory != nil || toWindow != nil else { throw .transferTargetMissing }
            if let c = toCategory, setup.category(c) == nil { throw .unknownCategory(c) }
            if let target = toWindow {
                _ = try windowConfig(target)
                if target == w { throw .transferToSameWindow(window: w) }
            }
            var e = ticketEvent(.ticketTransferred, serving, ws, now: now, day: day)
            e.toCategory = toCategory ?? serving.ticket.category
            e.toWindow = toWindow
            emit(e)

        case .finish(let w, let outcome):
            let ws = try staffed(s, w)
            guard let serving = ws.serving else { throw .noTicketInService(window: w) }
            var e = ticketEvent(.ticketFinished, serving, ws, now: now, day: day)
            e.outcome = outcome
            e.waitSeconds = max(0, serving.firstCalledAt.timeIntervalSince(serving.ticket.issuedAt))
            e.serviceSeconds = max(0, now.timeIntervalSince(serving.lastCalledAt))
            e.recalls = serving.recalls
            e.deadline = now.addingTimeInterval(setup.rules.ratingTimeoutSeconds)
            emit(e)

        case .park(let w):
            let ws = try staffed(s, w)
            guard let serving = ws.serving else { throw .noTicketInService(window: w) }
            emit(ticketEvent(.ticketParked, serving, ws, now: now, day: day))

        case .callBack(let w):
            let ws = try staffed(s, w)
            if ws.paused { throw .windowPaused(window: w) }
            if let serving = ws.serving { throw .ticketInService(ticket: serving.ticket.number) }
            guard let parked = ws.parked.last else { throw .nothingParked(window: w) }
            endAwaiting(ws, reason: "next_call", now: now, day: day, emit: emit)
            emit(ticketEvent(.ticketCalledBack, parked, s.window(w), now: now, day: day))

        case .rate(let w, let level):
            _ = try windowConfig(w)
            let ws = s.window(w)
            if ws.clerk == nil {
                emit(ignored(w, level: level, reason: "no_clerk", ticket: nil, now: now, day: day))
            } else if let a = ws.awaiting {
                var e = awaitingEvent(.ticketRated, w, a, now: now, day: day)
                e.level = level
                emit(e)
            } else if let last = ws.lastRated {
                emit(ignored(w, level: level, reason: "duplicate", ticket: last, now: now, day: day))
            } else {
                emit(ignored(w, level: level, reason: "nothing_awaited", ticket: nil, now: now, day: day))
            }
        }
        // Every 差评 opens a follow-up case, in the same commit as the rating.
        for e in out where e.kind == .ticketRated && e.level?.isBad == true {
            var c = HallEvent(kind: .caseOpened, at: e.at, day: e.day)
            c.ticket = e.ticket
            c.number = e.number
            c.window = e.window
            c.clerk = e.clerk
            c.category = e.category
            c.level = e.level
            c.servedDay = e.servedDay
            c.dueDay = setup.rules.workingCalendar.adding(workingDays: BadRatingCase.workingDaysAllowed, to: e.day)
            out.append(c)
        }
        return out
    }

    // MARK: - Helpers

    private func housekeeping(_ state: HallState, now: Date) -> [HallEvent] {
        var s = state
        var out: [HallEvent] = []
        func emit(_ e: HallEvent) {
            s.apply(e)
            out.append(e)
        }
        for number in s.windows.keys.sorted() {
            guard let ws = s.windows[number], let a = ws.awaiting, a.deadline <= now else { continue }
            // The timeout is stamped with its deadline, not with the command that noticed it.
            endAwaiting(ws, reason: "timeout", now: a.deadline, day: calendar.day(of: a.deadline), emit: emit)
        }
        let today = calendar.day(of: now)
        if s.day != today {
            var e = HallEvent(kind: .dayStarted, at: now, day: today)
            e.expired = s.waiting.map(\.id)
            e.carried = s.windows.keys.sorted().compactMap { s.windows[$0] }.map { w in
                var w = w
                w.lastRated = nil
                return w
            }
            emit(e)
        }
        return out
    }

    private func endAwaiting(_ ws: WindowState, reason: String, now: Date, day: String, emit: (HallEvent) -> Void) {
        guard let a = ws.awaiting else { return }
        var e = awaitingEvent(.ratingNotGiven, ws.number, a, now: now, day: day)
        e.reason = reason
        emit(e)
    }

    /// An event about the service a window awaits a rating for: its ticket, clerk, category and day.
    private func awaitingEvent(_ kind: EventKind, _ window: Int, _ a: AwaitingRating, now: Date, day: String) -> HallEvent {
        var e = HallEvent(kind: kind, at: now, day: day)
        e.window = window
        e.ticket = a.ticket
        e.number = a.number
        e.clerk = a.clerk
        e.category = a.category
        e.servedDay = a.servedDay
        return e
    }

    private func ignored(_ w: Int, level: RatingLevel, reason: String, ticket: String?, now: Date, day: String) -> HallEvent {
        var e = HallEvent(kind: .ratingIgnored, at: now, day: day)
        e.window = w
        e.level = level
        e.reason = reason
        e.ticket = ticket
        return e
    }

    private func ticketEvent(_ kind: EventKind, _ serving: Serving, _ ws: WindowState, now: Date, day: String) -> HallEvent {
        var e = HallEvent(kind: kind, at: now, day: day)
        e.window = ws.number
        e.clerk = ws.clerk
        e.ticket = serving.ticket.id
        e.number = serving.ticket.number
        e.category = serving.ticket.category
        return e
    }

    private func windowConfig(_ w: Int) throws(Rejection) -> ServiceWindow {
        guard let config = setup.window(w) else { throw .unknownWindow(w) }
        return config
    }

    private func staffed(_ s: HallState, _ w: Int) throws(Rejection) -> WindowState {
        _ = try windowConfig(w)
        let ws = s.window(w)
        guard ws.clerk != nil else { throw .noClerkSignedIn(window: w) }
        return ws
    }
}
