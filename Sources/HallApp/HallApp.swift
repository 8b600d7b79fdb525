import Access
import Devices
import Foundation
import HallConfig
import HallModel
import HallRuntime
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import Store
import Web

/// The hall's composition root: builds every service of one hall from its config, in stage order, and runs them
/// in one `ServiceGroup`. Config reloads (SIGHUP, the setup pages) go through `reload`/`apply`, which decide what
/// a new config may change while the hall runs. counterd's `main` only parses arguments and bootstraps logging and
/// metrics.
public struct HallApp: Sendable {
    public let hall: Hall
    /// What the HTTP handlers see; a reload replaces its tokens, reports and wording.
    public let web: WebDependencies
    let reloader: ConfigReloader
    let services: [any Service]
    let logger: Logger

    /// Builds the hall; nothing runs until `run`. Every problem that stops the start is logged before it throws.
    public static func build(options: HallOptions, registry: PrometheusCollectorRegistry,
                             logger: Logger = Logger(label: "counterd")) async throws(HallStartError) -> HallApp {
        var builder = HallBuilder(options: options, registry: registry, logger: logger)
        return try await builder.build()
    }

    /// Runs every service until SIGTERM or SIGINT, then stops them in reverse stage order.
    public func run() async throws {
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) },
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        // The hall stage drained already; a failing service that ended the group early is covered here too.
        await hall.drain()
        logger.info("counterd stopped")
    }

    /// Reads the config file again and applies it (SIGHUP); false when refused, with every reason logged.
    @discardableResult
    public func reload() async -> Bool { await reloader.reload() }

    /// Applies a config to the running hall: windows, categories, clerks, tokens, devices, wording and alert rules
    /// change in place; a change that would strand a waiting ticket or a signed-in clerk is refused as a whole.
    /// Returns the reasons it was refused (empty: applied, and recorded in the log).
    public func apply(_ config: CounterdConfig) async -> [String] {
        await reloader.applyConfig(config)
    }
}
