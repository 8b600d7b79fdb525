import Logging
import ServiceLifecycle

/// The Hall's commits as a service: on a graceful stop it drains (every command already decided is
/// committed and answered) and then ends the event streams, so subscribers see every committed event and
/// the HTTP server has no endless request to wait for.
public struct HallCommitService: Service {
    public let hall: Hall
    private let logger: Logger

    public init(hall: Hall, logger: Logger = Logger(label: "counterd.hall")) {
        self.hall = hall
        self.logger = logger
    }

    public func run() async {
        try? await gracefulShutdown()
        await hall.drain()
        logger.info("hall drained: every decided command is committed")
        hall.hub.finishAll()
    }
}
