import Access
import ArgumentParser
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

        var cfg: CounterdConfig
        let overrides = try commandLineOverrides()
        do {
            // The setup pages' edits live beside the database this process uses (which --database may name).
            var plain = try CounterdConfig.loadFile(path: config).1
            overrides(&plain)
            cfg = try CounterdConfig.load(path: config, editsFile: plain.setupEdits)
        } catch {
            for issue in error.issues { logger.critical("config error: \(error.file): \(issue)") }
            throw ExitCode(78)  // EX_CONFIG
        }
        overrides(&cfg)
        if !cfg.editedSections.isEmpty {
            logger.notice("setup sections from the setup pages (they replace counterd.toml's)", metadata: [
                "sections": "\(cfg.editedSections.joined(separator: ","))", "file": "\(cfg.setupEdits.path)"])
        }
        let dbURL = URL(fileURLWithPath: cfg.database.path)
        try FileManager.default.createDirectory(at: dbURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        let store: EventStore
        do {
            store = try EventStore(path: cfg.database.path, sync: cfg.database.sync)
        } catch let error as StoreError {
            logger.critical("cannot open the database: \(error)")
            throw ExitCode(75)  // EX_TEMPFAIL: another writer holds it
        }
        if demo, demoHistoryDays > 0, (try? store.lastSeq()) == 0 {
            // A month of past days, so the week and month views, the charts and the workbook show data.
            logger.notice("demo: seeding \(demoHistoryDays) days of history into the new database…")
            _ = try await DemoHistory.seed(store: store, setup: cfg.setup, days: demoHistoryDays, now: Date(), seed: demoSeed, logger: logger)
        }
        let hall: Hall
        do {
            let clockLogger = Logger(label: "counterd.clock")
            let offset = clockOffsetFile.map(ClockOffsetFile.init)
            let clock = SteadyClock(source: { offset.map { Date().addingTimeInterval($0.seconds) } ?? Date() }) { by, adopted in
                Counter(label: "counterd_clock_steps_total", dimensions: [("adopted", adopted ? "yes" : "no")]).increment()
                if adopted {
                    clockLogger.warning("the system clock stepped; the hall follows it", metadata: ["seconds": "\(Int(by.rounded()))"])
                } else {
                    clockLogger.warning("the system clock stepped back; the hall keeps its own time until no service is open and the clock has passed the last event",
                                        metadata: ["seconds": "\(Int(by.rounded()))"])
                }
            }
            hall = try Hall(setup: cfg.setup, store: store, clock: clock, logger: Logger(label: "counterd.hall"))
        } catch let error as StoreError {
            // The live state is the fold of the log: a start that skipped an event would run on a wrong state.
            logger.critical("cannot start: \(error)", metadata: ["path": "\(cfg.database.path)"])
            throw ExitCode(65)  // EX_DATAERR
        }
        let events = try store.lastSeq()
        logger.info("database open", metadata: ["path": "\(cfg.database.path)", "synchronous": "\(cfg.database.sync.rawValue)",
                                                "events": "\(events)"])

        let board = HealthBoard()
        var statusPath: String?
        do {
            try FileManager.default.createDirectory(atPath: cfg.server.runtimeDirectory, withIntermediateDirectories: true)
            statusPath = cfg.server.runtimeDirectory + "/devices.json"
        } catch {
            logger.warning("no runtime directory; `counterctl devices` will not see this process", metadata: [
                "path": "\(cfg.server.runtimeDirectory)", "error": "\(error)"])
        }
        let (library, profileIssues) = ProfileLibrary.load(directory: profiles)
        for issue in profileIssues { logger.error("profile error: \(issue)") }
        // The demo's hardware is simulated on pseudo-terminals and found like any fixed-path device. It needs
        // the Modbus evaluator profile; without it the demo drives the hall with plain commands.
        var demoDevices: DemoDevices?
        if demo && library.profiles["modbus-rtu-evaluator"] != nil {
            let sim = try DemoDevices(windows: cfg.setup.windows.map(\.number), withScreens: library.displays["display-strip-gbk"] != nil)
            cfg.devices += sim.bindings
            if cfg.kiosk.printer == nil { cfg.kiosk.printer = "demo-printer" }
            demoDevices = sim
        } else if demo {
            logger.warning("no modbus-rtu-evaluator profile in \(profiles): the demo runs without simulated devices")
        }
        let room = PrinterRoom()
        var factory = DriverFactory(hall: HallGatewayAdapter(hall: hall), profiles: library, templates: cfg.display, room: room)
        let links = RatingLinks(key: try store.secret("rating-links"))
        let (guideBook, guideIssues) = ServiceGuide.loadAll(directory: guides)
        for issue in guideIssues { logger.error("办事指南 file error in \(guides): \(issue)") }
        for issue in ServiceGuide.disagreements(guides: guideBook, categories: cfg.setup.categories) {
            logger.error("办事指南 and checklist disagree (the guide shows the checklist): \(issue)", metadata: ["directory": "\(guides)"])
        }
        let unknownGuides = guideBook.keys.filter { cfg.setup.category($0) == nil }.sorted()
        if !unknownGuides.isEmpty {
            logger.warning("办事指南 files for no configured category: \(unknownGuides.joined(separator: ", "))", metadata: ["directory": "\(guides)"])
        }
        // Appointments and reminder numbers: personal data, in their own file, only when a feature needs it.
        var citizens: CitizenStore?
        if cfg.kiosk.appointments || cfg.kiosk.reminder != nil {
            let path = CitizenStore.path(besideDatabase: cfg.database.path)
            do { citizens = try CitizenStore(path: path) } catch {
                logger.error("cannot open the citizens database: no appointment check-in or reminders", metadata: ["path": "\(path)", "error": "\(error)"])
            }
        }
        let kiosk = KioskDesk(hall: hall, room: room, settings: cfg.kiosk, links: links, printers: library.printerProfiles(for: cfg.devices),
                              guides: guideBook, citizens: cfg.kiosk.appointments ? citizens : nil)
        await kiosk.voidInterrupted()
        await kiosk.reconcileAppointments()
        if demo, let citizens, cfg.kiosk.appointments { DemoAppointments.book(citizens, setup: cfg.setup, logger: logger) }
        let scans = KioskDesk.scanSink(kiosk, tokens: cfg.tokens)
        factory.scans = scans
        var reminders: ReminderDesk?
        if let r = cfg.kiosk.reminder, let citizens {
            do {
                reminders = try ReminderDesk(hall: hall, store: citizens, settings: r,
                                             keyPath: (citizens.path as NSString).deletingLastPathComponent + "/reminder.key")
            } catch {
                logger.error("cannot read or make the reminder key: no turn-near reminders", metadata: ["error": "\(error)"])
            }
        }
        let drivers = factory
        let bindingIssues = factory.check(cfg.devices)
        if !bindingIssues.isEmpty {
            for issue in bindingIssues { logger.critical("config error: \(config): \(issue)") }
            throw ExitCode(78)
        }
        let devices = DeviceService(hall: hall, bindings: cfg.devices, statusPath: statusPath, useUdev: !noUdev, board: board,
                                    driverFor: { drivers.driver(for: $0) })
        let monitor = AlertMonitor(hall: hall, rules: cfg.alerts.rules) {
            // Counter hardware only: the voice player has its own health entry and warnings.
            // A device gets 15 s to connect (at start, after a replug) before it counts as down.
            // A printer that cannot print (paper out, cover open …) is a fault staff must fix, though connected.
            board.all.filter { DeviceRole(rawValue: $0.role) != nil }.map { h in
                let status = h.role == DeviceRole.printer.rawValue ? room.status(h.id) : nil
                let fault = status.flatMap { $0.canPrint ? nil : $0.problems.filter { $0.en != "paper near end" }.map(\.zh).joined(separator: "，") }
                return AlertRules.DeviceState(id: h.id, window: h.window, up: h.state == .connected || Date().timeIntervalSince(h.since) < 15,
                                              fault: fault)
            }
        }
        // The push to the provincial 好差评 platform: the outbox fills either way; with transport = "http" the
        // pusher delivers it.
        var pusher: PlatformPusher?
        var platformHealth: PlatformHealth?
        if let p = cfg.platform {
            platformHealth = PlatformHealth(PlatformStatus(configured: true, transport: p.transport.rawValue, profile: p.profile, url: p.url,
                                                           alertAfterMinutes: p.alertAfterMinutes))
            if p.transport == .file { logger.info("好差评 records are kept for a manual upload ([platform] transport = \"file\")") }
        }
        if let p = cfg.platform, p.transport == .http, let url = p.url, let health = platformHealth {
            // Only the pusher needs the profile here; the file drop reads it in counterctl.
            let profile: PlatformProfile
            switch PlatformProfileFile.load(p.profile, directory: platforms) {
            case .success(let loaded): profile = loaded
            case .failure(let e):
                for issue in e.issues { logger.critical("config error: \(config): \(issue)") }
                throw ExitCode(78)
            }
            let builder = PlatformRecordBuilder(store: store, setup: cfg.setup, profile: profile, indicators: cfg.ratings.indicators)
            pusher = PlatformPusher(store: store, builder: builder, target: .init(
                url: url, authHeader: p.authHeader, authTokenFile: p.authTokenFile, timeout: .milliseconds(Int64(p.timeoutSeconds * 1000)),
                retryFirst: p.retryFirstSeconds, retryMax: p.retryMaxSeconds, alertAfterMinutes: p.alertAfterMinutes),
                hub: hall.hub, health: health, setup: { await hall.setup })
            await monitor.watch(platform: health)
        }
        // The log's shipping to the district: the hall never waits for it.
        var shipper: LogShipper?
        var shipHealth: ShipHealth?
        if let d = cfg.district {
            let health = ShipHealth(ShipStatus(url: d.url, hallId: d.hallID, acked: (try? store.shipCursor(LogShipper.cursorName)) ?? 0,
                                               last: events))
            shipHealth = health
            shipper = LogShipper(store: store, target: .init(url: d.url, hallID: d.hallID, tokenFile: d.tokenFile, batchSize: d.batchSize,
                                                             retryFirst: d.retryFirstSeconds, retryMax: d.retryMaxSeconds,
                                                             heartbeat: d.heartbeatSeconds),
                                 hub: hall.hub, health: health,
                                 setup: { [indicators = cfg.ratings.indicators, rules = cfg.alerts.rules] in
                                     await hall.setup.reportSetup(indicators: indicators, opensAt: rules.opensAt, closesAt: rules.closesAt)
                                 })
        }
        var deps = WebDependencies(hall: hall, access: AccessControl(tokens: cfg.tokens, clerkPINs: cfg.clerkPINs),
                                   reports: Reports(store: store, setup: cfg.setup), registry: registry, devices: board,
                                   templates: cfg.display, kiosk: kiosk, links: links, alerts: monitor,
                                   ratings: RatingRules(indicators: cfg.ratings.indicators, reasonRequiredForBad: cfg.ratings.reasonRequiredForBad),
                                   platform: platformHealth, metricsTokenSHA256: cfg.server.metricsTokenSHA256)
        do {
            deps.accounts = try AccountStore(path: cfg.accountsPath)
            deps.sessionSeconds = cfg.server.sessionHours * 3600
            if demo { try DemoAccounts.ensure(in: deps.accounts!, logger: logger) }
        } catch {
            // The hall still serves its devices and token holders; people cannot sign in until it is fixed.
            logger.error("cannot open the accounts database: nobody can sign in", metadata: ["path": "\(cfg.accountsPath)", "error": "\(error)"])
        }
        let reloader = ConfigReloader(
            path: config, profilesDirectory: profiles, overrides: overrides, extraBindings: demoDevices?.bindings ?? [],
            current: cfg, profiles: library, hall: hall, devices: devices, web: deps, kiosk: kiosk, room: room, monitor: monitor, notifier: SystemdNotifier(),
            logger: Logger(label: "counterd.config"))
        deps.setupEditor = reloader
        await reloader.setGuides(guides, scans: scans)
        deps.reminders = reminders
        let web = deps
        let started = Started()
        let host = cfg.server.host
        let hallName = cfg.setup.name
        let isDemo = demo
        let bound = Listening()
        let app = makeWebApplication(web, host: host, port: cfg.server.port, logger: Logger(label: "counterd.http")) { port in
            await bound.set(port)
            let base = "http://\(host):\(port)"
            // Notice level, so the URLs show at the default log level and in the journal alike.
            logger.notice("counterd is running — \(hallName)")
            logger.notice("API description  \(base)/openapi.yaml")
            logger.notice("hall state       \(base)/api/state  (Authorization: Bearer <token>)")
            logger.notice("event stream     \(base)/api/events")
            logger.notice("reports          \(base)/api/reports/windows?from=YYYY-MM-DD&to=YYYY-MM-DD")
            logger.notice("metrics          \(base)/metrics")
            logger.notice("hall screen      \(base)/display/hall?token=<display token>   (also /display/tv, /display/window/N)")
            logger.notice("ticket kiosk     \(base)/kiosk?token=<kiosk token>")
            logger.notice("dashboard        \(base)/dashboard   (sign in at /login; accounts: counterctl user add)")
            logger.notice("setup pages      \(base)/admin   (admin accounts)")
            logger.notice("clerk console    \(base)/console/window/N?token=<window token>   (tablet evaluator: /evaluator/window/N)")
            if isDemo {
                logger.notice("demo tokens: display=demo-display manager=demo-manager kiosk=demo-kiosk window N=demo-window-N")
                logger.notice("demo accounts: admin / demo-admin, manager / demo-manager, supervisor / demo-supervisor")
                logger.notice("try: curl -H 'Authorization: Bearer demo-manager' '\(base)/api/reports/windows'")
            }
            await started.set()
        }
        let systemd = SystemdService(notifier: SystemdNotifier(), hall: hall, ready: {
            let listening = await started.value
            let enumerated = await devices.supervisor.enumerated
            return listening && enumerated
        }, status: {
            let state = await hall.state
            let open = state.windows.values.filter { $0.clerk != nil }.count
            let up = board.all.filter { $0.state == .connected }.count
            return "\(open) windows open, \(state.waiting.count) waiting, \(up)/\(board.all.count) devices connected"
        })
        var staged: [(ServiceStage, any Service)] = [
            (.http, app), (.hall, HallCommitService(hall: hall)), (.hall, HallClockService(hall: hall)),
            (.devices, devices), (.control, systemd), (.control, ReloadService(reloader: reloader)), (.supervision, monitor),
        ]
        if let url = cfg.alerts.webhook, let target = AlertWebhook.Target(url: url) {
            staged.append((.supervision, AlertWebhook(target: target, hub: hall.hub, maxAttempts: cfg.alerts.webhookAttempts)))
        }
        if let pusher { staged.append((.supervision, pusher)) }
        if let reminders { staged.append((.supervision, reminders)) }
        if let dir = cfg.monthlyWorkbookDirectory {
            staged.append((.supervision, MonthlyWorkbookService(directory: dir, hall: hall, indicators: cfg.ratings.indicators,
                                                                logger: Logger(label: "counterd.exports"))))
        }
        if let shipper { staged.append((.supervision, shipper)) }
        if cfg.voice.enabled {
            staged.append((.supervision, VoiceAnnouncer(settings: cfg.voice, hub: hall.hub, workDirectory: cfg.server.runtimeDirectory + "/voice",
                                                        board: board, templates: { web.templates })))
        } else {
            logger.info("voice calling is off ([voice] enabled = false)")
        }
        if statusPath != nil {
            let startedAt = Date(), configPath = config, database = cfg.database.path, port = cfg.server.port, health = platformHealth, ship = shipHealth
            staged.append((.supervision, StatusFileService(path: cfg.server.runtimeDirectory + "/status.json") {
                let (setup, state, now) = await (hall.setup, hall.state, hall.now)
                return ServiceStatus.make(setup: setup, state: state, now: now, pid: getpid(), startedAt: startedAt, config: configPath,
                                          database: database, listen: "\(host):\(await bound.port ?? port)",
                                          events: (try? store.lastSeq()) ?? 0, platform: Self.platformStatus(health, store: store),
                                          district: ship?.status)
            }))
        }
        if demo {
            // The demo's citizens take their tickets at the kiosk, so every ticket is printed (and kept as text).
            let issue: @Sendable (String, String?) async -> Void = { category, reason in
                _ = await kiosk.take(category: category, priority: reason != nil, details: IssueDetails(priorityReason: reason), kiosk: "demo")
            }
            staged.append((.control, DemoTrafficService(traffic: DemoTraffic(hall: hall, actions: demoDevices, speed: demoSpeed,
                                                                             issue: demoDevices == nil ? nil : issue, seed: demoSeed,
                                                                             staff: DemoTraffic.demoStaff))))
            if let printer = demoDevices?.printer {
                let dir = (cfg.database.path as NSString).deletingLastPathComponent + "/printed"
                staged.append((.control, PrintedReceipts(printer: printer, directory: dir, logger: logger)))
                logger.notice("demo: every printed ticket is kept as text in \(dir)/")
            }
        }
        let services = ServiceStage.ordered(staged)
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
        // The hall stage drained already; a failing service that ended the group early is covered here too.
        await hall.drain()
        logger.info("counterd stopped")
    }
}

extension Counterd {
    /// The pusher's live status; for a file drop or no platform, the outbox as the database has it.
    static func platformStatus(_ health: PlatformHealth?, store: EventStore) -> PlatformStatus? {
        guard let summary = try? store.outboxSummary() else { return health?.status }
        if let live = health?.status, live.transport == "http" { return live.counted(summary, now: Date()) }
        return PlatformStatus(configured: health != nil, transport: health?.status.transport, profile: health?.status.profile, summary: summary)
    }

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

/// The port the HTTP server bound (the config may say 0).
actor Listening {
    private(set) var port: Int?
    func set(_ p: Int) { port = p }
}

/// Set once the HTTP server listens.
actor Started {
    private(set) var value = false
    func set() { value = true }
}
