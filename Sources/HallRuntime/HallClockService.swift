import Logging
import ServiceLifecycle

/// Runs the hall's clock (rating timeouts, midnight reset) under a ServiceGroup.
public struct HallClockService: Service {
    public let hall: Hall

    public init(hall: Hall) { self.hall = hall }

    public func run() async {
        await cancelWhenGracefulShutdown { await hall.runClock() }
        // Shutting down: end the event streams so the HTTP server has no endless request to wait for.
        hall.hub.finishAll()
    }
}
