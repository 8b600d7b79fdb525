import ArgumentParser
import Foundation
import HallApp
import HallConfig
import HallRuntime
import Logging
import Metrics
import Prometheus

@main
struct Counterd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "counterd",
        abstract: "Service-hall counter daemon: queue, calling, ratings and the window performance database.",
        version: CounterdVersion.version)

    @Option(name: .shortAndLong, help: "Config file (TOML).")
    var config: String = CounterdConfig.defaultPath

    @Option(help: "SQLite database file; overrides [database] path.")
    var database: String?

    @Option(help: "Listen address host:port; overrides [server].")
    var listen: String?

    @Flag(help: "Run the demo: simulated citizens, clerks and ratings drive the hall.")
    var demo = false

    @Option(help: "Demo speed: how many times faster than a real hall.")
    var demoSpeed: Double = 10

    @Option(help: "Runtime directory for the device status file; overrides [server] runtime_dir.")
    var runtimeDir: String?

    @Option(help: "Directory of evaluator profiles.")
    var profiles: String = "/usr/share/counterd/profiles"

    @Option(help: "Directory of 好差评 platform profiles ([platform] profile names one).")
    var platforms: String = "/usr/share/counterd/platforms"

    @Option(help: "The address phones open (the tickets' QR codes); overrides [kiosk] rating_url, e.g. http://192.168.1.20:8080.")
    var publicUrl: String?

    @Option(help: "Demo: days of history seeded into an empty database on the first start.")
    var demoHistoryDays: Int = 30

    @Option(help: "Demo: the random seed of the simulated traffic and history (halls of a district demo differ by it).")
    var demoSeed: UInt64 = 20_261_201

    @Option(help: "Directory of 办事指南 files, one CODE.toml per category.")
    var guides: String = "/etc/counterd/guides"

    @Option(help: "Directory of voice clips; overrides [voice] pack.")
    var voicePack: String?

    @Option(help: ArgumentHelp("Tests: a file holding seconds to add to the system clock, read as it changes (clock-step tests).",
                               visibility: .hidden))
    var clockOffsetFile: String?

    @Flag(help: "Do not use libudev (fixed paths and TCP devices only).")
    var noUdev = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        // Under systemd, stderr is the journal: priorities as <N> prefixes and no timestamps of our own.
        let journal = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil
        LoggingSystem.bootstrap { label in
            if journal {
                var handler = JournaldLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "counterd")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        var options = HallOptions(configPath: config)
        options.profilesDirectory = profiles
        options.platformsDirectory = platforms
        options.guidesDirectory = guides
        options.demo = demo ? HallOptions.Demo(speed: demoSpeed, historyDays: demoHistoryDays, seed: demoSeed) : nil
        options.clockOffsetFile = clockOffsetFile
        options.useUdev = !noUdev
        options.overrides = try commandLineOverrides()
        let app: HallApp
        do {
            app = try await HallApp.build(options: options, registry: registry, logger: logger)
        } catch {
            throw ExitCode(error.exitCode)
        }
        try await app.run()
    }
}

extension Counterd {
    /// The command line's overrides of the config file, applied again to every reloaded config.
    func commandLineOverrides() throws -> @Sendable (inout CounterdConfig) -> Void {
        var listenAt: ServerSettings?
        if let listen {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
                throw ValidationError("--listen wants host:port, e.g. 127.0.0.1:8080")
            }
            listenAt = ServerSettings(host: String(listen[..<colon]), port: port)
        }
        let server = listenAt
        let database = self.database, runtimeDir = self.runtimeDir, voicePack = self.voicePack
        var publicURL: String?
        if let url = publicUrl {
            guard let u = URL(string: url), u.scheme == "http" || u.scheme == "https", u.host != nil else {
                throw ValidationError("--public-url wants an http(s) URL that phones in the hall can open, e.g. http://192.168.1.20:8080")
            }
            publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        let rating = publicURL
        return { cfg in
            if let rating { cfg.kiosk.ratingURL = rating }
            if let voicePack { cfg.voice.pack = voicePack }
            if let database { cfg.database.path = database }
            if let server { cfg.server.host = server.host; cfg.server.port = server.port }
            if let runtimeDir { cfg.server.runtimeDirectory = runtimeDir }
        }
    }
}
