import Codecs
import Foundation
import Synchronization
import TestSupport
import Testing
@testable import Devices

/// RS-485 half duplex on a real pty: after a request the line is the master's until the request has left
/// the UART (its wire time at the configured speed) and the turn-around delay has passed; only then does it
/// listen, and the next request follows the RTU silence after the reply.
@Suite struct WireTimingTests {
    static let requests = 7

    /// Both ways of running a line: read through the connection's stream (screens), and on the line's own
    /// thread (the evaluator poll).
    @Test(arguments: [false, true]) func theNextRequestWaitsForWireTimeTurnaroundAndSilence(ownThread: Bool) async throws {
        let pty = try PTY()
        let settings = SerialSettings(baud: 2400, turnaroundMilliseconds: 20)
        let connection = try await SerialLink(path: pty.path, settings: settings).open()
        pty.releaseSlave()
        defer { connection.close() }
        let master = ModbusMaster(connection: connection, baud: settings.baud, ownThread: ownThread)
        defer { master.stop() }
        // The keypad: stamps each request as it arrives and answers at once.
        let arrivals = Mutex<[ContinuousClock.Instant]>([])
        let device = Thread {
            for _ in 0..<Self.requests {
                let bytes = pty.read(count: 8, timeout: 5)
                guard bytes.count == 8, case .success((let request, _)) = ModbusRTU.parseRequest(bytes) else { return }
                arrivals.withLock { $0.append(.now) }
                pty.write(ModbusRTU.response(to: request, registers: [0, 0]))
            }
        }
        device.start()
        for _ in 0..<Self.requests {
            _ = try await master.transact(.readInput(unit: 1, address: 0, count: 2), timeout: 1)
        }
        #expect(await eventually(5) { arrivals.withLock { $0.count } == Self.requests })
        let times = arrivals.withLock { $0 }
        let request = settings.wireTime(bytes: 8)                         // 33.3 ms at 2400 8N1
        let silence = Duration.microseconds(Int(ModbusRTU.frameSeconds(bytes: 0, baud: 2400) * 1_000_000))
        let least = request + .milliseconds(20) + silence
        let spacings = zip(times, times.dropFirst()).map { $0.1 - $0.0 }.sorted()
        // The device thread stamps a request when the scheduler wakes it, a few ms late on a busy machine
        // (CI once saw 3.3 ms): one late stamp shortens one spacing. So the median must meet the line's
        // need within 2 ms, and every spacing within 7 ms — half the smallest part (the 14.6 ms RTU
        // silence), so a line that left out the wire time, the turn-around or the silence still fails.
        let median = spacings[spacings.count / 2]
        #expect(median >= least - .milliseconds(2), "median \(median) between requests; the line needs \(least); all: \(spacings)")
        #expect(spacings[0] >= least - .milliseconds(7), "requests \(spacings[0]) apart; the line needs \(least); all: \(spacings)")
    }
}
