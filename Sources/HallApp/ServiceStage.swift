import ServiceLifecycle

/// When each of counterd's services starts and stops. The stages start from first to last; a graceful
/// stop (SIGTERM, SIGINT) ends them from last to first:
/// 1. control — reloads, sd_notify, the demo's traffic: no new work arrives from them;
/// 2. devices — evaluators set out of service, ports closed: no key press is taken that could not be answered;
/// 3. supervision — alerts, webhook, voice, status file;
/// 4. hall — the commit loop drains (every decided command committed and answered), then the event
///    streams end;
/// 5. http — last, so commands in flight get their answer.
enum ServiceStage: Int, Comparable, CaseIterable {
    case http, hall, supervision, devices, control

    static func < (a: ServiceStage, b: ServiceStage) -> Bool { a.rawValue < b.rawValue }

    /// The services in start order (ServiceGroup stops them in the reverse one); a stage keeps the order
    /// its services were given in.
    static func ordered(_ staged: [(ServiceStage, any Service)]) -> [any Service] {
        staged.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element.1)
    }
}
