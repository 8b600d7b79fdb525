import Codecs
import Foundation
import Synchronization

/// A serial line's descriptor handed to a driver that runs the line itself.
struct SerialDescriptor: Sendable {
    let fd: Int32
    let settings: SerialSettings
    /// A pseudo-terminal has no UART: nothing to drain, no direction to turn.
    let pseudo: Bool
}

/// One Modbus request as the line thread runs it.
struct ModbusExchange: Sendable {
    let request: ModbusRTU.Request
    /// How long the reply may take once the request has left the wire (and the line has turned around).
    let timeout: Duration
    /// Attempts after a timeout before it counts as an error.
    let retries: Int
    /// The request's frame, built once (a poll is sent many times a second).
    let bytes: [UInt8]
    /// Its request's wire time on the line is computed by the line; the normal reply's length is fixed.
    let replyLength: Int

    init(request: ModbusRTU.Request, timeout: Duration, retries: Int) {
        self.request = request
        self.timeout = timeout
        self.retries = retries
        bytes = request.bytes
        replyLength = request.responseLength
    }
}

/// What came of one exchange.
struct ModbusOutcome: Sendable {
    let result: Result<ModbusRTU.Response, ModbusMaster.Failure>
    /// The reply's bytes when it could not be decoded, for the debug log.
    let bytes: [UInt8]
    /// Timeouts that a retry made good (not errors, but worth a counter).
    let timeoutsRetried: Int
    /// Bytes that arrived when no reply was due (a late answer to an earlier request), discarded.
    let strayBytes: Int
}

/// A Modbus RTU master's line run on a thread of its own with blocking `poll(2)`: a poll costs one wake
/// for its reply and one for the silence before the next request, where the async path paid for a
/// dispatch source, a stream, a continuation and several timers (issue 19: 160–450 µs of CPU a poll).
/// It polls on its own (`startPolling`) and wakes the async side only for news; requests the driver
/// sends (`run`) go between two polls.
final class ModbusLineThread: Sendable {
    /// A standing poll: run every `interval` without being asked, reporting only news.
    struct Standing: Sendable {
        var tracker: PollTracker
        let interval: Duration
        /// Whether a unit is polled every cycle now, or only every idle interval.
        let urgent: @Sendable (UInt8) -> Bool
        let deliver: @Sendable ([PollReport]) -> Void
        /// Bytes of the answers of a cycle, for the device's health, without waking the driver.
        let answered: @Sendable (Int) -> Void
        /// Called once when the thread ends (stopped, or the line closed) while polling.
        let ended: @Sendable () -> Void
    }

    private struct State {
        var jobs: [(exchanges: [ModbusExchange], done: @Sendable ([ModbusOutcome]) -> Void)] = []
        var standing: Standing?
        var stopping = false
        var closed = false
        /// The thread has ended and closed its descriptors.
        var finished = false
    }
    private let state = Mutex(State())
    private let line: SerialDescriptor
    /// A pipe written to stop a `poll` early: read end, write end.
    private let stopFD: Int32
    private let stopWriteFD: Int32
    /// A pipe written when work arrives for an idle thread. Idle waits are `poll(2)` timeouts, on the
    /// monotonic clock: a wall-clock step (NTP at boot) cannot hold the polling up.
    private let wakeFD: Int32
    private let wakeWriteFD: Int32
    /// The RTU frame silence, 3.5 characters at this speed.
    private let gap: Duration

    init(_ line: SerialDescriptor) {
        self.line = line
        var pair: [Int32] = [-1, -1]
        if pipe(&pair) == 0 { for fd in pair { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) } }
        (stopFD, stopWriteFD) = (pair[0], pair[1])
        var wake: [Int32] = [-1, -1]
        if pipe(&wake) == 0 { for fd in wake { _ = fcntl(fd, F_SETFD, FD_CLOEXEC); _ = fcntl(fd, F_SETFL, O_NONBLOCK) } }
        (wakeFD, wakeWriteFD) = (wake[0], wake[1])
        gap = .microseconds(Int((ModbusRTU.frameSeconds(bytes: 0, baud: line.settings.baud, bitsPerChar: line.settings.bitsPerCharacter) * 1e6).rounded(.up)))
        _ = fcntl(line.fd, F_SETFL, fcntl(line.fd, F_GETFL) | O_NONBLOCK)
        let thread = Thread { [self] in self.main() }
        thread.name = "counterd.modbus"
        thread.start()
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Runs the exchanges in order; after the line closes, the rest fail with `.closed`.
    func run(_ exchanges: [ModbusExchange]) async -> [ModbusOutcome] {
        await withCheckedContinuation { (c: CheckedContinuation<[ModbusOutcome], Never>) in
            let refused = state.withLock { s -> Bool in
                if s.stopping || s.closed { return true }
                s.jobs.append((exchanges, { c.resume(returning: $0) }))
                wakeLocked(s)
                return false
            }
            if refused { return c.resume(returning: exchanges.map { _ in Self.closedOutcome }) }
        }
    }

