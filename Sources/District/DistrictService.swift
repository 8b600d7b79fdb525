import Foundation
import Hummingbird
import Logging
import PostgresNIO
import Prometheus
import ServiceLifecycle
import UnixSignals

/// The district service: the PostgreSQL pool and the HTTP API as two services of one group, started in
/// that order and stopped in reverse — the API drains its requests before the pool closes. Stateless:
/// every replica on the same database serves the same halls.
public enum DistrictService {
    public static func postgres(_ c: DistrictConfig) -> PostgresClient.Configuration {
        let password = c.databasePasswordFile.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let dir = c.databaseSocketDirectory {
            return PostgresClient.Configuration(unixSocketPath: "\(dir)/.s.PGSQL.\(c.databasePort)", username: c.databaseUser, password: password,
                                                database: c.databaseName)
        }
        return PostgresClient.Configuration(host: c.databaseHost, port: c.databasePort, username: c.databaseUser, password: password,
                                            database: c.databaseName, tls: .disable)
    }

    /// The group to run: SIGTERM/SIGINT stop it gracefully (the executable ends a stop that hangs).
    public static func group(config: DistrictConfig, registry: PrometheusCollectorRegistry? = nil, logger: Logger,
                             signals: [UnixSignal] = [.sigterm, .sigint],
                             onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> ServiceGroup {
        let client = PostgresClient(configuration: postgres(config), backgroundLogger: logger)
        let api = API(config: config, store: DistrictStore(client: client), registry: registry, logger: logger, onRunning: onRunning)
        var c = ServiceGroupConfiguration(services: [.init(service: client), .init(service: api)], gracefulShutdownSignals: signals, logger: logger)
        c.maximumGracefulShutdownDuration = .seconds(10)
        return ServiceGroup(configuration: c)
    }

    /// Migrations (retried until PostgreSQL answers), the hall-link monitor, then the HTTP server.
    struct API: Service {
        let config: DistrictConfig
        let store: DistrictStore
        let registry: PrometheusCollectorRegistry?
        let logger: Logger
        let onRunning: @Sendable (Int) async -> Void

        func run() async throws {
            var pause = 0.2
            while true {
                do {
                    try await store.migrate()
                    break
                } catch {
                    logger.warning("PostgreSQL not ready: \(String(reflecting: error).prefix(200))")
                    try await Task.sleep(for: .milliseconds(Int(pause * 1000)))
                    pause = min(5, pause * 2)
                }
            }
            let config = self.config, logger = self.logger, onRunning = self.onRunning
            let app = Application(router: DistrictRoutes.router(config: config, store: store, registry: registry, logger: logger),
                                  configuration: .init(address: .hostname(config.host, port: config.port), serverName: "counterd-district"),
                                  onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? config.port) }, logger: logger)
            let monitor = HallLinkMonitor(config: config, store: store)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await monitor.run(logger: logger) }
                // runService: the group's graceful shutdown reaches the server (run() would install its own
                // signal handler); it drains its requests, then the monitor is cancelled.
                try await app.runService()
                group.cancelAll()
            }
        }
    }
}
