import Access
import Delivery
import Demo
import Devices
import Foundation
import HallConfig
import HallModel
import HallRuntime
import Hummingbird
import Kiosk
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import Store
import Web

/// `HallApp.build`'s steps, in the order the services depend on each other: config, store, hall, devices and
/// kiosk, delivery (好差评 push, district shipping), the HTTP side, then the services in their stages.
struct HallBuilder {
    let options: HallOptions
    let registry: PrometheusCollectorRegistry
    let logger: Logger

    init(options: HallOptions, registry: PrometheusCollectorRegistry, logger: Logger) {
        self.options = options
        self.registry = registry
        self.logger = logger
    }

    mutating func build() async throws(HallStartError) -> HallApp {
        var cfg = try loadConfig()
        let store = try openStore(cfg)
        if let demo = options.demo, demo.historyDays > 0, (try? store.lastSeq()) == 0 {
            // A month of past days, so the week and month views, the charts and the workbook show data.
            logger.notice("demo: seeding \(demo.historyDays) days of history into the new database…")
            do {
                _ = try await DemoHistory.seed(store: store, setup: cfg.setup, days: demo.historyDays, now: Date(), seed: demo.seed, logger: logger)
            } catch {
                logger.error("demo: the history could not be seeded", metadata: ["error": "\(error)"])
            }
        }
        let hall = try openHall(cfg, store: store)
        let events = (try? store.lastSeq()) ?? 0
        logger.info("database open", metadata: ["path": "\(cfg.database.path)", "synchronous": "\(cfg.database.sync.rawValue)",
                                                "events": "\(events)"])

        // Devices and the kiosk.
        let board = HealthBoard()
        let statusPath = runtimeDirectory(cfg)
        let (library, profileIssues) = ProfileLibrary.load(directory: options.profilesDirectory)
        for issue in profileIssues { logger.error("profile error: \(issue)") }
        let demoDevices = try makeDemoDevices(&cfg, library: library)
        let room = PrinterRoom()
        let links: RatingLinks
        do { links = RatingLinks(key: try store.secret("rating-links")) } catch {
            logger.critical("cannot read the rating links' key from the database: \(error)")
            throw .unreadableLog("\(error)")
        }
        let guideBook = loadGuides(cfg)
        let citizens = openCitizens(cfg)
        let kiosk = KioskDesk(hall: hall, room: room, settings: cfg.kiosk, links: links, printers: library.printerProfiles(for: cfg.devices),
                              guides: guideBook, citizens: cfg.kiosk.appointments ? citizens : nil)
        await kiosk.voidInterrupted()
        await kiosk.reconcileAppointments()
        if options.demo != nil, let citizens, cfg.kiosk.appointments { DemoAppointments.book(citizens, setup: cfg.setup, logger: logger) }
        let scans = KioskDesk.scanSink(kiosk, tokens: cfg.tokens)
        var factory = DriverFactory(hall: HallGatewayAdapter(hall: hall), profiles: library, templates: cfg.display, room: room)
        factory.scans = scans
        let drivers = factory
        let bindingIssues = factory.check(cfg.devices)
        if !bindingIssues.isEmpty {
            for issue in bindingIssues { logger.critical("config error: \(options.configPath): \(issue)") }
            throw .config(bindingIssues.map { "\(options.configPath): \($0)" })
        }
        let devices = DeviceService(hall: hall, bindings: cfg.devices, statusPath: statusPath.map { $0 + "/devices.json" }, useUdev: options.useUdev,
                                    board: board, driverFor: { drivers.driver(for: $0) })
        let monitor = AlertMonitor(hall: hall, rules: cfg.alerts.rules) {
            board.all.compactMap { AlertRules.DeviceState.observed($0, printer: room.status($0.id), now: Date()) }
        }
        var reminders: ReminderDesk?
        if let r = cfg.kiosk.reminder, let citizens {
            do {
                reminders = try ReminderDesk(hall: hall, store: citizens, settings: r,
                                             keyPath: (citizens.path as NSString).deletingLastPathComponent + "/reminder.key")
            } catch {
                logger.error("cannot read or make the reminder key: no turn-near reminders", metadata: ["error": "\(error)"])
            }
        }

        // Delivery: the 好差评 platform and the district, beside the hall and never in its path.
        let (pusher, platformHealth) = try makePusher(cfg, store: store, hall: hall)
        if let platformHealth { await monitor.watch(platform: platformHealth) }
        let (shipper, shipHealth) = makeShipper(cfg, store: store, hall: hall, events: events)

        // The HTTP side.
        var deps = WebDependencies(hall: hall, access: AccessControl(tokens: cfg.tokens, clerkPINs: cfg.clerkPINs),
                                   reports: Reports(store: store, setup: cfg.setup), registry: registry, devices: board,
                                   templates: cfg.display, kiosk: kiosk, links: links, alerts: monitor,
                                   ratings: RatingRules(indicators: cfg.ratings.indicators, reasonRequiredForBad: cfg.ratings.reasonRequiredForBad),
                                   platform: platformHealth, metricsTokenSHA256: cfg.server.metricsTokenSHA256)
        deps.accounts = openAccounts(cfg)
        deps.sessionSeconds = cfg.server.sessionHours * 3600
        let reloader = ConfigReloader(
            path: options.configPath, profilesDirectory: options.profilesDirectory, overrides: options.overrides,
            extraBindings: demoDevices?.bindings ?? [], current: cfg, profiles: library, hall: hall, devices: devices, web: deps,
            kiosk: kiosk, room: room, monitor: monitor, notifier: SystemdNotifier(), logger: Logger(label: "counterd.config"))
        deps.setupEditor = reloader
        await reloader.setGuides(options.guidesDirectory, scans: scans)
        deps.reminders = reminders
        let web = deps

        // The services, in their stages.
        let started = Started()
        let bound = Listening()
        let app = makeWebApplication(web, host: cfg.server.host, port: cfg.server.port, logger: Logger(label: "counterd.http")) {
            [logger, hallName = cfg.setup.name, host = cfg.server.host, demo = options.demo != nil] port in
            await bound.set(port)
            Self.announce(logger, hall: hallName, base: "http://\(host):\(port)", demo: demo)
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
        if let statusPath {
            let startedAt = Date(), configPath = options.configPath, database = cfg.database.path, port = cfg.server.port
            let host = cfg.server.host
            staged.append((.supervision, StatusFileService(path: statusPath + "/status.json") {
                let (setup, state, now) = await hall.snapshot()
                return ServiceStatus.make(setup: setup, state: state, now: now, pid: getpid(), startedAt: startedAt, config: configPath,
                                          database: database, listen: "\(host):\(await bound.port ?? port)",
                                          events: (try? store.lastSeq()) ?? 0, platform: PlatformStatus.current(platformHealth, store: store),
                                          district: shipHealth?.status)
            }))
        }
        if let demo = options.demo {
            staged += demoServices(demo, cfg: cfg, hall: hall, kiosk: kiosk, devices: demoDevices)
        }
        return HallApp(hall: hall, web: web, reloader: reloader, services: ServiceStage.ordered(staged), logger: logger)
    }

    // MARK: Steps

    /// counterd.toml with the setup pages' edits and the command line's overrides.
    private func loadConfig() throws(HallStartError) -> CounterdConfig {
        var cfg: CounterdConfig
        do {
            // The setup pages' edits live beside the database this process uses (which --database may name).
            var plain = try CounterdConfig.loadFile(path: options.configPath).1
            options.overrides(&plain)
            cfg = try CounterdConfig.load(path: options.configPath, editsFile: plain.setupEdits)
        } catch {
            for issue in error.issues { logger.critical("config error: \(error.file): \(issue)") }
            throw .config(error.issues.map { "\(error.file): \($0)" })
        }
        options.overrides(&cfg)
        if !cfg.editedSections.isEmpty {
            logger.notice("setup sections from the setup pages (they replace counterd.toml's)", metadata: [
                "sections": "\(cfg.editedSections.joined(separator: ","))", "file": "\(cfg.setupEdits.path)"])
        }
        return cfg
    }

    private func openStore(_ cfg: CounterdConfig) throws(HallStartError) -> EventStore {
        do {
            let dbURL = URL(fileURLWithPath: cfg.database.path)
            try FileManager.default.createDirectory(at: dbURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            return try EventStore(path: cfg.database.path, sync: cfg.database.sync)
        } catch let error as StoreError {
            logger.critical("cannot open the database: \(error)")
            throw .databaseBusy("\(error)")
        } catch {
            logger.critical("cannot open the database: \(error)", metadata: ["path": "\(cfg.database.path)"])
            throw .unreadableLog("\(error)")
        }
    }

    private func openHall(_ cfg: CounterdConfig, store: EventStore) throws(HallStartError) -> Hall {
        let clockLogger = Logger(label: "counterd.clock")
        let offset = options.clockOffsetFile.map(ClockOffsetFile.init)
        let clock = SteadyClock(source: { offset.map { Date().addingTimeInterval($0.seconds) } ?? Date() }) { by, adopted in
            Counter(label: "counterd_clock_steps_total", dimensions: [("adopted", adopted ? "yes" : "no")]).increment()
            if adopted {
                clockLogger.warning("the system clock stepped; the hall follows it", metadata: ["seconds": "\(Int(by.rounded()))"])
            } else {
                clockLogger.warning("the system clock stepped back; the hall keeps its own time until no service is open and the clock has passed the last event",
                                    metadata: ["seconds": "\(Int(by.rounded()))"])
            }
        }
        do {
            return try Hall(setup: cfg.setup, store: store, clock: clock, logger: Logger(label: "counterd.hall"))
        } catch {
            // The live state is the fold of the log: a start that skipped an event would run on a wrong state.
            logger.critical("cannot start: \(error)", metadata: ["path": "\(cfg.database.path)"])
            throw .unreadableLog("\(error)")
        }
    }

    /// The runtime directory (device and status files), or nil when it cannot be made.
    private func runtimeDirectory(_ cfg: CounterdConfig) -> String? {
        do {
            try FileManager.default.createDirectory(atPath: cfg.server.runtimeDirectory, withIntermediateDirectories: true)
            return cfg.server.runtimeDirectory
        } catch {
            logger.warning("no runtime directory; `counterctl devices` will not see this process", metadata: [
                "path": "\(cfg.server.runtimeDirectory)", "error": "\(error)"])
            return nil
        }
    }

    /// The demo's hardware, simulated on pseudo-terminals and found like any fixed-path device. It needs the Modbus
    /// evaluator profile; without it the demo drives the hall with plain commands.
    private func makeDemoDevices(_ cfg: inout CounterdConfig, library: ProfileLibrary) throws(HallStartError) -> DemoDevices? {
        guard options.demo != nil else { return nil }
        guard library.profiles["modbus-rtu-evaluator"] != nil else {
            logger.warning("no modbus-rtu-evaluator profile in \(options.profilesDirectory): the demo runs without simulated devices")
            return nil
        }
        do {
            let sim = try DemoDevices(windows: cfg.setup.windows.map(\.number), withScreens: library.displays["display-strip-gbk"] != nil)
            cfg.devices += sim.bindings
            if cfg.kiosk.printer == nil { cfg.kiosk.printer = "demo-printer" }
            return sim
        } catch {
            logger.warning("demo: no simulated devices (\(error)); the demo drives the hall with plain commands")
            return nil
        }
    }

    private func loadGuides(_ cfg: CounterdConfig) -> [String: ServiceGuide] {
        let dir = options.guidesDirectory
        let (book, issues) = ServiceGuide.loadAll(directory: dir)
        for issue in issues { logger.error("办事指南 file error in \(dir): \(issue)") }
        for issue in ServiceGuide.disagreements(guides: book, categories: cfg.setup.categories) {
            logger.error("办事指南 and checklist disagree (the guide shows the checklist): \(issue)", metadata: ["directory": "\(dir)"])
        }
        let unknown = book.keys.filter { cfg.setup.category($0) == nil }.sorted()
        if !unknown.isEmpty {
            logger.warning("办事指南 files for no configured category: \(unknown.joined(separator: ", "))", metadata: ["directory": "\(dir)"])
        }
        return book
    }

    /// Appointments and reminder numbers: personal data, in their own file, only when a feature needs it.
    private func openCitizens(_ cfg: CounterdConfig) -> CitizenStore? {
        guard cfg.kiosk.appointments || cfg.kiosk.reminder != nil else { return nil }
        let path = CitizenStore.path(besideDatabase: cfg.database.path)
        do { return try CitizenStore(path: path) } catch {
            logger.error("cannot open the citizens database: no appointment check-in or reminders", metadata: ["path": "\(path)", "error": "\(error)"])
            return nil
        }
    }

    private func openAccounts(_ cfg: CounterdConfig) -> AccountStore? {
        do {
            let accounts = try AccountStore(path: cfg.accountsPath)
            if options.demo != nil { try DemoAccounts.ensure(in: accounts, logger: logger) }
            return accounts
        } catch {
            // The hall still serves its devices and token holders; people cannot sign in until it is fixed.
            logger.error("cannot open the accounts database: nobody can sign in", metadata: ["path": "\(cfg.accountsPath)", "error": "\(error)"])
            return nil
        }
    }

    /// The push to the provincial 好差评 platform: the outbox fills either way; with transport = "http" the pusher
    /// delivers it.
    private func makePusher(_ cfg: CounterdConfig, store: EventStore, hall: Hall) throws(HallStartError) -> (PlatformPusher?, PlatformHealth?) {
        guard let p = cfg.platform else { return (nil, nil) }
        let health = PlatformHealth(PlatformStatus(configured: true, transport: p.transport.rawValue, profile: p.profile, url: p.url,
                                                   alertAfterMinutes: p.alertAfterMinutes))
        if p.transport == .file { logger.info("好差评 records are kept for a manual upload ([platform] transport = \"file\")") }
        guard p.transport == .http, let url = p.url else { return (nil, health) }
        // Only the pusher needs the profile here; the file drop reads it in counterctl.
        let profile: PlatformProfile
        switch PlatformProfileFile.load(p.profile, directory: options.platformsDirectory) {
        case .success(let loaded): profile = loaded
        case .failure(let e):
            for issue in e.issues { logger.critical("config error: \(options.configPath): \(issue)") }
            throw .config(e.issues.map { "\($0)" })
        }
        let builder = PlatformRecordBuilder(store: store, setup: cfg.setup, profile: profile, indicators: cfg.ratings.indicators)
        let pusher = PlatformPusher(store: store, builder: builder, target: .init(
            url: url, authHeader: p.authHeader, authTokenFile: p.authTokenFile, timeout: .milliseconds(Int64(p.timeoutSeconds * 1000)),
            retryFirst: p.retryFirstSeconds, retryMax: p.retryMaxSeconds, alertAfterMinutes: p.alertAfterMinutes),
            hub: hall.hub, health: health, setup: { await hall.setup }, wallClock: { hall.now })
        return (pusher, health)
    }

    /// The log's shipping to the district: the hall never waits for it.
    private func makeShipper(_ cfg: CounterdConfig, store: EventStore, hall: Hall, events: Int64) -> (LogShipper?, ShipHealth?) {
        guard let d = cfg.district else { return (nil, nil) }
        let health = ShipHealth(ShipStatus(url: d.url, hallId: d.hallID, acked: (try? store.shipCursor(LogShipper.cursorName)) ?? 0, last: events))
        let shipper = LogShipper(store: store, target: .init(url: d.url, hallID: d.hallID, tokenFile: d.tokenFile, batchSize: d.batchSize,
                                                             retryFirst: d.retryFirstSeconds, retryMax: d.retryMaxSeconds,
                                                             heartbeat: d.heartbeatSeconds),
                                 hub: hall.hub, health: health,
                                 setup: { [indicators = cfg.ratings.indicators, rules = cfg.alerts.rules] in
                                     await hall.setup.reportSetup(indicators: indicators, opensAt: rules.opensAt, closesAt: rules.closesAt)
                                 }, wallClock: { hall.now })
        return (shipper, health)
    }

    /// The demo's citizens take their tickets at the kiosk, so every ticket is printed (and kept as text).
    private func demoServices(_ demo: HallOptions.Demo, cfg: CounterdConfig, hall: Hall, kiosk: KioskDesk,
                              devices: DemoDevices?) -> [(ServiceStage, any Service)] {
        let issue: @Sendable (String, String?) async -> Void = { category, reason in
            _ = await kiosk.take(category: category, priority: reason != nil, details: IssueDetails(priorityReason: reason), kiosk: "demo")
        }
        var out: [(ServiceStage, any Service)] = [
            (.control, DemoTrafficService(traffic: DemoTraffic(hall: hall, actions: devices, speed: demo.speed, issue: devices == nil ? nil : issue,
                                                               seed: demo.seed, staff: DemoTraffic.demoStaff))),
        ]
        if let printer = devices?.printer {
            let dir = (cfg.database.path as NSString).deletingLastPathComponent + "/printed"
            out.append((.control, PrintedReceipts(printer: printer, directory: dir, logger: logger)))
            logger.notice("demo: every printed ticket is kept as text in \(dir)/")
        }
        return out
    }

    /// The addresses, at notice level so they show at the default log level and in the journal alike.
    static func announce(_ logger: Logger, hall: String, base: String, demo: Bool) {
        logger.notice("counterd is running — \(hall)")
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
        if demo {
            logger.notice("demo tokens: display=demo-display manager=demo-manager kiosk=demo-kiosk window N=demo-window-N")
            logger.notice("demo accounts: admin / demo-admin, manager / demo-manager, supervisor / demo-supervisor")
            logger.notice("try: curl -H 'Authorization: Bearer demo-manager' '\(base)/api/reports/windows'")
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
