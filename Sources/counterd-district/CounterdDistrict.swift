import ArgumentParser
import District
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals

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
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let group = DistrictService.group(config: cfg, registry: registry, logger: logger) { port in
            logger.notice("counterd-district listening on http://\(host):\(port) — \(halls) halls")
        }
        // A stop that has not finished 12 s after SIGTERM/SIGINT ends the process: the district is stateless,
        // a batch not yet committed rolls back and its hall sends it again. It exits 1, so systemd and whoever
        // reads the journal see that the graceful stop failed.
        Task.detached {
            for await _ in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                try? await Task.sleep(for: .seconds(12))
                logger.critical("stopping took longer than 12 s: exiting now (status 1); uncommitted batches roll back and their halls resend them")
                _exit(1)
            }
        }
        try await group.run()
    }
}
