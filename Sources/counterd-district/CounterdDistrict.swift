import ArgumentParser
import District
import Foundation
import Logging
import ServiceLifecycle

@main
struct CounterdDistrict: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "counterd-district",
        abstract: "The district service: every hall's event log in PostgreSQL, exactly once per (hall, seq).",
        discussion: "Stateless: all state is in PostgreSQL, so several replicas can serve behind a load balancer. Exit 78 on a bad config.")

    @Option(name: .shortAndLong, help: "Config file (TOML).")
    var config: String = DistrictConfig.defaultPath

    @Option(help: "Listen address host:port; overrides [server].")
    var listen: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
        let logger = Logger(label: "counterd-district")
        var cfg: DistrictConfig
        do { cfg = try DistrictConfig.load(path: config) } catch {
            for p in error.problems { logger.critical("config error: \(config): \(p)") }
            throw ExitCode(78)
        }
        if let listen {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
                throw ValidationError("--listen wants host:port")
            }
            cfg.host = String(listen[..<colon])
            cfg.port = port
        }
        let host = cfg.host, halls = cfg.halls.count
        let service = DistrictService(config: cfg, logger: logger) { port in
            logger.notice("counterd-district listening on http://\(host):\(port) — \(halls) halls")
        }
        let group = ServiceGroup(configuration: .init(services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
