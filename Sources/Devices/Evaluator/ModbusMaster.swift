import Codecs
import Foundation
import Synchronization

/// One request at a time on a half-duplex RS-485 line: write, then collect bytes until the response
/// decodes, its CRC fails, or the timeout passes. It sleeps until the reader has new bytes or the
/// deadline comes, never on a polling timer.
final class ModbusMaster: Sendable {
    enum Failure: Error, Equatable {
        case timeout
        case bad(ModbusRTU.DecodeError)
        case exception(UInt8)
        case closed
    }

    struct State {
        var bytes: [UInt8] = []
        var closed = false
    }
    final class Box: Sendable {
        let m = Mutex(State())
        func withLock<T>(_ body: (inout State) -> T) -> T { m.withLock { body(&$0) } }
    }
    private let state = Box()
    /// Raised by the reader for every chunk, and when the line closes.
    private let arrived = WakeSignal()
    private let connection: any ByteConnection
    private let reader: Task<Void, Never>
    /// The silence that ends an RTU frame (3.5 characters), kept between transactions.
    let gapSeconds: Double

    init(connection: any ByteConnection, baud: Int) {
        self.connection = connection
        gapSeconds = ModbusRTU.frameSeconds(bytes: 0, baud: baud)
        let state = self.state, arrived = self.arrived
        reader = Task {
            do {
                for try await chunk in connection.inbound {
                    state.withLock { $0.bytes += chunk }
                    arrived.raise()
                }
            } catch {}
            state.withLock { $0.closed = true }
            arrived.raise()
        }
    }

    deinit { reader.cancel() }

    var isClosed: Bool { state.withLock { $0.closed } }

    func transact(_ request: ModbusRTU.Request, timeout: Double) async throws(Failure) -> ModbusRTU.Response {
        state.withLock { $0.bytes.removeAll() }
        // The write returns once the request is on the wire: the reply's timeout counts from there.
        do { try await connection.write(request.bytes) } catch { throw .closed }
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline {
            let (bytes, closed) = state.withLock { ($0.bytes, $0.closed) }
            if closed { throw .closed }
            if !bytes.isEmpty {
                switch ModbusRTU.decode(bytes, for: request) {
                case .success((let response, _)):
                    try? await Task.sleep(for: .microseconds(Int(gapSeconds * 1_000_000)))
                    if case .exception(let code) = response { throw .exception(code) }
                    return response
                case .failure(.needMore): break
                case .failure(let e):
                    // Let the rest of a corrupt frame arrive and be discarded before the next request.
                    try? await Task.sleep(for: .milliseconds(Int(max(gapSeconds * 1000, 2))))
                    throw .bad(e)
                }
            }
            let left = deadline - ContinuousClock.now
            await arrived.wait(seconds: Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18)
        }
        throw .timeout
    }
}
