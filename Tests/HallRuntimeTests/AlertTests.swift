import Clocks
@testable import Delivery
import Foundation
import HallModel
@testable import HallRuntime
import Store
import Synchronization
import TestSupport
import Testing

final class DeviceList: Sendable {
    private let value = Mutex<[AlertRules.DeviceState]>([AlertRules.DeviceState(id: "printer-1", window: nil, up: true)])
    func withLock<T>(_ body: (inout [AlertRules.DeviceState]) -> T) -> T { value.withLock { body(&$0) } }
}

/// Supervision alerts under a manual clock: each condition raised once while it holds, cleared once.
@Suite struct AlertTests {
    /// Monday 2026-11-23 10:00 in Beijing.
    static let monday10 = Date(timeIntervalSince1970: 1_795_399_200)

    struct Rig {
        let work: URL
        let clock = ManualClock(AlertTests.monday10)
        let hall: Hall
        let monitor: AlertMonitor
        let devices = DeviceList()

        init(timer: any Clock<Duration> = ContinuousClock()) throws {
            work = FileManager.default.temporaryDirectory.appendingPathComponent("alerts-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            let setup = HallSetup(name: "监察测试", categories: [ServiceCategory(code: "a", name: "户籍办理", prefix: "A", timeLimitMinutes: 20)],
                                  windows: [ServiceWindow(number: 1, name: "1号窗口", categories: ["a"]), ServiceWindow(number: 2, name: "2号窗口", categories: ["a"])],
                                  clerks: [Clerk(id: "c1", name: "张敏")])
            hall = try Hall(setup: setup, store: try EventStore(path: work.appendingPathComponent("a.sqlite").path), clock: clock)
            let devices = self.devices
            monitor = AlertMonitor(hall: hall, rules: AlertRules(waitMinutes: 30, opensAt: 9 * 60, closesAt: 17 * 60), clock: timer) {
                devices.withLock { $0 }
            }
        }

        func alerts() throws -> [(EventKind, String)] {
            try hall.store.events(after: 0).compactMap { e in e.event.alertChange.map { (e.event.kind, $0.alert) } }
        }
    }

    /// The running monitor checks every 5 s of its clock: a condition that starts to hold is raised at the
    /// next check, not before (a test clock, advanced; no waiting).
    @Test func theMonitorChecksOnItsClock() async throws {
        let timer = TestClock()
        let rig = try Rig(timer: timer)
        defer { try? FileManager.default.removeItem(at: rig.work) }
        try await rig.hall.execute(.signIn(window: 1, clerk: "c1"))
        try await rig.hall.execute(.issueTicket(category: "a", priority: false))
        let running = Task { try await rig.monitor.run() }
        defer { running.cancel() }
        // The first check runs at once (window 2 unstaffed while one waits), then the monitor sleeps.
        #expect(await eventually(5) { (try? rig.alerts().map(\.1)) == ["window_unstaffed:2"] })
        #expect(await eventually(5) { (try? await timer.checkSuspension()) == nil }, "the monitor sleeps on its clock")
        rig.clock.advance(by: 31 * 60)
        await timer.advance(by: .seconds(4))
        #expect(try rig.alerts().contains { $0.1.hasPrefix("long_wait") } == false, "not before the next check")
        await timer.advance(by: .seconds(1))
        #expect(await eventually(5) { (try? rig.alerts().contains { $0.1 == "long_wait:2026-11-23/A001" }) == true })
    }

