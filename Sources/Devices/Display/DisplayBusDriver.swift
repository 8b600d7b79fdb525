import Codecs
import Foundation
import HallModel
import Logging
import Metrics
import Synchronization

/// LED screens on one line (RS-485 or a single serial screen): window screens and hall screens, all of
/// one profile. Every committed call, recall and window change becomes content for the screens it
/// concerns; `DisplayScheduler` decides what goes on the wire when. Only committed events are shown.
public struct DisplayBusDriver: DeviceDriver {
    public let profile: DisplayProfile
    /// Screen address → window; window 0 is a hall screen.
    public let screens: [UInt8: Int]
    public let templates: DisplayTemplates
    public let hall: any HallGateway
    public let baud: Int
    /// The scheduler's time and the driver's waits, on the injected clock (a test clock in tests).
    private let elapsed: @Sendable () -> Duration
    private let sleep: @Sendable (Duration) async -> Void

    public init<C: Clock>(profile: DisplayProfile, screens: [UInt8: Int], templates: DisplayTemplates, hall: any HallGateway,
                          baud: Int = 9600, clock: C = ContinuousClock()) where C.Duration == Duration {
        self.profile = profile
        self.screens = screens
        self.templates = templates
        self.hall = hall
        self.baud = baud
        let start = clock.now
        elapsed = { start.duration(to: clock.now) }
        sleep = { d in try? await clock.sleep(for: d) }
    }

    /// Seconds since the driver was made, for `DisplayScheduler`.
    func seconds() -> Double {
        let d = elapsed()
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    public func run(_ connection: any ByteConnection, context: DriverContext) async throws {
        let profile = self.profile, screens = self.screens, hall = self.hall, templates = self.templates
        let scheduler = Mutex(DisplayScheduler(gap: Double(profile.minimumGapMilliseconds) / 1000, retries: max(1, profile.retries),
                                               refreshSeconds: Double(profile.refreshSeconds)))
        let wake = WakeSignal()
        let device = context.binding.id
        @Sendable func submit(_ target: ScreenTarget, _ content: ScreenContent) {
            let priority: DisplayScheduler.Priority = content.kind == .call ? .call : .idle
            scheduler.withLock { s in
                for (address, window) in screens where (target == .hall && window == 0) || target == .window(window) {
                    s.submit(profile.frame(address: address, content: content, hallScreen: window == 0), to: address, priority: priority)
                }
            }
            wake.raise()
        }
        // Subscribe before reading the state, so no event falls between the two.
        let events = hall.committedEvents()
        let planner = ScreenPlanner(setup: await hall.setup(), templates: templates)
        for window in Set(screens.values) {
            submit(window == 0 ? .hall : .window(window), window == 0 ? planner.hallIdle : planner.rest(window: window, state: await hall.window(window)))
        }
        let watcher = Task {
            var planner = planner
            var plannedAt = seconds()
            for await stored in events {
                let e = stored.event
                guard let w = e.window, [.ticketCalled, .ticketRecalled, .ticketCalledBack, .ticketFinished, .ticketNoShow, .ticketParked,
                                         .ticketTransferred, .clerkSignedIn, .clerkSignedOut, .windowPaused, .windowResumed].contains(e.kind)
                else { continue }
                let isCall = [.ticketCalled, .ticketRecalled, .ticketCalledBack].contains(e.kind)
                // Names come from the hall's setup, read again every few seconds (a reloaded config) but not on
                // the path of a call: a call needs nothing but the event itself.
                if !isCall && seconds() - plannedAt > 2 {
                    planner = ScreenPlanner(setup: await hall.setup(), templates: templates)
                    plannedAt = seconds()
                }
                let state = isCall ? nil : await hall.window(w)
                for (target, content) in planner.contents(for: e, window: state) { submit(target, content) }
            }
        }
        defer { watcher.cancel() }

        let master = profile.wire == .modbusLED ? ModbusMaster(connection: connection, baud: baud) : nil
        while !Task.isCancelled {
            let now = seconds()
            guard let job = scheduler.withLock({ $0.next(now: now) }) else {
                let until = scheduler.withLock { $0.wake(now: now) } ?? now + 1
                await wake.wait(seconds: min(1, max(0.001, until - now)), sleep: sleep)
                continue
            }
            var ok = true
            switch job.frame {
            case .bytes(let bytes):
                try await connection.write(bytes)
                context.sent(bytes.count)
            case .modbus(let requests):
                for request in requests where ok {
                    do {
                        _ = try await master!.transact(request, timeout: profile.replyTimeout(for: request, baud: baud).inSeconds)
                        context.sent(request.bytes.count)
                    } catch {
                        if error == .closed { throw LinkError.endOfFile }
                        ok = false
                        context.droppedFrame("screen \(job.address): \(error)")
                    }
                }
            }
            Counter(label: "counterd_display_frames_total", dimensions: [("device", device), ("result", ok ? "ok" : "failed")]).increment()
            let died = scheduler.withLock { $0.completed(job, ok: ok, now: seconds()) }
            if ok {
                Gauge(label: "counterd_display_screen_up", dimensions: [("device", device), ("address", String(job.address))]).record(1)
            } else if died {
                Gauge(label: "counterd_display_screen_up", dimensions: [("device", device), ("address", String(job.address))]).record(0)
                context.logger.warning("screen not answering; retrying it every 5 s", metadata: ["device": "\(device)", "address": "\(job.address)"])
            }
        }
        // Stopping: every screen says the window is closed rather than showing a stale call.
        let closing = screens.map { address, window in
            profile.frame(address: address, content: window == 0 ? planner.hallIdle : planner.rest(window: window, state: nil), hallScreen: window == 0)
        }
        let gap = profile.minimumGapMilliseconds, sleep = self.sleep, baud = self.baud
        await Task.detached {
            for frame in closing {
                await sleep(.milliseconds(gap))
                switch frame {
                case .bytes(let bytes): try? await connection.write(bytes)
                case .modbus(let requests):
                    for r in requests { _ = try? await master?.transact(r, timeout: min(profile.replyTimeout(for: r, baud: baud).inSeconds, 0.2)) }
                }
            }
        }.value
        throw LinkError.endOfFile
    }
}
