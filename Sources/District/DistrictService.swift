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
        var configuration: PostgresClient.Configuration
        if let dir = c.databaseSocketDirectory {
            configuration = PostgresClient.Configuration(unixSocketPath: "\(dir)/.s.PGSQL.\(c.databasePort)", username: c.databaseUser, password: password,
                                                         database: c.databaseName)
        } else {
            configuration = PostgresClient.Configuration(host: c.databaseHost, port: c.databasePort, username: c.databaseUser, password: password,
                                                         database: c.databaseName, tls: .disable)
        }
        // A connection attempt made while PostgreSQL restarts can hang until this timeout (PostgresNIO's default is
        // 10 s, the whole of the stop's grace period): requests waiting for it held the HTTP drain, and a SIGTERM
        // then ran into the forced exit. A database answers a connect in far less on a working network.
        configuration.options.connectTimeout = connectTimeout
        return configuration
    }

    /// How long one connection attempt to PostgreSQL may take.
    public static let connectTimeout: Duration = .seconds(3)

    /// The group to run: SIGTERM/SIGINT stop it gracefully (the executable ends a stop that hangs).
    public static func group(config: DistrictConfig, registry: PrometheusCollectorRegistry? = nil, logger: Logger,
                             signals: [UnixSignal] = [.sigterm, .sigint],
                             onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> ServiceGroup {
        let client = PostgresClient(configuration: postgres(config), backgroundLogger: logger)
        let api = API(config: config, client: client, store: DistrictStore(client: client), registry: registry, logger: logger, onRunning: onRunning)
        var c = ServiceGroupConfiguration(services: [.init(service: api)], gracefulShutdownSignals: signals, logger: logger)
        c.maximumGracefulShutdownDuration = .seconds(10)
        return ServiceGroup(configuration: c)
    }

    /// How long an HTTP connection may stay silent (a hall's shipper reconnects for its next batch or heartbeat).
    static let idleSeconds = 4

    /// How long a stop lets requests finish that wait on the database before the pool closes under them.
    static let drainSeconds = 5

    /// The pool, migrations (retried until PostgreSQL answers), the hall-link monitor, then the HTTP server.
    ///
    /// The pool runs beside the server rather than as a service of its own: as a second service it was stopped
    /// only after the server had drained, and the server waited on requests that waited on the pool — after a
    /// PostgreSQL restart, connection attempts that never finished held a stop past its grace period. Now a stop
    /// drains the server for `drainSeconds`, then closes the pool, which fails the requests still waiting on it
    /// (their halls resend the batch), and the server's drain ends.
    struct API: Service {
        let config: DistrictConfig
        let client: PostgresClient
        let store: DistrictStore
        let registry: PrometheusCollectorRegistry?
        let logger: Logger
        let onRunning: @Sendable (Int) async -> Void

        func run() async throws {
            // Detached: it must not take the group's graceful shutdown (PostgresClient.run ends at once on it).
            let pool = Task.detached { [client] in await client.run() }
            defer { pool.cancel() }
            // Give the pool a moment to start before the first lease (else PostgresNIO warns that run() was not called).
            try await Task.sleep(for: .milliseconds(50))
            var pause = 0.2
            while true {
                do {
                    try await store.migrate()
                    break
                } catch {
                    if Task.isShuttingDownGracefully || Task.isCancelled {
                        pool.cancel()
                        await pool.value
                        return
                    }
                    logger.warning("PostgreSQL not ready: \(String(reflecting: error).prefix(200))")
                    try await Task.sleep(for: .milliseconds(Int(pause * 1000)))
                    pause = min(5, pause * 2)
                }
            }
            let config = self.config, logger = self.logger, onRunning = self.onRunning
            // An idle timeout: a connection that sends nothing (or is accepted as the listener closes and never gets
            // its first request) is closed by it, so a stop's drain never waits on a silent peer.
            let app = Application(router: DistrictRoutes.router(config: config, store: store, registry: registry, logger: logger),
                                  server: .http1(configuration: .init(idleTimeout: .seconds(Int64(DistrictService.idleSeconds)))),
                                  configuration: .init(address: .hostname(config.host, port: config.port), serverName: "counterd-district"),
                                  onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? config.port) }, logger: logger)
            let monitor = HallLinkMonitor(config: config, store: store)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await monitor.run(logger: logger) }
                group.addTask {
                    try await gracefulShutdown()
                    try await Task.sleep(for: .seconds(DistrictService.drainSeconds))
                    logger.warning("requests still wait on the database \(DistrictService.drainSeconds) s into the stop: closing the pool under them")
                    pool.cancel()
                }
                // runService: the group's graceful shutdown reaches the server (run() would install its own
                // signal handler); it drains its requests, then the monitor and the drain timer are cancelled.
                try await app.runService()
                group.cancelAll()
            }
            pool.cancel()
            await pool.value
        }
    }
}