    @Test func eachConditionIsRaisedOnceAndClearedOnce() async throws {
        let rig = try Rig()
        defer { try? FileManager.default.removeItem(at: rig.work) }
        try await rig.hall.execute(.signIn(window: 1, clerk: "c1"))
        try await rig.hall.execute(.issueTicket(category: "a", priority: false))
        await rig.monitor.check()
        // 10:00 on a Monday, window 2 has nobody while one person waits: unstaffed. Nothing else yet.
        #expect(try rig.alerts().map(\.1) == ["window_unstaffed:2"])
        rig.clock.advance(by: 31 * 60)
        await rig.monitor.check()
        await rig.monitor.check()
        #expect(try rig.alerts().map(\.1) == ["window_unstaffed:2", "long_wait:2026-11-23/A001"])
        // Called: the long wait and the unstaffed window (nobody waits now) both clear, once.
        try await rig.hall.execute(.callNext(window: 1))
        await rig.monitor.check()
        await rig.monitor.check()
        let kinds = try rig.alerts()
        #expect(kinds.filter { $0.0 == .alertCleared }.map(\.1).sorted() == ["long_wait:2026-11-23/A001", "window_unstaffed:2"])
        // Past the category's 20-minute limit: over time, until finished.
        rig.clock.advance(by: 21 * 60)
        await rig.monitor.check()
        #expect(try rig.alerts().last.map { "\($0.0.rawValue) \($0.1)" } == "alert_raised over_time:2026-11-23/A001")
        try await rig.hall.execute(.finish(window: 1, outcome: .immediate))
        await rig.monitor.check()
        #expect(try rig.alerts().last.map { "\($0.0.rawValue) \($0.1)" } == "alert_cleared over_time:2026-11-23/A001")
        // A device down, then back.
        rig.devices.withLock { $0[0].up = false }
        await rig.monitor.check()
        await rig.monitor.check()
        rig.devices.withLock { $0[0].up = true }
        await rig.monitor.check()
        #expect(try rig.alerts().suffix(2).map { "\($0.0.rawValue) \($0.1)" } == ["alert_raised device_down:printer-1", "alert_cleared device_down:printer-1"])
        // Connected but out of paper: a fault, raised once with its reason, cleared when refilled.
        rig.devices.withLock { $0[0].fault = "打印纸已用完" }
        await rig.monitor.check()
        await rig.monitor.check()
        rig.devices.withLock { $0[0].fault = nil }
        await rig.monitor.check()
        #expect(try rig.alerts().suffix(2).map { "\($0.0.rawValue) \($0.1)" } == ["alert_raised device_down:printer-1", "alert_cleared device_down:printer-1"])
        let note = try rig.hall.store.events(after: 0).last { $0.event.kind == .alertRaised }?.event.alertChange?.note
        #expect(note == "设备 printer-1 故障：打印纸已用完")
    }

