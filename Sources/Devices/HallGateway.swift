import HallModel

/// What device drivers need from the hall, without depending on the Hall actor's module: run a command
/// (answered only after its events are committed), follow committed events, read a window.
public protocol HallGateway: Sendable {
    func execute(_ command: HallCommand, source: String) async -> Result<[StoredEvent], GatewayError>
    /// Every event committed from now on, in order.
    func committedEvents() -> AsyncStream<StoredEvent>
    func window(_ number: Int) async -> WindowState?
    /// Tickets a window could call now.
    func waitingCount(window: Int) async -> Int
    func clerkName(_ id: String) async -> String?
    /// The hall's names and numbers: windows, categories, clerks.
    func setup() async -> HallSetup
}

public enum GatewayError: Error, Sendable, Equatable {
    case rejected(Rejection)
    case storage(String)
}
