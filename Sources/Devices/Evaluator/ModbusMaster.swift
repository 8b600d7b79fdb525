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

    /// The line run on its own thread, when the connection is a serial line that can be taken over.
    private let thread: ModbusLineThread?

    /// - Parameter ownThread: take a serial line over and run it on a thread of its own (the evaluator
    ///   poll loop); otherwise, and for other connections, the reply is read through `inbound`.
    init(connection: any ByteConnection, baud: Int, ownThread: Bool = false) {
        self.connection = connection
        gapSeconds = ModbusRTU.frameSeconds(bytes: 0, baud: baud)
        let state = self.state, arrived = self.arrived
        let holder = Mutex<ModbusLineThread?>(nil)
        if ownThread, let fd = connection as? FDConnection,
           let line = fd.takeOver(onClose: { holder.withLock { $0?.stop() } }) {
            let t = ModbusLineThread(line)
            holder.withLock { $0 = t }
            thread = t
            reader = Task {}
            return
        }
        thread = nil
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

    deinit { stop() }

    /// Ends the reader or the line's thread (which then closes the descriptor it was handed).
    func stop() {
        reader.cancel()
        thread?.stop()
        for c in streams.withLock({ s in defer { s.removeAll() }; return s }) { c.finish() }
    }

    /// Runs requests one after the other; with its own thread in one hop, so a poll cycle wakes the
    /// caller once. A request that times out is sent again up to `retries` times.
    func exchange(_ exchanges: [ModbusExchange]) async -> [ModbusOutcome] {
        if let thread { return await thread.run(exchanges) }
        var out: [ModbusOutcome] = []
        for e in exchanges {
            var retried = 0
            while true {
                do {
                    let r = try await transact(e.request, timeout: e.timeout.inSeconds)
                    out.append(ModbusOutcome(result: .success(r), bytes: [], timeoutsRetried: retried, strayBytes: 0))
                } catch {
                    if error == .timeout && retried < e.retries {
                        retried += 1
                        continue
                    }
                    out.append(ModbusOutcome(result: .failure(error), bytes: lastBytes, timeoutsRetried: retried, strayBytes: 0))
                }
                break
            }
        }
        return out
    }

    /// Polls `polls` every `interval` until the returned stream is dropped or the master stops, and
    /// yields only news (a first answer, a changed answer, a failure); `answered` gets the bytes of each
    /// cycle's answers. On its own thread, a quiet bus costs no async work at all. With `idleInterval`,
    /// units not marked urgent (`setUrgent`) are polled only that often.
    func poll(_ polls: [ModbusExchange], interval: Duration, idleInterval: Duration? = nil,
              answered: @escaping @Sendable (Int) -> Void) -> AsyncStream<[PollReport]> {
        let (stream, continuation) = AsyncStream.makeStream(of: [PollReport].self)
        streams.withLock { $0.append(continuation) }
        if let thread {
            let urgent = self.urgent
            thread.startPolling(.init(tracker: PollTracker(polls: polls, idleInterval: idleInterval), interval: interval,
                                      urgent: { urgent.contains($0) },
                                      deliver: { continuation.yield($0) }, answered: answered,
                                      ended: { continuation.finish() }))
            continuation.onTermination = { _ in thread.stopPolling() }
            return stream
        }
        let task = Task { [self] in
            var tracker = PollTracker(polls: polls, idleInterval: idleInterval)
            while !Task.isCancelled && !isClosed {
                var reports: [PollReport] = []
                var bytes = 0
                let urgent = self.urgent.all
                let start = ContinuousClock.now
                for (index, p) in tracker.polls.enumerated() where tracker.due(index, now: .now, urgent: urgent.contains(p.request.unit)) {
                    let o = await exchange([p])[0]
                    if case .success = o.result { bytes += p.replyLength }
                    if tracker.record(index, o, now: start) { reports.append(PollReport(request: p.request, outcome: o)) }
                }
                if bytes > 0 { answered(bytes) }
                if !reports.isEmpty { continuation.yield(reports) }
                try? await Task.sleep(for: interval)
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Marks `unit` urgent (polled every cycle: its window awaits a rating) or not (every idle interval).
    func setUrgent(_ unit: UInt8, _ on: Bool) {
        let changed = urgent.set(unit, on)
        // A line asleep until its next idle poll must look again now.
        if changed && on { thread?.wake() }
    }

    /// Units polled every cycle; shared with the line's thread, which asks before each poll.
    final class Units: Sendable {
        private let units = Mutex<Set<UInt8>>([])
        func contains(_ unit: UInt8) -> Bool { units.withLock { $0.contains(unit) } }
        var all: Set<UInt8> { units.withLock { $0 } }
        /// True when the set changed.
        func set(_ unit: UInt8, _ on: Bool) -> Bool { units.withLock { on ? $0.insert(unit).inserted : $0.remove(unit) != nil } }
    }
    private let urgent = Units()

    /// Ends the standing poll (the stream ends too).
    func stopPolling() {
        thread?.stopPolling()
        for c in streams.withLock({ s in defer { s.removeAll() }; return s }) { c.finish() }
    }

    private let turn = TurnLock()
    private let streams = Mutex<[AsyncStream<[PollReport]>.Continuation]>([])

    /// What the last undecodable reply held.
    private var lastBytes: [UInt8] { state.withLock { $0.bytes } }

    var isClosed: Bool { thread?.isClosed ?? state.withLock { $0.closed } }

    func transact(_ request: ModbusRTU.Request, timeout: Double) async throws(Failure) -> ModbusRTU.Response {
        if let thread {
            let o = await thread.run([ModbusExchange(request: request, timeout: .microseconds(Int(timeout * 1e6)), retries: 0)])
            return try o[0].result.get()
        }
        // Requests from the poll loop and from a driver's other tasks take turns on the line.
        await turn.acquire()
        defer { turn.release() }
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

/// One turn on the line at a time among tasks, in the order they asked.
final class TurnLock: Sendable {
    private let state = Mutex<(busy: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func acquire() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if !s.busy {
                    s.busy = true
                    return true
                }
                s.waiters.append(c)
                return false
            }
            if now { c.resume() }
        }
    }

    func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiters.isEmpty {
                s.busy = false
                return nil
            }
            return s.waiters.removeFirst()
        }
        next?.resume()
    }
}
