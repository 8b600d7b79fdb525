import Logging
import ServiceLifecycle

/// Runs the hall's clock (rating timeouts, midnight reset) under a ServiceGroup.
public struct HallClockService: Service {
    public let hall: Hall

    public init(hall: Hall) { self.hall = hall }

    public func run() async {
        await cancelWhenGracefulShutdown { await hall.runClock() }
    }
}
