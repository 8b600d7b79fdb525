import HallModel

/// Which screen a content is for: a window's own screen, or the hall screens.
public enum ScreenTarget: Hashable, Sendable {
    case window(Int)
    case hall
}

/// Turns committed hall events into what each screen should show. Pure: the same event always gives
/// the same contents, so a call shows identically on every screen, page and voice that follows it.
public struct ScreenPlanner: Sendable {
    public let setup: HallSetup
    public let templates: DisplayTemplates

    public init(setup: HallSetup, templates: DisplayTemplates) {
        self.setup = setup
        self.templates = templates
    }

    func values(window: Int?, ticket: String? = nil, clerk: String? = nil, category: String? = nil) -> [String: String] {
        var v = ["hall": setup.name]
        if let window {
            v["window"] = String(window)
            v["window_name"] = setup.window(window)?.name ?? String(window)
        }
        if let ticket { v["ticket"] = ticket }
        if let clerk { v["clerk"] = setup.clerk(clerk)?.name ?? clerk }
        if let category { v["category"] = setup.category(category)?.name ?? category }
        return v
    }

    /// The call as every output shows it.
    public func call(number: String, window: Int, clerk: String?, category: String?) -> (window: ScreenContent, hall: ScreenContent) {
        let v = values(window: window, ticket: number, clerk: clerk, category: category)
        let short = DisplayTemplates.render(templates.callShort, v)
        return (ScreenContent(kind: .call, text: DisplayTemplates.render(templates.call, v), short: short, digits: number),
                ScreenContent(kind: .call, text: DisplayTemplates.render(templates.hallCall, v), short: short, digits: number))
    }

    /// A window's screen when it is not calling: the clerk's welcome, or closed.
    public func rest(window: Int, state: WindowState?) -> ScreenContent {
        guard let state, let clerk = state.clerk else {
            return ScreenContent(kind: .closed, text: DisplayTemplates.render(templates.closed, values(window: window)),
                                 short: String(window), digits: "")
        }
        if state.paused {
            return ScreenContent(kind: .closed, text: DisplayTemplates.render(templates.closed, values(window: window, clerk: clerk)),
                                 short: String(window), digits: "")
        }
        if let serving = state.serving {
            return call(number: serving.ticket.number, window: window, clerk: clerk, category: serving.ticket.category).window
        }
        let text = DisplayTemplates.render(templates.idle, values(window: window, clerk: clerk))
        return ScreenContent(kind: .idle, text: text, short: DisplayTemplates.render(templates.idleNoClerk, values(window: window)), digits: "")
    }

    public var hallIdle: ScreenContent {
        ScreenContent(kind: .idle, text: DisplayTemplates.render(templates.hallIdle, values(window: nil)), short: setup.name, digits: "")
    }

    /// What `e` changes on the screens. `window` is the window's state after the event.
    public func contents(for e: HallEvent, window state: WindowState?) -> [(ScreenTarget, ScreenContent)] {
        guard let w = e.window else { return [] }
        switch e.kind {
        case .ticketCalled, .ticketRecalled, .ticketCalledBack:
            guard let number = e.number else { return [] }
            let c = call(number: number, window: w, clerk: e.clerk, category: e.category)
            return [(.window(w), c.window), (.hall, c.hall)]
        case .ticketFinished, .ticketNoShow, .ticketParked, .ticketTransferred, .clerkSignedIn, .clerkSignedOut,
             .windowPaused, .windowResumed:
            return [(.window(w), rest(window: w, state: state))]
        default:
            return []
        }
    }
}