    /// Polls `polls` every `interval` (between the end of one cycle and the start of the next) until
    /// `stopPolling`; requests given to `run` go between two polls.
    func startPolling(_ standing: Standing) {
        let ended = state.withLock { s -> Bool in
            if s.closed || s.stopping || s.finished { return true }
            s.standing = standing
            wakeLocked(s)
            return false
        }
        // The line went away before the poll began (an unplug right after connecting).
        if ended { standing.ended() }
    }

    /// Makes an idle thread look at its polls again (one has become urgent).
    func wake() { state.withLock { wakeLocked($0) } }

    /// Wakes an idle thread; called under the state lock, so the pipe is still ours.
    private func wakeLocked(_ s: State) {
        guard !s.finished else { return }
        var one: UInt8 = 1
        _ = Glibc.write(wakeWriteFD, &one, 1)
    }

    func stopPolling() { state.withLock { $0.standing = nil } }

    /// Ends the thread (after the exchange under way) and closes the descriptor.
    func stop() {
        state.withLock { s in
            // Under the lock: once the thread has closed the pipe its number may belong to another file.
            guard !s.stopping, !s.finished else { return }
            s.stopping = true
            var one: UInt8 = 1
            _ = Glibc.write(stopWriteFD, &one, 1)
        }
    }

    private static let closedOutcome = ModbusOutcome(result: .failure(.closed), bytes: [], timeoutsRetried: 0, strayBytes: 0)

    private func takeJob() -> (exchanges: [ModbusExchange], done: @Sendable ([ModbusOutcome]) -> Void)? {
        state.withLock { s in s.stopping || s.jobs.isEmpty ? nil : s.jobs.removeFirst() }
    }

    private func runJobs(_ earliestWrite: inout ContinuousClock.Instant) {
        while let (exchanges, done) = takeJob() {
            var outcomes: [ModbusOutcome] = []
            for e in exchanges {
                if state.withLock({ $0.closed || $0.stopping }) {
                    outcomes.append(Self.closedOutcome)
                    continue
                }
                let o = exchange(e, earliestWrite: &earliestWrite)
                if case .failure(.closed) = o.result { state.withLock { $0.closed = true } }
                outcomes.append(o)
            }
            done(outcomes)
        }
    }

    /// One cycle of the standing poll, with waiting requests run between polls.
    private func cycle(_ earliestWrite: inout ContinuousClock.Instant) {
        guard var standing = state.withLock({ $0.standing }) else { return }
        var reports: [PollReport] = []
        var bytes = 0
        // Every poll of a cycle is noted at the cycle's start, so idle units stay due together and run back
        // to back next time, not each in a cycle (and a wake-up) of its own.
        let start = ContinuousClock.now
        for (index, poll) in standing.tracker.polls.enumerated()
        where standing.tracker.due(index, now: ContinuousClock.now, urgent: standing.urgent(poll.request.unit)) {
            runJobs(&earliestWrite)
            if state.withLock({ $0.closed || $0.stopping || $0.standing == nil }) { break }
            let o = exchange(poll, earliestWrite: &earliestWrite)
            if case .failure(.closed) = o.result { state.withLock { $0.closed = true } }
            if case .success = o.result { bytes += poll.replyLength }
            if standing.tracker.record(index, o, now: start) { reports.append(PollReport(request: poll.request, outcome: o)) }
        }
        state.withLock { s in if s.standing != nil { s.standing?.tracker = standing.tracker } }
        if bytes > 0 { standing.answered(bytes) }
        if !reports.isEmpty { standing.deliver(reports) }
    }

