import Codecs
import Devices
import Foundation
import HallModel
import Logging
import Metrics
import ServiceLifecycle
import Store

/// Supervision (电子监察): every few seconds, the conditions of `AlertRules` against the live hall and the
/// device health; a condition that starts to hold is raised once (`alert_raised` in the log), one that
/// stops is cleared once (`alert_cleared`). Each 差评 raises a `bad_rating` alert when its case opens.
/// The dashboard shows them from /api/events; `AlertWebhook` sends them on.
public actor AlertMonitor: Service {
    private let hall: Hall
    private var rules: AlertRules
    private let devices: @Sendable () -> [AlertRules.DeviceState]
    private let logger: Logger
    private let interval: Double
    /// Raised and not cleared, by key.
    public private(set) var active: [String: SupervisionAlert] = [:]
    private var restored = false

    private let events: AsyncStream<StoredEvent>
    private let clock: any Clock<Duration>
    private var platform: PlatformHealth?

    /// Raises `platform_backlog` while the pusher's oldest pending record is too old.
    public func watch(platform: PlatformHealth?) { self.platform = platform }

    /// Checks every `interval` seconds on `clock`.
    public init(hall: Hall, rules: AlertRules, interval: Double = 5, clock: any Clock<Duration> = ContinuousClock(),
                logger: Logger = Logger(label: "counterd.alerts"), devices: @escaping @Sendable () -> [AlertRules.DeviceState]) {
        self.clock = clock
        self.hall = hall
        self.rules = rules
        self.interval = interval
        self.logger = logger
        self.devices = devices
        // Subscribed now, so no case opened after the monitor exists is missed.
        self.events = hall.hub.subscribe()
    }

    public func reconfigure(_ rules: AlertRules) { self.rules = rules }

    /// The alerts raised and not cleared since the day started, from the log: a restart does not raise
    /// them again.
    func restore() {
        guard !restored else { return }
        restored = true
        for e in (try? hall.store.eventsSinceLastDayStart()) ?? [] {
            switch e.event {
            case .alertRaised(let a):
                // An alert of a kind this version does not know is not a condition it can clear.
                guard let kind = SupervisionAlert.Kind(rawValue: a.reason), kind != .badRating else { continue }
                active[a.alert] = SupervisionAlert(kind: kind, key: a.alert, window: a.window, ticket: a.ticket, number: a.number,
                                                   device: a.device, message: a.note)
            case .alertCleared(let a):
                active[a.alert] = nil
            default:
                continue
            }
        }
        // A new day's start empties the hall: whatever held yesterday is judged afresh.
    }

    /// Compares the conditions now with the active set; raises and clears the difference.
    public func check() async {
        restore()
        let (setup, state, now) = await hall.snapshot()
        let backlog = platform.map(\.status).flatMap { s in
            s.backlogAlert ? (pending: s.pending, oldestMinutes: Int((s.oldestPendingSeconds ?? 0) / 60)) : nil
        }
        let current = rules.conditions(setup: setup, state: state, now: now, devices: devices(), platformBacklog: backlog)
        let keys = Set(current.map(\.key))
        for a in current where active[a.key] == nil {
            if await record(a, raised: true) { active[a.key] = a }
        }
        for (key, a) in active where !keys.contains(key) {
            if await record(a, raised: false) { active[key] = nil }
        }
        Gauge(label: "counterd_alerts_active").record(active.count)
    }

    private func record(_ a: SupervisionAlert, raised: Bool) async -> Bool {
        do {
            try await hall.execute(.alert(a, raised: raised), source: "supervision")
            if raised {
                Counter(label: "counterd_alerts_total", dimensions: [("kind", a.kind.rawValue)]).increment()
                logger.warning("supervision alert: \(a.message)", metadata: ["alert": "\(a.key)"])
            } else {
                logger.notice("supervision alert cleared", metadata: ["alert": "\(a.key)"])
            }
            return true
        } catch {
            logger.error("could not record a supervision alert", metadata: ["alert": "\(a.key)", "error": "\(error)"])
            return false
        }
    }

    /// A bad rating's case opened: one alert for it (each case_opened is published once; the alert is an
    /// instant, not a condition, so it is neither kept as active nor cleared).
    func badRating(_ e: CaseOpened) async {
        let a = SupervisionAlert(kind: .badRating, key: "bad_rating:\(e.ticket)", window: e.window, ticket: e.ticket, number: e.number,
                                 message: "\(e.window) 号窗口 \(e.number) 差评（\(e.level.chineseName)），请在 \(e.dueDay) 前回访整改")
        _ = await record(a, raised: true)
    }

    public func run() async throws {
        let events = self.events
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                for await stored in events {
                    if case .caseOpened(let e) = stored.event { await self.badRating(e) }
                }
            }
            group.addTask { [self] in
                while !Task.isCancelled {
                    await self.check()
                    try? await self.clock.sleep(for: .milliseconds(Int(self.interval * 1000)))
                }
            }
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }
}

extension AlertRules.DeviceState {
    /// How long a device may take to connect (at start, after a replug) before it counts as down.
    public static let connectGrace: TimeInterval = 15

    /// Counter hardware as the alert rules see it; nil for what is not counter hardware (the voice player has its own
    /// health entry and warnings). A printer that cannot print (paper out, cover open …) is a fault staff must fix,
    /// though connected; paper near its end is not.
    public static func observed(_ health: DeviceHealth, printer: PrinterStatus?, now: Date) -> Self? {
        guard let role = DeviceRole(rawValue: health.role) else { return nil }
        let fault = role == .printer ? printer.flatMap { $0.canPrint ? nil : $0.faults.map(\.zh).joined(separator: "，") } : nil
        return Self(id: health.id, window: health.window, up: health.state == .connected || now.timeIntervalSince(health.since) < connectGrace,
                    fault: fault)
    }
}
