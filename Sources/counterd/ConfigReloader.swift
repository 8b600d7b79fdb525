import Access
import Devices
import Foundation
import HallConfig
import HallModel
import HallRuntime
import Logging
import ServiceLifecycle
import UnixSignals
import Web

/// SIGHUP (`systemctl reload counterd`): reads the config again and applies windows, categories, clerks,
/// tokens and devices without dropping the queue or any device whose binding did not change. A config
/// that does not parse, whose devices do not check, or that would strand a ticket is refused as a whole
/// with every reason logged, and the running config stays.
actor ConfigReloader {
    private let path: String
    private let profilesDirectory: String
    private let overrides: @Sendable (inout CounterdConfig) -> Void
    /// Devices the config does not list but this process added (the demo's simulated lines).
    private let extraBindings: [DeviceBinding]
    private let hall: Hall
    private let devices: DeviceService
    private let web: WebDependencies
    private let kiosk: KioskDesk
    private let room: PrinterRoom
    private let monitor: AlertMonitor
    private let notifier: SystemdNotifier
    private let logger: Logger
    private var current: CounterdConfig
    private var profiles: ProfileLibrary

    init(path: String, profilesDirectory: String, overrides: @escaping @Sendable (inout CounterdConfig) -> Void,
         extraBindings: [DeviceBinding], current: CounterdConfig, profiles: ProfileLibrary, hall: Hall,
         devices: DeviceService, web: WebDependencies, kiosk: KioskDesk, room: PrinterRoom, monitor: AlertMonitor, notifier: SystemdNotifier, logger: Logger) {
        self.monitor = monitor
        self.kiosk = kiosk
        self.room = room
        self.path = path
        self.profilesDirectory = profilesDirectory
        self.overrides = overrides
        self.extraBindings = extraBindings
        self.current = current
        self.profiles = profiles
        self.hall = hall
        self.devices = devices
        self.web = web
        self.notifier = notifier
        self.logger = logger
    }

    /// Returns whether the new config was applied.
    @discardableResult
    func reload() async -> Bool {
        notifier.notify("RELOADING=1\nSTATUS=Reloading \(path)")
        defer { notifier.notify("READY=1") }
        var cfg: CounterdConfig
        do {
            cfg = try CounterdConfig.load(path: path)
        } catch {
            return refuse(error.issues.map { "\(error.file): \($0)" })
        }
        overrides(&cfg)
        cfg.devices += extraBindings
        if cfg.kiosk.printer == nil, let demoPrinter = extraBindings.first(where: { $0.role == .printer }) { cfg.kiosk.printer = demoPrinter.id }
        let (library, profileIssues) = ProfileLibrary.load(directory: profilesDirectory)
        let factory = DriverFactory(hall: HallGatewayAdapter(hall: hall), profiles: library, templates: cfg.display, room: room)
        let bindingIssues = factory.check(cfg.devices).map { "\(path): \($0)" }
        if !bindingIssues.isEmpty { return refuse(bindingIssues + profileIssues.map { "profile: \($0)" }) }
        for issue in profileIssues { logger.error("profile error: \(issue)") }

        let change = await hall.reconfigure(cfg.setup)
        if !change.conflicts.isEmpty { return refuse(change.conflicts) }

        // Evaluators whose profile file changed restart with it even if their binding is the same.
        let restart = Set(cfg.devices.compactMap { b -> String? in
            let isDisplay = b.role == .windowDisplay || b.role == .hallDisplay
            // Screens carry the wording: new templates restart them.
            if isDisplay && cfg.display != current.display { return b.id }
            guard let p = b.profile, profiles.profiles[p] != library.profiles[p] || profiles.displays[p] != library.displays[p] else { return nil }
            return b.id
        })
        let devicesChange = await devices.supervisor.reconfigure(cfg.devices, restart: restart, driverFor: { factory.driver(for: $0) })
        web.reconfigure(access: AccessControl(tokens: cfg.tokens, clerkPINs: cfg.clerkPINs), reports: Reports(store: hall.store, setup: cfg.setup), templates: cfg.display,
                        ratings: RatingRules(indicators: cfg.ratings.indicators, reasonRequiredForBad: cfg.ratings.reasonRequiredForBad))
        await kiosk.reconfigure(cfg.kiosk, printers: library.printerProfiles(for: cfg.devices))
        await monitor.reconfigure(cfg.alerts.rules)
        if cfg.alerts.webhook != current.alerts.webhook {
            logger.warning("config reload: [alerts] webhook changed; it takes effect at the next restart")
        }

        if cfg.server != current.server {
            logger.warning("config reload: the [server] section changed; it takes effect at the next restart")
        }
        if cfg.database != current.database {
            logger.warning("config reload: the [database] section changed; it takes effect at the next restart")
        }
        current = cfg
        profiles = library
        func list<T>(_ xs: [T]) -> String { xs.isEmpty ? "-" : xs.map { "\($0)" }.joined(separator: ",") }
        logger.notice("config reloaded", metadata: [
            "file": "\(path)",
            "windows_added": "\(list(change.addedWindows))", "windows_removed": "\(list(change.removedWindows))",
            "categories_added": "\(list(change.addedCategories))", "categories_removed": "\(list(change.removedCategories))",
            "clerks_added": "\(list(change.addedClerks))", "clerks_removed": "\(list(change.removedClerks))",
            "devices_added": "\(list(devicesChange.added))", "devices_removed": "\(list(devicesChange.removed))",
            "devices_changed": "\(list(devicesChange.changed))",
            "tokens": "\(cfg.tokens.count)",
        ])
        return true
    }

    private func refuse(_ reasons: [String]) -> Bool {
        for reason in reasons { logger.error("config reload refused: \(reason)") }
        logger.error("config reload refused; the running config stays", metadata: ["file": "\(path)", "reasons": "\(reasons.count)"])
        return false
    }
}

/// Turns SIGHUP into a reload.
struct ReloadService: Service {
    let reloader: ConfigReloader

    func run() async {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals { await reloader.reload() }
        }
    }
}