    private func main() {
        var earliestWrite = ContinuousClock.now
        var nextCycle = ContinuousClock.now
        var lastCycle: ContinuousClock.Instant?
        while !state.withLock({ $0.stopping }) {
            runJobs(&earliestWrite)
            if let standing = state.withLock({ $0.closed ? nil : $0.standing }) {
                // The next cycle one interval after the last; with every address idle, when the first is
                // due, so an idle line sleeps instead of waking each interval to poll nothing. A unit made
                // urgent wakes the thread through the pipe and is due at once.
                nextCycle = lastCycle.map { $0 + standing.interval } ?? .now
                if let due = standing.tracker.nextDue(urgent: standing.urgent), due > nextCycle { nextCycle = due }
                if ContinuousClock.now >= nextCycle {
                    cycle(&earliestWrite)
                    lastCycle = ContinuousClock.now
                    continue
                }
            }
            let (idle, polling, closed) = state.withLock { ($0.jobs.isEmpty && !$0.stopping, $0.standing != nil, $0.closed) }
            if idle { idleWait(until: polling && !closed ? nextCycle : nil) }
        }
        let (pending, standing) = state.withLock { s in
            s.closed = true
            defer { s.jobs.removeAll(); s.standing = nil }
            return (s.jobs, s.standing)
        }
        for (exchanges, done) in pending { done(exchanges.map { _ in Self.closedOutcome }) }
        standing?.ended()
        state.withLock { s in
            s.finished = true
            Glibc.close(line.fd)
            Glibc.close(stopFD)
            Glibc.close(stopWriteFD)
            Glibc.close(wakeFD)
            Glibc.close(wakeWriteFD)
        }
    }

