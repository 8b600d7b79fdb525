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
    public func decide(_ state: HallState, _ command: HallCommand, now: Date) throws(Rejection) -> [EventRecord] {
        var s = state
        var out: [EventRecord] = []
        let day = calendar.day(of: now)
        func emit(_ e: HallEvent) {
            let r = EventRecord(at: now, day: day, e)
            s.apply(r)
            out.append(r)
        }
        for r in housekeeping(s, now: now) {
            s.apply(r)
            out.append(r)
        }

        switch command {
        case .tick:
            break

        case .alert(let a, let raised):
            let change = AlertChange(alert: a.key, reason: a.kind.rawValue, note: a.message, window: a.window,
                                     ticket: a.ticket, number: a.number, device: a.device)
            emit(raised ? .alertRaised(change) : .alertCleared(change))

        case .caseAction(let id, let action, let manager, let current):
            guard let current else { throw .unknownCase(id) }
            guard action.allowedFrom.contains(current.state) else {
                throw .wrongCaseState(case: id, state: current.state, action: action.name)
            }
            switch action {
            case .contact(let at, let method, let said):
                emit(.caseContacted(CaseContacted(ticket: id, window: current.window, clerk: current.clerk, manager: manager,
                                                  contactedAt: at, method: method, note: said)))
            case .rectify(let note):
                emit(.caseRectified(CaseNoted(ticket: id, window: current.window, clerk: current.clerk, manager: manager, note: note)))
            case .close(let note, let verdict):
                emit(.caseClosed(CaseNoted(ticket: id, window: current.window, clerk: current.clerk, manager: manager, note: note,
                                           verdict: verdict)))
            case .assign(let assignee, let dueDay):
                guard WorkingCalendar.isDay(dueDay), dueDay <= current.dueDay, dueDay >= current.openedDay else {
                    throw .caseAssignmentInvalid(case: id, detail: "指派期限须在 \(current.openedDay) 至工单期限 \(current.dueDay) 之间")
                }
                emit(.caseAssigned(CaseAssigned(ticket: id, window: current.window, clerk: current.clerk, manager: manager,
                                                assignee: assignee, dueDay: dueDay)))
            }

        case .moveWaiting(let ref, let toCategory, let toWindow):
            guard let ticket = s.waiting.first(where: { $0.id == ref || $0.number == ref }) else { throw .ticketNotWaiting(ticket: ref) }
            let category = toCategory ?? ticket.category
            guard setup.category(category) != nil else { throw .unknownCategory(category) }
            if let w = toWindow {
                let config = try windowConfig(w)
                if !config.categories.contains(category) {
                    throw .moveTargetInvalid(detail: "\(w) 号窗口不办理 \(setup.category(category)?.name ?? category)")
                }
            }
            if category == ticket.category && toWindow == ticket.directedWindow {
                throw .moveTargetInvalid(detail: "\(ticket.number) 已在此类别和窗口排队")
            }
            emit(.ticketMoved(TicketMoved(ticket: ticket.id, number: ticket.number, fromCategory: ticket.category,
                                          toCategory: category, toWindow: toWindow)))

        case .postNotice(let text, let until):
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.count > 200 { throw .noticeInvalid(detail: "不超过 200 字（现有 \(trimmed.count) 字）") }
            if let until, until <= now { throw .noticeInvalid(detail: "结束时间已过") }
            if trimmed.isEmpty && s.notice == nil { throw .noticeInvalid(detail: "没有正在显示的通知可撤下") }
            emit(.noticePosted(NoticePosted(text: trimmed, until: trimmed.isEmpty ? nil : until)))

        case .requeueNoShow(let ref, let stored):
            guard let t = stored, t.day == s.day else { throw .notNoShow(ticket: ref) }
            // Already back (committed or in this batch): in the queue, in service or parked somewhere.
            let back = s.waiting.contains { $0.id == t.id }
                || s.windows.values.contains { $0.serving?.ticket.id == t.id || $0.parked.contains { $0.ticket.id == t.id } }
            if back { throw .notNoShow(ticket: t.number) }
            emit(.ticketRequeued(TicketRequeued(ticket: t.id, number: t.number, category: t.category, priority: t.priority, issuedAt: t.issuedAt)))

        case .recordSetupChange(let change):
            emit(.setupChanged(change))

        case .deviceStatus(let device, let role, let w, let connected, let detail):
            let change = DeviceChange(device: device, deviceRole: role, window: w, reason: detail)
            emit(connected ? .deviceConnected(change) : .deviceLost(change))

        case .issueTicket(let code, let asked, let details), .reserveTicket(let code, let asked, let details):
            // The next number of the category: straight into the queue, or reserved while a kiosk prints it.
            guard let category = setup.category(code) else { throw .unknownCategory(code) }
            if let reason = details.priorityReason, reason != IssueDetails.appointmentReason,
               !setup.rules.priorityReasons.isEmpty, !setup.rules.priorityReasons.contains(reason) {
                throw .priorityReasonUnknown(reason)
            }
            if let code = details.appointment, let ticket = s.appointmentsUsed[code] { throw .appointmentUsed(code: code, ticket: ticket) }
            // A reason makes it a priority ticket.
            let priority = asked || details.priorityReason != nil
            let sequence = s.sequences[code, default: 0] + 1
            let number = Ticket.number(prefix: category.prefix, sequence: sequence)
            let id = "\(day)/\(number)"
            let estimate = WaitEstimator.estimate(category: code, priority: priority, state: s, setup: setup)
            if case .reserveTicket = command {
                emit(.ticketReserved(TicketReserved(ticket: id, number: number, category: code, priority: priority,
                                                    sequence: sequence, issuedAt: now, priorityReason: details.priorityReason,
                                                    appointment: details.appointment, estimatedWaitSeconds: estimate)))
            } else {
                emit(.ticketIssued(TicketIssued(ticket: id, number: number, category: code, priority: priority,
                                                issuedAt: now, sequence: sequence, priorityReason: details.priorityReason,
                                                appointment: details.appointment, estimatedWaitSeconds: estimate)))
            }

        case .confirmTicket(let id):
            guard let r = s.reserved.first(where: { $0.id == id }) else { throw .notReserved(ticket: id) }
            // The wait counts from the moment the citizen holds the paper.
            emit(.ticketIssued(TicketIssued(ticket: r.id, number: r.number, category: r.category, priority: r.priority, issuedAt: now,
                                            priorityReason: r.priorityReason, appointment: r.appointment,
                                            estimatedWaitSeconds: r.estimatedWaitSeconds)))

        case .voidTicket(let id, let reason):
            guard let r = s.reserved.first(where: { $0.id == id }) else { throw .notReserved(ticket: id) }
            emit(.ticketVoided(TicketVoided(ticket: r.id, number: r.number, category: r.category, reason: reason)))

        case .rateTicket(let id, let level, let served, let detail):
            // Still awaited at its window: exactly the keypad's rating, which ends the wait there.
            if let ws = s.windows.values.sorted(by: { $0.number < $1.number }).first(where: { $0.awaiting?.ticket == id }),
               let a = ws.awaiting {
                emit(.ticketRated(TicketRated(window: ws.number, awaiting: a, level: level).with(detail, channel: .qr)))
                break
            }
            guard let served else { throw .ticketNotServed(ticket: id) }
            if served.rated || s.ratedToday.contains(id) {
                emit(.ratingIgnored(RatingIgnored(window: served.window, level: level, reason: .duplicate, ticket: id, number: served.number)))
                break
            }
            if now.timeIntervalSince(served.finishedAt) > setup.rules.ticketRatingHours * 3600 {
                throw .ratingPeriodOver(ticket: served.number)
            }
            // The window's wait ended without a rating (rating_not_given); this one replaces it in the figures.
            emit(.ticketRated(TicketRated(window: served.window, ticket: served.ticket, number: served.number, clerk: served.clerk,
                                          category: served.category, servedDay: served.servedDay, level: level, reason: .late).with(detail, channel: .qr)))

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
                if refuseSkip(ws, .signIn, now: now, emit: emit) { break }
                endAwaiting(ws, reason: .signOut, emit: emit)
                emit(.clerkSignedOut(ClerkSignedOut(window: w, clerk: previous, reason: "replaced")))
            }
            emit(.clerkSignedIn(ClerkAtWindow(window: w, clerk: clerk)))

        case .signOut(let w):
            let (ws, clerk) = try staffed(s, w)
            if let serving = ws.serving { throw .ticketInService(ticket: serving.ticket.number) }
            if refuseSkip(ws, .signOut, now: now, emit: emit) { break }
            endAwaiting(ws, reason: .signOut, emit: emit)
            emit(.clerkSignedOut(ClerkSignedOut(window: w, clerk: clerk)))

        case .pause(let w):
            let (ws, clerk) = try staffed(s, w)
            if ws.paused { throw .windowPaused(window: w) }
            if let serving = ws.serving { throw .ticketInService(ticket: serving.ticket.number) }
            emit(.windowPaused(ClerkAtWindow(window: w, clerk: clerk)))

        case .resume(let w):
            let (ws, clerk) = try staffed(s, w)
            if !ws.paused { throw .windowNotPaused(window: w) }
            emit(.windowResumed(ClerkAtWindow(window: w, clerk: clerk)))

        case .callNext(let w), .callTicket(let w, _):
            let config = try windowConfig(w)
            let (ws, clerk) = try staffed(s, w)
            if ws.paused { throw .windowPaused(window: w) }
            if let serving = ws.serving { throw .ticketInService(ticket: serving.ticket.number) }
            let next: Ticket
            if case .callTicket(_, let ref) = command {
                // 指定叫号: the same candidates as the next call, so a ticket directed elsewhere stays there.
                guard let chosen = s.waiting.first(where: { ($0.id == ref || $0.number == ref) && HallState.rank($0, at: config) != nil }) else {
                    throw .ticketNotCallable(ticket: ref, window: w)
                }
                next = chosen
            } else {
                guard let first = s.nextCandidate(for: config) else { throw .queueEmpty(window: w) }
                next = first
            }
            if refuseSkip(ws, .callNext, now: now, emit: emit) { break }
            endAwaiting(ws, reason: .nextCall, emit: emit)
            emit(.ticketCalled(TicketCalled(window: w, clerk: clerk, ticket: next.id, number: next.number, category: next.category,
                                            priority: next.priority, issuedAt: next.issuedAt,
                                            waitSeconds: now.timeIntervalSince(next.issuedAt))))

        case .recall(let w):
            let (ws, clerk) = try staffed(s, w)
            guard let serving = ws.serving else { throw .noTicketInService(window: w) }
            let at = TicketAtWindow(w, clerk, serving.ticket)
            if serving.recalls >= setup.rules.maxRecalls {
                emit(.ticketNoShow(TicketNoShow(at, reason: "recall_limit", recalls: serving.recalls)))
            } else {
                emit(.ticketRecalled(TicketRecalled(at, recalls: serving.recalls + 1)))
            }

        case .noShow(let w):
            let (ws, clerk) = try staffed(s, w)
            guard let serving = ws.serving else { throw .noTicketInService(window: w) }
            emit(.ticketNoShow(TicketNoShow(TicketAtWindow(w, clerk, serving.ticket), reason: "manual", recalls: serving.recalls)))

        case .transfer(let w, let toCategory, let toWindow):
            let (ws, clerk) = try staffed(s, w)
            guard let serving = ws.serving else { throw .noTicketInService(window: w) }
            guard toCategory != nil || toWindow != nil else { throw .transferTargetMissing }
            if let c = toCategory, setup.category(c) == nil { throw .unknownCategory(c) }
            if let target = toWindow {
                _ = try windowConfig(target)
                if target == w { throw .transferToSameWindow(window: w) }
            }
            emit(.ticketTransferred(TicketTransferred(TicketAtWindow(w, clerk, serving.ticket),
                                                      toCategory: toCategory ?? serving.ticket.category, toWindow: toWindow)))

        case .finish(let w, _, _), .finishWithDefaultOutcome(let w):
            let (ws, clerk) = try staffed(s, w)
            guard let serving = ws.serving else { throw .noTicketInService(window: w) }
            var outcome = setup.category(serving.ticket.category)?.defaultOutcome ?? .immediate
            var typed: String?
            if case .finish(_, let o, let p) = command { outcome = o; typed = p }
            emit(.ticketFinished(TicketFinished(
                TicketAtWindow(w, clerk, serving.ticket), outcome: outcome,
                waitSeconds: max(0, serving.firstCalledAt.timeIntervalSince(serving.ticket.issuedAt)),
                serviceSeconds: max(0, now.timeIntervalSince(serving.lastCalledAt)), recalls: serving.recalls,
                deadline: now.addingTimeInterval(setup.rules.ratingTimeoutSeconds),
                projectNo: typed ?? setup.generatedProjectNo(day: day, number: serving.ticket.number))))

        case .park(let w):
            let (ws, clerk) = try staffed(s, w)
            guard let serving = ws.serving else { throw .noTicketInService(window: w) }
            emit(.ticketParked(TicketAtWindow(w, clerk, serving.ticket)))

        case .callBack(let w, let ref):
            let (ws, clerk) = try staffed(s, w)
            if ws.paused { throw .windowPaused(window: w) }
            if let serving = ws.serving { throw .ticketInService(ticket: serving.ticket.number) }
            guard let last = ws.parked.last else { throw .nothingParked(window: w) }
            var parked = last
            if let ref {
                guard let chosen = ws.parked.first(where: { $0.ticket.id == ref || $0.ticket.number == ref }) else {
                    throw .ticketNotParked(ticket: ref, window: w)
                }
                parked = chosen
            }
            if refuseSkip(ws, .callBack, now: now, emit: emit) { break }
            endAwaiting(ws, reason: .nextCall, emit: emit)
            emit(.ticketCalledBack(TicketAtWindow(w, clerk, parked.ticket)))

        case .rate(let w, let level, let detail):
            _ = try windowConfig(w)
            let ws = s.window(w)
            if ws.clerk == nil {
                emit(.ratingIgnored(RatingIgnored(window: w, level: level, reason: .noClerk)))
            } else if let a = ws.awaiting {
                var rated = TicketRated(window: w, awaiting: a, level: level).with(detail, channel: .evaluator)
                // A level-only rating (a keypad press, or the tablet's tap committed before the citizen picks reasons):
                // the window's tablet may add the reasons, comment and phone within the reasons window.
                if detail.map({ !$0.complete }) ?? true, rated.via == .evaluator || rated.via == .tablet {
                    rated.reasonsUntil = now.addingTimeInterval(setup.rules.reasonsWindowSeconds)
                }
                emit(.ticketRated(rated))
            } else if let last = ws.lastRated {
                emit(.ratingIgnored(RatingIgnored(window: w, level: level, reason: .duplicate, ticket: last)))
            } else {
                emit(.ratingIgnored(RatingIgnored(window: w, level: level, reason: .nothingAwaited)))
            }

        case .extendReasons(let w, let ticket):
            _ = try windowConfig(w)
            guard let want = s.window(w).reasonsWanted, want.ticket == ticket else { throw .reasonsNotAwaited(window: w) }
            guard now <= want.until else { throw .reasonsTooLate(window: w) }
            // Renewed from now, but never past the cap: a tablet left open cannot hold a rating back from the platform for ever.
            let cap = (want.since ?? now).addingTimeInterval(HallRules.reasonsWindowCapSeconds)
            let until = min(now.addingTimeInterval(setup.rules.reasonsWindowSeconds), max(cap, want.until))
            if until > want.until {
                emit(.ratingReasonsExtended(RatingReasonsExtended(window: w, ticket: want.ticket, number: want.number, clerk: want.clerk,
                                                                  category: want.category, until: until)))
            }

        case .addReasons(let w, let ticket, let detail):
            _ = try windowConfig(w)
            guard let want = s.window(w).reasonsWanted, want.ticket == ticket else { throw .reasonsNotAwaited(window: w) }
            guard now <= want.until else { throw .reasonsTooLate(window: w) }
            emit(.ratingReasonsAdded(RatingReasonsAdded(
                window: w, ticket: want.ticket, number: want.number, clerk: want.clerk, category: want.category, servedDay: want.servedDay,
                level: want.level, reasons: detail.reasons, comment: detail.comment.flatMap { $0.isEmpty ? nil : $0 },
                phone: detail.phone.flatMap { $0.isEmpty ? nil : $0 })))
        }
        // Every 差评 opens a follow-up case, in the same commit as the rating.
        for r in out {
            guard case .ticketRated(let rated) = r.event, rated.level.isBad else { continue }
            let due = setup.rules.workingCalendar.adding(workingDays: setup.rules.caseDeadlineWorkingDays, to: r.day)
            out.append(EventRecord(at: r.at, day: r.day, .caseOpened(CaseOpened(
                ticket: rated.ticket, number: rated.number, window: rated.window, clerk: rated.clerk, category: rated.category,
                level: rated.level, servedDay: rated.servedDay, dueDay: due))))
        }
        return out
    }

    // MARK: - Helpers

    /// Due rating timeouts, then a new business day if one began.
    private func housekeeping(_ state: HallState, now: Date) -> [EventRecord] {
        var s = state
        var out: [EventRecord] = []
        func emit(_ e: HallEvent, at: Date) {
            let r = EventRecord(at: at, day: calendar.day(of: at), e)
            s.apply(r)
            out.append(r)
        }
        for number in s.windows.keys.sorted() {
            guard let ws = s.windows[number], let a = ws.awaiting, a.deadline <= now else { continue }
            // The timeout is stamped with its deadline, not with the command that noticed it.
            emit(.ratingNotGiven(RatingNotGiven(window: number, awaiting: a, reason: .timeout)), at: a.deadline)
        }
        // Only forward: a clock that went back across midnight must not start yesterday again.
        if calendar.day(of: now) > s.day {
            let carried = s.windows.keys.sorted().compactMap { s.windows[$0] }.map { w in
                var w = w
                w.lastRated = nil
                return w
            }
            emit(.dayStarted(DayStarted(expired: s.waiting.map(\.id), carried: carried)), at: now)
        }
        return out
    }

    /// With `ratingBlocksNext`, a move that would end the wait for a rating is refused: the refusal is the
    /// command's one event (so it is kept), and the API answers it with a 409.
    private func refuseSkip(_ ws: WindowState, _ attempted: SkipAttempt, now: Date, emit: (HallEvent) -> Void) -> Bool {
        guard setup.rules.ratingBlocksNext, let a = ws.awaiting, a.deadline > now else { return false }
        emit(.ratingSkipRefused(RatingSkipRefused(window: ws.number, ticket: a.ticket, number: a.number, clerk: ws.clerk ?? a.clerk,
                                                  category: a.category, attempted: attempted, deadline: a.deadline)))
        return true
    }

    private func endAwaiting(_ ws: WindowState, reason: NotGivenReason, emit: (HallEvent) -> Void) {
        guard let a = ws.awaiting else { return }
        emit(.ratingNotGiven(RatingNotGiven(window: ws.number, awaiting: a, reason: reason)))
    }

    private func windowConfig(_ w: Int) throws(Rejection) -> ServiceWindow {
        guard let config = setup.window(w) else { throw .unknownWindow(w) }
        return config
    }

    /// The window's state and its clerk; refused when no clerk is signed in.
    private func staffed(_ s: HallState, _ w: Int) throws(Rejection) -> (WindowState, String) {
        _ = try windowConfig(w)
        let ws = s.window(w)
        guard let clerk = ws.clerk else { throw .noClerkSignedIn(window: w) }
        return (ws, clerk)
    }
}

