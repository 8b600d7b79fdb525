import Access
import Devices
import Foundation
import HallConfig
import HallModel
import HallRuntime
import Kiosk
import Logging
import ServiceLifecycle
import UnixSignals
import Web

/// SIGHUP (`systemctl reload counterd`): reads the config again and applies windows, categories, clerks,
/// tokens and devices without dropping the queue or any device whose binding did not change. A config
/// that does not parse, whose devices do not check, or that would strand a ticket is refused as a whole
/// with every reason logged, and the running config stays.
actor ConfigReloader: SetupEditing {
    private let path: String
    private let profilesDirectory: String
    /// 办事指南 files, read again on every reload.
    var guidesDirectory: String?

    /// Where scanners' codes go, for the drivers a reload makes.
    var scans: ScanSink?

    func setGuides(_ directory: String, scans: ScanSink?) {
        guidesDirectory = directory
        self.scans = scans
    }
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
        switch load(editsText: nil) {
        case .failure(let r): return refuse(r.reasons)
        case .success(let cfg):
            let (refused, _) = await apply(cfg, origin: "file", source: "reload")
            return refused.isEmpty ? true : refuse(refused)
        }
    }

    /// counterd.toml with the setup edits (`editsText`, or the edits file) and this process's overrides.
    private func load(editsText: String?) -> Result<CounterdConfig, Refused> {
        var cfg: CounterdConfig
        do {
            cfg = try CounterdConfig.load(path: path, editsText: editsText, editsFile: current.setupEdits)
        } catch {
            return .failure(Refused(reasons: error.issues.map { "\(error.file): \($0)" }, reasonsZh: error.issues.map(ConfigWords.zh)))
        }
        prepare(&cfg)
        return .success(cfg)
    }

    /// This process's overrides and extra devices, on a config as loaded.
    private func prepare(_ cfg: inout CounterdConfig) {
        overrides(&cfg)
        cfg.devices += extraBindings
        if cfg.kiosk.printer == nil, let demoPrinter = extraBindings.first(where: { $0.role == .printer }) { cfg.kiosk.printer = demoPrinter.id }
    }

    /// Applies a config as a reload would (after this process's overrides); the reasons it was refused, or none.
    func applyConfig(_ config: CounterdConfig) async -> [String] {
        var cfg = config
        prepare(&cfg)
        return await apply(cfg, origin: "file", source: "reload").refused
    }

    /// Checks a loaded config against the running hall and applies it; returns the reasons it was refused
    /// (empty: applied, with the change recorded in the log) and the change in words.
    private func apply(_ cfg: CounterdConfig, origin: String, source: String, zh: Bool = false) async -> (refused: [String], summary: String) {
        let (library, profileIssues) = ProfileLibrary.load(directory: profilesDirectory)
        var made = DriverFactory(hall: HallGatewayAdapter(hall: hall), profiles: library, templates: cfg.display, room: room)
        made.scans = scans
        let factory = made
        let bindingIssues = factory.check(cfg.devices).map { "\(path): \($0)" }
        if !bindingIssues.isEmpty { return (bindingIssues + profileIssues.map { "profile: \($0)" }, "") }
        for issue in profileIssues { logger.error("profile error: \(issue)") }

        let change = await hall.reconfigure(cfg.setup)
        if !change.conflicts.isEmpty { return (zh ? change.conflictsZh : change.conflicts, "") }

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
        var guides: [String: ServiceGuide]?
        if let dir = guidesDirectory {
            let (book, issues) = ServiceGuide.loadAll(directory: dir)
            for issue in issues { logger.error("办事指南 file error in \(dir): \(issue)") }
            guides = book
        }
        await kiosk.reconfigure(cfg.kiosk, printers: library.printerProfiles(for: cfg.devices), guides: guides)
        if cfg.kiosk.reminder != current.kiosk.reminder || cfg.kiosk.appointments != current.kiosk.appointments {
            logger.warning("config reload: [reminders] or [kiosk] appointments changed; it takes effect at the next restart")
        }
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
            "tokens": "\(cfg.tokens.count)", "origin": "\(origin)", "source": "\(source)",
        ])
        let summary = change.summaryZh
        do {
            _ = try await hall.execute(.recordSetupChange(SetupChanged(origin: origin, sections: cfg.editedSections, summary: summary)), source: source)
        } catch {
            logger.error("the setup change was applied but not recorded in the log", metadata: ["error": "\(error)"])
        }
        return ([], summary)
    }

    // MARK: The setup pages

    func tokens() async -> [TokenEntry] { current.tokens }

    /// Where each section comes from now, and its text.
    func overview() async -> SetupOverview {
        let edits = current.setupEdits
        let text = (try? edits.currentText()) ?? ""
        let owned = Set(edits.editedSections(text))
        return SetupOverview(configFile: path, editsFile: edits.path, sections: SetupEdits.sections.map {
            SetupSectionView(section: $0, origin: owned.contains($0) ? "admin" : "file", toml: SetupEdits.sectionText($0, configPath: path, editsText: text),
                             json: SetupEdits.sectionJSON($0, configPath: path, editsText: text))
        }, categories: current.setup.categories, clerks: current.setup.clerks)
    }

    /// A clerk's PIN reset: the clerks section as it runs, with that clerk's new hash, as an admin's edit.
    func resetPIN(clerk: String, hash: String, by principal: Principal) async -> (refused: [String], summary: String) {
        let text = (try? current.setupEdits.currentText()) ?? ""
        guard let toml = SetupEdits.clerksWithPIN(clerk, hash: hash, configPath: path, editsText: text) else {
            return (["没有工作人员 \(clerk)"], "")
        }
        let (refused, _) = await edit(section: "clerks", toml: toml, by: principal)
        return (refused, refused.isEmpty ? "[clerks] \(clerk) 的签到 PIN 已重设" : "")
    }

    /// An admin's edit: checked as counterd.toml with the new edits, applied like a reload, and only then
    /// written to the edits file, so a refused edit leaves both the running hall and the file as they were.
    func edit(section: String, toml: String?, by principal: Principal) async -> (refused: [String], summary: String) {
        let edits = current.setupEdits
        let previousJSON = SetupEdits.sectionJSON(section, configPath: path, editsText: (try? edits.currentText()) ?? "")
        let newText: String
        do {
            newText = try edits.replacing(section, with: toml, in: try edits.currentText())
        } catch {
            return (error.issues.map { "配置检查未通过：\(ConfigWords.zh($0))" }, "")
        }
        let cfg: CounterdConfig
        switch load(editsText: newText) {
        case .failure(let r): return (r.reasonsZh.map { "配置检查未通过：\($0)" }, "")
        case .success(let c): cfg = c
        }
        let (refused, summary) = await apply(cfg, origin: "admin", source: principal.source, zh: true)
        if !refused.isEmpty {
            logger.error("setup edit refused", metadata: ["section": "\(section)", "by": "\(principal.source)", "reasons": "\(refused.joined(separator: "; "))"])
            return (refused, "")
        }
        do {
            try edits.write(newText)
        } catch {
            logger.critical("setup edit applied but not saved: it is lost at the next restart or reload", metadata: ["file": "\(edits.path)", "error": "\(error)"])
            return (["已生效，但无法写入 \(edits.path)（\(error)）：重启或重新加载后会丢失，请检查该目录的权限"], "")
        }
        // Say what changed: the section's own keys (a holiday added, an opening time moved), then the windows, categories
        // and clerks as the hall counts them; "无变化" only when nothing did.
        let afterJSON = SetupEdits.sectionJSON(section, configPath: path, editsText: (try? edits.currentText()) ?? "")
        let keys = ["windows", "categories", "clerks"].contains(section) ? "" : SectionChange.zh(section: section, before: previousJSON, after: afterJSON)
        let hallChange = summary == SetupChange.unchangedZh ? "" : summary
        let said = [keys, hallChange].filter { !$0.isEmpty }.joined(separator: "；")
        return ([], (toml == nil ? "[\(section)] 交还配置文件；" : "[\(section)] ") + (said.isEmpty ? "内容与原设置相同，无变化" : said))
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

/// A config that could not be loaded, with every reason.
struct Refused: Error {
    var reasons: [String]
    /// The same problems in Chinese, for the setup pages (`ConfigWords`).
    var reasonsZh: [String] = []
}
