import Devices
import Foundation
import HallModel
import Logging
import ServiceLifecycle

/// Runs the device supervisor under a ServiceGroup: discovery, hotplug, reconnects; records every device
/// coming and going in the log through the Hall; keeps the status file `counterctl devices` reads.
public struct DeviceService: Service {
    public let supervisor: DeviceSupervisor
    public let statusPath: String?
    let useUdev: Bool
    let logger: Logger

    public init(hall: Hall, bindings: [DeviceBinding], statusPath: String?, useUdev: Bool = true,
                board: HealthBoard = HealthBoard(), driverFor: @escaping @Sendable (DeviceBinding) -> any DeviceDriver = { _ in CountingDriver() },
                logger: Logger = Logger(label: "counterd.devices")) {
        self.supervisor = DeviceSupervisor(bindings: bindings, board: board, driverFor: driverFor, logger: logger, onChange: { change in
            let b = change.binding
            do {
                try await hall.execute(.deviceStatus(device: b.id, role: b.role.rawValue, window: b.window,
                                                     connected: change.connected, detail: change.detail), source: "device:\(b.id)")
            } catch {
                logger.error("cannot record device status", metadata: ["device": "\(b.id)", "error": "\(error)"])
            }
        })
        self.statusPath = statusPath
        self.useUdev = useUdev
        self.logger = logger
    }

    public func run() async {
        let udev = useUdev ? Udev() : nil
        if useUdev && udev == nil { logger.error("libudev is not usable here: only fixed device paths and TCP devices will work") }
        let board = supervisor.board
        let path = statusPath
        let logger = logger
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await supervisor.run(udev: udev) }
                if let path {
                    group.addTask {
                        // Rewritten within 200 ms of a change of state, error or warning, so `counterctl devices`
                        // is never stale for long; the byte counters, which move with every poll, every 5 s
                        // (encoding and writing the file five times a second cost more than polling 40 keypads).
                        var last = Data()
                        var warned = false
                        var seen = -1
                        var refreshed = ContinuousClock.now
                        while !Task.isCancelled {
                            do {
                                let revision = board.revision
                                if revision != seen || ContinuousClock.now - refreshed >= .seconds(5) {
                                    seen = revision
                                    refreshed = ContinuousClock.now
                                    let data = try board.encoded()
                                    if data != last {
                                        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
                                        last = data
                                    }
                                }
                            } catch where !warned {
                                logger.warning("cannot write device status file", metadata: ["path": "\(path)", "error": "\(error)"])
                                warned = true
                            } catch {}
                            // Asleep until a change (then 200 ms more, so a burst is one write) or the 5 s refresh: an
                            // idle hall's devices cost no wake-ups here.
                            await board.waitForChange(atMost: max(.milliseconds(10), .seconds(5) - (ContinuousClock.now - refreshed)))
                            try? await Task.sleep(for: .milliseconds(200))
                        }
                    }
                }
            }
        }
        if let path { try? board.write(to: path) }
    }
}