// Payloads built from the engine's own values.
extension TicketAtWindow {
    init(_ window: Int, _ clerk: String, _ t: Ticket) {
        self.init(window: window, clerk: clerk, ticket: t.id, number: t.number, category: t.category)
    }
}

extension TicketRecalled {
    init(_ a: TicketAtWindow, recalls: Int) {
        self.init(window: a.window, clerk: a.clerk, ticket: a.ticket, number: a.number, category: a.category, recalls: recalls)
    }
}

extension TicketNoShow {
    init(_ a: TicketAtWindow, reason: String, recalls: Int) {
        self.init(window: a.window, clerk: a.clerk, ticket: a.ticket, number: a.number, category: a.category,
                  reason: reason, recalls: recalls)
    }
}

extension TicketTransferred {
    init(_ a: TicketAtWindow, toCategory: String, toWindow: Int?) {
        self.init(window: a.window, clerk: a.clerk, ticket: a.ticket, number: a.number, category: a.category,
                  toCategory: toCategory, toWindow: toWindow)
    }
}

extension TicketFinished {
    init(_ a: TicketAtWindow, outcome: Outcome, waitSeconds: Double, serviceSeconds: Double, recalls: Int, deadline: Date, projectNo: String?) {
        self.init(window: a.window, clerk: a.clerk, ticket: a.ticket, number: a.number, category: a.category, outcome: outcome,
                  waitSeconds: waitSeconds, serviceSeconds: serviceSeconds, recalls: recalls, deadline: deadline, projectNo: projectNo)
    }
}

extension TicketRated {
    /// The rating of the service a window awaits.
    init(window: Int, awaiting a: AwaitingRating, level: RatingLevel) {
        self.init(window: window, ticket: a.ticket, number: a.number, clerk: a.clerk, category: a.category,
                  servedDay: a.servedDay, level: level)
    }
}

extension RatingNotGiven {
    init(window: Int, awaiting a: AwaitingRating, reason: NotGivenReason) {
        self.init(window: window, ticket: a.ticket, number: a.number, clerk: a.clerk, category: a.category,
                  servedDay: a.servedDay, reason: reason)
    }
}
