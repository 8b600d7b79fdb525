import Foundation
import Hummingbird
import Logging
import PostgresNIO
import ServiceLifecycle

/// The district service: the PostgreSQL pool, the migrations, then the HTTP API. Stateless: every replica
/// on the same database serves the same halls.
public struct DistrictService: Service {
    let config: DistrictConfig
    let logger: Logger
    let onRunning: @Sendable (Int) async -> Void

    public init(config: DistrictConfig, logger: Logger = Logger(label: "counterd-district"), onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) {
        self.config = config
        self.logger = logger
        self.onRunning = onRunning
    }

    public static func postgres(_ c: DistrictConfig) -> PostgresClient.Configuration {
        let password = c.databasePasswordFile.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let dir = c.databaseSocketDirectory {
            return PostgresClient.Configuration(unixSocketPath: "\(dir)/.s.PGSQL.\(c.databasePort)", username: c.databaseUser, password: password,
                                                database: c.databaseName)
        }
        return PostgresClient.Configuration(host: c.databaseHost, port: c.databasePort, username: c.databaseUser, password: password,
                                            database: c.databaseName, tls: .disable)
    }

    public func run() async throws {
        let client = PostgresClient(configuration: Self.postgres(config), backgroundLogger: logger)
        let store = DistrictStore(client: client)
        let config = self.config, logger = self.logger, onRunning = self.onRunning
        // SIGTERM ends the HTTP server and the pool together (a batch in flight rolls back; the hall resends it).
        try await cancelWhenGracefulShutdown {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            // PostgreSQL may still be starting (or restarting): retry the migrations until it answers.
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
            let app = Application(router: DistrictRoutes.router(config: config, store: store, logger: logger),
                                  configuration: .init(address: .hostname(config.host, port: config.port), serverName: "counterd-district"),
                                  onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? config.port) }, logger: logger)
            // runService, not run: run() would install a second SIGTERM handler beside the ServiceGroup's.
            group.addTask { try await app.runService() }
            try await group.next()
            group.cancelAll()
        }
        }
    }
}