    /// The oldest record for the 好差评 platform older than `alert_after_minutes`: raised once, cleared once drained.
    @Test func aPlatformBacklogIsAnAlertUntilItDrains() async throws {
        let rig = try Rig()
        defer { try? FileManager.default.removeItem(at: rig.work) }
        let health = PlatformHealth()
        await rig.monitor.watch(platform: health)
        let now = Date()
        func status(oldestMinutes: Double?, pending: Int) -> PlatformStatus {
            PlatformStatus(configured: true, transport: "http", profile: "offline-report-json",
                           summary: OutboxSummary(pending: pending, oldestPendingAt: oldestMinutes.map { now.addingTimeInterval(-$0 * 60) }),
                           now: now, problem: .unreachable, alertAfterMinutes: 60)
        }
        health.set(status(oldestMinutes: 59, pending: 3))
        await rig.monitor.check()
        #expect(try rig.alerts().contains { $0.1 == "platform_backlog" } == false, "not before the hour")
        health.set(status(oldestMinutes: 61, pending: 4))
        await rig.monitor.check()
        await rig.monitor.check()
        #expect(try rig.alerts().filter { $0.1 == "platform_backlog" }.map(\.0) == [.alertRaised])
        let note = try rig.hall.store.events(after: 0).last { $0.event.kind == .alertRaised }?.event.alertChange?.note
        #expect(note == "好差评平台推送积压：4 条记录未送达，最早的已等待 61 分钟")
        health.set(status(oldestMinutes: nil, pending: 0))
        await rig.monitor.check()
        #expect(try rig.alerts().filter { $0.1 == "platform_backlog" }.map(\.0) == [.alertRaised, .alertCleared])
        // A file drop is uploaded by hand: its backlog is no alert.
        #expect(!PlatformStatus(configured: true, transport: "file", summary: OutboxSummary(pending: 9, oldestPendingAt: now.addingTimeInterval(-86_400)),
                                now: now).backlogAlert)
    }

    @Test func noUnstaffedAlertOutsideOpeningHoursOrOnHolidays() throws {
        let setup = HallSetup(name: "x", categories: [ServiceCategory(code: "a", name: "甲", prefix: "A")],
                              windows: [ServiceWindow(number: 1, name: "1号窗口", categories: ["a"])], clerks: [],
                              rules: HallRules(scoreWeights: [0, 25, 50, 75, 100]))
        var state = HallState(setup: setup)
        state.day = "2026-11-23"
        state.waiting = [Ticket(id: "2026-11-23/A001", number: "A001", day: "2026-11-23", category: "a", priority: false, issuedAt: Self.monday10)]
        let rules = AlertRules(waitMinutes: 600)
        #expect(rules.conditions(setup: setup, state: state, now: Self.monday10, devices: []).map(\.key) == ["window_unstaffed:1"])
        let evening = Self.monday10.addingTimeInterval(8 * 3600)  // 18:00
        #expect(rules.conditions(setup: setup, state: state, now: evening, devices: []).isEmpty)
        var holiday = setup
        holiday.rules.workingCalendar = WorkingCalendar(holidays: ["2026-11-23"])
        #expect(rules.conditions(setup: holiday, state: state, now: Self.monday10, devices: []).isEmpty)
        let saturday = Self.monday10.addingTimeInterval(5 * 86400)
        #expect(rules.conditions(setup: setup, state: state, now: saturday, devices: []).map(\.kind) == [.longWait])
    }

    @Test func aRestartDoesNotRaiseAnActiveAlertAgain() async throws {
        let rig = try Rig()
        defer { try? FileManager.default.removeItem(at: rig.work) }
        rig.devices.withLock { $0[0].up = false }
        await rig.monitor.check()
        let again = AlertMonitor(hall: rig.hall, rules: AlertRules()) { rig.devices.withLock { $0 } }
        await again.check()
        #expect(try rig.alerts().map(\.1) == ["device_down:printer-1"])
    }

    @Test func aBadRatingRaisesOneAlert() async throws {
        let rig = try Rig()
        defer { try? FileManager.default.removeItem(at: rig.work) }
        let running = Task { try await rig.monitor.run() }
        defer { running.cancel() }
        try await rig.hall.execute(.signIn(window: 1, clerk: "c1"))
        try await rig.hall.execute(.issueTicket(category: "a", priority: false))
        try await rig.hall.execute(.callNext(window: 1))
        try await rig.hall.execute(.finish(window: 1, outcome: .immediate))
        try await rig.hall.execute(.rate(window: 1, level: .veryDissatisfied))
        #expect(await eventually(5) { (try? rig.alerts().contains(where: { $0.1.hasPrefix("bad_rating") })) == true })
        let bad = try rig.alerts().filter { $0.1.hasPrefix("bad_rating") }
        #expect(bad.map(\.1) == ["bad_rating:2026-11-23/A001"])
        let note = try rig.hall.store.events(after: 0).last { $0.event.kind == .alertRaised && $0.event.alertChange?.reason == "bad_rating" }?.event.alertChange?.note
        #expect(note?.contains("非常不满意") == true && note?.contains("2026-12-14") == true, "\(note ?? "")")
    }

    /// Over IPv4 and IPv6 loopback: two refusals, then delivered; the next alert once, in order.
    @Test(arguments: [false, true]) func theWebhookRetriesUntilDelivered(ipv6: Bool) async throws {
        let receiver = try Receiver(failures: 2, ipv6: ipv6)
        let hub = EventHub()
        let host = ipv6 ? "[::1]" : "127.0.0.1"
        let webhook = AlertWebhook(target: try #require(AlertWebhook.Target(url: "http://\(host):\(receiver.port)/hook")), hub: hub,
                                   maxAttempts: 5, firstPause: 0.05)
        let running = Task { try await webhook.run() }
        defer { running.cancel() }
        let e = EventRecord(at: Self.monday10, day: "2026-11-23", .alertRaised(AlertChange(
            alert: "device_down:printer-1", reason: "device_down", note: "设备 printer-1 断开")))
        _ = hub.publish([StoredEvent(seq: 7, record: e)])
        #expect(await eventually(5) { receiver.requests.count >= 3 })
        let requests = receiver.requests
        #expect(requests.count == 3, "two failures, then delivered")
        #expect(requests.allSatisfy { $0.hasPrefix("POST /hook HTTP/1.1") && $0.contains("\"alert\":\"device_down:printer-1\"") && $0.contains("\"seq\":7") })
        // A second alert goes out once, after the first: nothing is sent again.
        let cleared = EventRecord(at: Self.monday10, day: "2026-11-23", .alertCleared(AlertChange(
            alert: "device_down:printer-1", reason: "device_down", note: "设备 printer-1 断开")))
        _ = hub.publish([StoredEvent(seq: 8, record: cleared)])
        #expect(await eventually(5) { receiver.requests.count >= 4 })
        #expect(receiver.requests.count == 4 && receiver.requests[3].contains("\"seq\":8"), "\(receiver.requests.count) requests")
    }

    typealias Receiver = WebhookReceiver
}

extension HallEvent {
    /// The alert an alert_raised or alert_cleared event is about.
    var alertChange: AlertChange? {
        switch self {
        case .alertRaised(let a), .alertCleared(let a): a
        default: nil
        }
    }
}