    /// Sleeps until work arrives, the thread is told to stop, or `deadline` (none: until work or stop).
    private func idleWait(until deadline: ContinuousClock.Instant?) {
        var timeout: Int32 = -1
        if let deadline {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return }
            // Rounded up: a wait cut short by the truncated millisecond costs a second poll(2) and read(2).
            timeout = max(1, Int32(clamping: left.components.seconds * 1000 + (left.components.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000))
        }
        var fds = (pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0), pollfd(fd: stopFD, events: Int16(POLLIN), revents: 0))
        _ = withUnsafeMutableBytes(of: &fds) { poll($0.baseAddress!.assumingMemoryBound(to: pollfd.self), 2, timeout) }
        var drain = [UInt8](repeating: 0, count: 64)
        while read(wakeFD, &drain, drain.count) > 0 {}
    }

    private enum Wait { case readable, timedOut, stopped, hangup }

    /// The VMIN now set on the line.
    private nonisolated(unsafe) var minimum: Int = -1

    /// Sets how many bytes must be in before the line counts as readable (termios VMIN, VTIME 0).
    private func setMinimum(_ n: Int) {
        let n = min(max(1, n), 255)
        guard n != minimum else { return }
        var t = termios()
        guard tcgetattr(line.fd, &t) == 0 else { return }
        withUnsafeMutableBytes(of: &t.c_cc) { cc in
            cc[Int(VMIN)] = UInt8(n)
            cc[Int(VTIME)] = 0
        }
        if tcsetattr(line.fd, TCSANOW, &t) == 0 { minimum = n }
    }

    /// Waits until the line has bytes, the deadline passes or the thread is told to stop.
    private func wait(until deadline: ContinuousClock.Instant) -> Wait {
        let left = deadline - ContinuousClock.now
        let ms = max(0, Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
        var fds = (pollfd(fd: line.fd, events: Int16(POLLIN), revents: 0), pollfd(fd: stopFD, events: Int16(POLLIN), revents: 0))
        let n = withUnsafeMutableBytes(of: &fds) { poll($0.baseAddress!.assumingMemoryBound(to: pollfd.self), 2, left <= .zero ? 0 : max(1, ms)) }
        if n < 0 { return errno == EINTR ? .timedOut : .hangup }
        if fds.1.revents != 0 { return .stopped }
        if fds.0.revents & Int16(POLLIN) != 0 { return .readable }
        if fds.0.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return .hangup }
        return .timedOut
    }

    /// The thread's read buffer (only the line's thread touches it).
    private nonisolated(unsafe) let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 512, alignment: 1)

    deinit { buffer.deallocate() }

    /// Reads what is there; nil when the line is gone. A short read means the kernel had no more, so
    /// one read(2) is enough for a reply.
    private func readAvailable() -> [UInt8]? {
        var out: [UInt8] = []
        return readAvailable(into: &out) ? out : nil
    }

    /// Appends what is there to `out`; false when the line is gone.
    private func readAvailable(into out: inout [UInt8]) -> Bool {
        var got = 0
        while true {
            let n = read(line.fd, buffer.baseAddress, buffer.count)
            if n > 0 {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                got += n
                if n < buffer.count { return true }
                continue
            }
            if n == 0 { return got > 0 }
            switch errno {
            case EAGAIN, EWOULDBLOCK: return true
            case EINTR: continue
            default: return got > 0
            }
        }
    }

    private func sleep(until t: ContinuousClock.Instant) {
        while true {
            let left = t - ContinuousClock.now
            if left <= .zero { return }
            var ts = timespec(tv_sec: Int(left.components.seconds), tv_nsec: Int(left.components.attoseconds / 1_000_000_000))
            if nanosleep(&ts, nil) == 0 { return }
        }
    }

    private func writeAll(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        let giveUp = ContinuousClock.now + .seconds(2)
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(line.fd, $0.baseAddress, $0.count) }
            if n > 0 {
                offset += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            guard n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK), ContinuousClock.now < giveUp else { return false }
            var p = pollfd(fd: line.fd, events: Int16(POLLOUT), revents: 0)
            _ = poll(&p, 1, 5)
        }
        return true
    }

    /// Until the UART has sent the last byte (its output queue empty), bounded: a line that never drains
    /// must not hold the thread.
    private func drain(bytes: Int, started: ContinuousClock.Instant) {
        let wire = line.settings.wireTime(bytes: bytes)
        if !line.pseudo {
            let limit = started + wire + .seconds(1)
            while ContinuousClock.now < limit {
                var queued: Int32 = 0
                guard ioctl(line.fd, UInt(TIOCOUTQ), &queued) == 0, queued > 0 else { break }
                sleep(until: ContinuousClock.now + line.settings.wireTime(bytes: Int(queued)))
            }
        }
        // Never earlier than the frame's wire time, whatever the driver says (a pty says nothing).
        if !line.pseudo { sleep(until: started + wire) }
    }

    /// Set after a timeout or a broken frame: the next request first reads off what is left on the line.
    private nonisolated(unsafe) var unsettled = true

    private func exchange(_ e: ModbusExchange, earliestWrite: inout ContinuousClock.Instant) -> ModbusOutcome {
        var retried = 0, stray = 0
        let turnaround = Duration.milliseconds(line.settings.turnaroundMilliseconds)
        while true {
            sleep(until: earliestWrite)
            if unsettled {
                // After a timeout or a broken frame, whatever is waiting answers nothing we asked: a late
                // reply or noise. (After a good reply the line is known to be quiet: one syscall less.)
                guard let old = readAvailable() else { return outcome(.failure(.closed), retried, stray) }
                stray += old.count
                unsettled = false
            }
            let started = ContinuousClock.now
            guard writeAll(e.bytes) else { return outcome(.failure(.closed), retried, stray) }
            drain(bytes: e.bytes.count, started: started)
            let sent = max(ContinuousClock.now, started + line.settings.wireTime(bytes: e.bytes.count))
            // Silence on the wire before the next request: the turn-around and the RTU gap, from the end of
            // this request even when the reply comes early or never.
            earliestWrite = sent + turnaround + gap
            if !line.pseudo && turnaround > .zero { sleep(until: sent + turnaround) }
            let deadline = sent + turnaround + e.timeout
            var reply: [UInt8] = []
            reply.reserveCapacity(e.replyLength)
            // The kernel wakes this thread when the whole normal reply is in (VMIN), not once per chunk a
            // USB adapter delivers; a shorter answer (an exception, a broken frame) is read at the deadline.
            setMinimum(e.replyLength)
            reading: while true {
                let w = wait(until: deadline)
                if w == .stopped || w == .hangup { return outcome(.failure(.closed), retried, stray) }
                guard readAvailable(into: &reply) else { return outcome(.failure(.closed), retried, stray) }
                if reply.isEmpty { break reading }
                switch ModbusRTU.decode(reply, for: e.request) {
                case .success((let response, let used)):
                    earliestWrite = max(earliestWrite, ContinuousClock.now + gap)
                    stray += reply.count - used
                    if case .exception(let code) = response { return outcome(.failure(.exception(code)), retried, stray) }
                    return outcome(.success(response), retried, stray)
                case .failure(.needMore):
                    if w == .timedOut { break reading }
                    // Part of the reply is in: wake on every byte until the rest comes.
                    setMinimum(1)
                case .failure(let error):
                    // Let the rest of a corrupt frame arrive (until a frame's silence) and keep it for the log.
                    setMinimum(1)
                    while case .readable = wait(until: ContinuousClock.now + gap * 2), let more = readAvailable(), !more.isEmpty { reply += more }
                    earliestWrite = max(earliestWrite, ContinuousClock.now + gap)
                    unsettled = true
                    return ModbusOutcome(result: .failure(.bad(error)), bytes: reply, timeoutsRetried: retried, strayBytes: stray)
                }
            }
            unsettled = true
            if retried >= e.retries {
                return ModbusOutcome(result: .failure(.timeout), bytes: reply, timeoutsRetried: retried, strayBytes: stray)
            }
            retried += 1
        }
    }

    private func outcome(_ r: Result<ModbusRTU.Response, ModbusMaster.Failure>, _ retried: Int, _ stray: Int) -> ModbusOutcome {
        ModbusOutcome(result: r, bytes: [], timeoutsRetried: retried, strayBytes: stray)
    }
}
