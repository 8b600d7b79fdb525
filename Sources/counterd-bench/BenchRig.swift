import Access
import Devices
import Foundation
import HallModel
import HallRuntime
import Logging
import Store
import Web

/// What several benchmark parts set up the same way: counterd's HTTP side with a display token, and a keypad on a
/// pseudo-terminal read by its real driver.
enum BenchRig {
    /// counterd's HTTP side for `hall` on 127.0.0.1 (display token "bench"); nil when it did not start.
    static func server(hall: Hall, store: EventStore, setup: HallSetup) async -> (port: Int, task: Task<Void, any Error>)? {
        let deps = WebDependencies(hall: hall, access: AccessControl(tokens: [TokenEntry(role: .display, sha256: AccessControl.hash("bench"))]),
                                   reports: Reports(store: store, setup: setup))
        let (ports, portFeed) = AsyncStream<Int>.makeStream()
        let app = makeWebApplication(deps, host: "127.0.0.1", port: 0, logger: Logger(label: "bench")) { portFeed.yield($0) }
        let server = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            server.cancel()
            return nil
        }
        return (port, server)
    }

    /// A keyboard evaluator at `window` on a new pseudo-terminal, opened as the driver would; returns the master side
    /// (write key events to it) and the driver's task.
    static func keypad(window: Int, profile: EvaluatorProfile, gateway: HallGatewayAdapter,
                       report: @escaping @Sendable (String, HealthUpdate) -> Void = { _, _ in },
                       register: (DeviceBinding, String) -> Void = { _, _ in }) async throws -> (master: Int32, driver: Task<Void, Never>) {
        var m: Int32 = 0, s: Int32 = 0
        var name = [CChar](repeating: 0, count: 128)
        guard openpty(&m, &s, &name, nil, nil) == 0 else { throw POSIXError(.EMFILE) }
        let slavePath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let connection = try await SerialLink(path: slavePath).open()
        close(s)
        let binding = DeviceBinding(id: "eval-\(window)", role: .evaluator, window: window, transport: .evdev)
        register(binding, slavePath)
        let context = DriverContext(binding: binding, logger: Logger(label: "bench")) { report("eval-\(window)", $0) }
        let driver = KeyEvaluatorDriver(profile: profile, window: window, hall: gateway)
        return (m, Task { try? await driver.run(connection, context: context) })
    }
}
