import Devices
import HallConfig
import HallModel

/// Lets device drivers reach the Hall through the small `HallGateway` protocol.
public struct HallGatewayAdapter: HallGateway {
    public let hall: Hall

    public init(hall: Hall) { self.hall = hall }

    public func execute(_ command: HallCommand, source: String) async -> Result<[StoredEvent], GatewayError> {
        do {
            return .success(try await hall.execute(command, source: source))
        } catch {
            switch error {
            case .rejected(let r): return .failure(.rejected(r))
            case .storage(let s): return .failure(.storage(s))
            }
        }
    }

    public func committedEvents() -> AsyncStream<StoredEvent> { hall.hub.subscribe() }

    public func window(_ number: Int) async -> WindowState? { await hall.state.windows[number] }

    public func waitingCount(window: Int) async -> Int {
        guard let config = await hall.setup.window(window) else { return 0 }
        return await hall.state.candidates(for: config).count
    }

    public func clerkName(_ id: String) async -> String? { await hall.setup.clerk(id)?.name }

    public func setup() async -> HallSetup { await hall.setup }
}
