import Codecs
import Foundation
import Logging
import Metrics
import Synchronization

/// A receipt printer: prints the kiosk's tickets (jobs from a `PrinterRoom`) and watches its health with
/// DLE EOT 1, 2 and 4 every `pollSeconds`, decoded into offline, cover open, paper near end, paper out and
/// cutter error. Changes are logged once each (paper out at error level, near end as a warning), shown as
/// the device's warning in `counterctl devices` and /api/devices, and exported as `counterd_printer_ready`.
///
/// A job: status first (a printer that cannot print gets nothing), the ticket's body, status again — the
/// answer proves the printer received the whole body, since it answers real-time requests in the order the
/// bytes arrive — then the cut and a last status. A drop before that middle answer is "not printed".
public struct PrinterDriver: DeviceDriver {
    public let room: PrinterRoom?
    public let pollSeconds: Double
    public let timeoutSeconds: Double
    /// How long the printer may take to answer after a ticket's body (it may still be printing).
    public let bodyTimeoutSeconds: Double

    /// Turn on automatic status back (GS a) and act on its packets between polls (`PrinterProfile.statusBack`).
    public let statusBack: Bool

    public init(room: PrinterRoom? = nil, statusBack: Bool = false, pollSeconds: Double = 5, timeoutSeconds: Double = 0.5,
                bodyTimeoutSeconds: Double = 3) {
        self.room = room
        self.statusBack = statusBack
        self.pollSeconds = pollSeconds
        self.timeoutSeconds = timeoutSeconds
        self.bodyTimeoutSeconds = bodyTimeoutSeconds
    }

    public func run(_ connection: any ByteConnection, context: DriverContext) async throws {
        let session = Session(connection: connection, context: context, timeout: timeoutSeconds)
        let reader = Task {
            var asb = AutomaticStatusParser()
            do {
                for try await chunk in connection.inbound {
                    context.received(chunk.count)
                    session.inbox.withLock { $0 += chunk }
                    session.answered.raise()
                    let pushed = asb.feed(chunk)
                    if !pushed.isEmpty {
                        session.pushed.withLock { $0 += pushed }
                        session.wake.raise()
                    }
                }
            } catch {}
            session.closed.withLock { $0 = true }
            session.wake.raise()
            session.answered.raise()
        }
        let device = context.binding.id
        room?.attach(device, wake: session.wake)
        defer {
            reader.cancel()
            room?.detach(device)
        }
        if statusBack {
            try await connection.write(EscPos.automaticStatusBack(0x0F))
            context.sent(3)
        }
        var nextPoll = ContinuousClock.now
        while !Task.isCancelled && !session.isClosed {
            // Status the printer sent by itself (ASB): shown at once, not at the next poll.
            for status in session.pushed.withLock({ p in defer { p.removeAll() }; return p }) {
                session.observe(status)
                room?.update(device, status: status)
            }
            if let room, let job = room.nextJob(device) {
                try await runJob(job, session)
                nextPoll = ContinuousClock.now + .milliseconds(Int(pollSeconds * 1000))
                continue
            }
            if ContinuousClock.now >= nextPoll {
                let status = try await session.status()
                if session.isClosed { break }
                session.observe(status)
                room?.update(device, status: status)
                nextPoll = ContinuousClock.now + .milliseconds(Int(pollSeconds * 1000))
            }
            let wait = nextPoll - ContinuousClock.now
            // The wait's timer is its own task: a stop raises the signal, or the stop would wait out the poll (5 s).
            let wake = session.wake
            await withTaskCancellationHandler {
                await wake.wait(seconds: max(0, Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18))
            } onCancel: {
                wake.raise()
            }
        }
        throw LinkError.endOfFile
    }

    private func runJob(_ job: PrinterRoom.Job, _ s: Session) async throws {
        let device = s.context.binding.id
        var finished = false
        func finish(_ outcome: PrintOutcome) {
            guard !finished else { return }
            finished = true
            Counter(label: "counterd_printer_jobs_total", dimensions: [("device", device), ("result", outcome.metricName)]).increment()
            job.done(outcome)
        }
        // A cancelled driver (device removed, shutdown) still answers the kiosk.
        defer { finish(.notPrinted(.interrupted)) }

        let before = try await s.status()
        s.observe(before)
        room?.update(device, status: before)
        guard let before else { return finish(.notPrinted(s.isClosed ? .notConnected : .noAnswer)) }
        guard before.canPrint else { return finish(.notPrinted(.status(before))) }

        do {
            try await s.connection.write(job.body)
            s.context.sent(job.body.count)
        } catch {
            finish(.notPrinted(.interrupted))
            throw error
        }
        let body = try await s.status(timeout: bodyTimeoutSeconds)
        guard let body else {
            s.context.logger.error("printer did not confirm a ticket: not issued", metadata: ["device": "\(device)"])
            return finish(.notPrinted(s.isClosed ? .interrupted : .noAnswer))
        }
        guard body.canPrint else {
            s.observe(body)
            return finish(.notPrinted(.status(body)))
        }
        // From here on the citizen has the number on paper.
        do {
            try await s.connection.write(job.cut)
            s.context.sent(job.cut.count)
        } catch {
            s.context.logger.warning("connection lost after a ticket was printed, before its cut", metadata: ["device": "\(device)"])
            finish(.printedUnconfirmed("connection lost before the cut"))
            throw error
        }
        // Whatever happens now (even a write refused because the printer hung up) the ticket is printed.
        let after = (try? await s.status()) ?? nil
        s.observe(after)
        room?.update(device, status: after)
        if let after, after.canPrint {
            finish(.printed)
        } else if let after {
            finish(.printedUnconfirmed("after the cut: " + after.problems.map(\.en).joined(separator: ", ")))
        } else {
            s.context.logger.warning("no status answer after a printed ticket", metadata: ["device": "\(device)"])
            finish(.printedUnconfirmed("no status answer after the cut"))
        }
    }

    /// One connection's state: the bytes read so far and what was last reported.
    private final class Session: @unchecked Sendable {
        let connection: any ByteConnection
        let context: DriverContext
        let timeout: Double
        let inbox = Mutex<[UInt8]>([])
        let closed = Mutex(false)
        /// Automatic status back packets decoded by the reader, for the driver's loop.
        let pushed = Mutex<[PrinterStatus]>([])
        let wake = WakeSignal()
        /// Raised by the reader on every chunk: a status request waits on it rather than polling.
        let answered = WakeSignal()
        // Only touched by the driver's own task.
        var last: PrinterStatus?
        var silent = false

        init(connection: any ByteConnection, context: DriverContext, timeout: Double) {
            self.connection = connection
            self.context = context
            self.timeout = timeout
        }

        var isClosed: Bool { closed.withLock { $0 } }

        /// DLE EOT 1, 2 and 4, each answered before the next is sent; nil when any goes unanswered.
        func status(timeout: Double? = nil) async throws -> PrinterStatus? {
            var answers: [UInt8] = []
            for n: UInt8 in [1, 2, 4] {
                inbox.withLock { $0.removeAll() }
                // A raise left over from earlier bytes must not end this wait early.
                await answered.wait(seconds: 0)
                try await connection.write(EscPos.statusRequest(n))
                context.sent(3)
                let limit = answers.isEmpty ? (timeout ?? self.timeout) : self.timeout
                let deadline = ContinuousClock.now + .milliseconds(Int(limit * 1000))
                var answer: UInt8?
                // A stop (the driver's task cancelled) ends the wait within 0.1 s, not at the deadline.
                while answer == nil && ContinuousClock.now < deadline && !isClosed && !Task.isCancelled {
                    answer = inbox.withLock { $0.last(where: PrinterStatus.isStatusByte) }
                    if answer == nil {
                        let left = deadline - ContinuousClock.now
                        await answered.wait(seconds: min(0.1, Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18))
                    }
                }
                guard let answer else { return nil }
                answers.append(answer)
            }
            return PrinterStatus.decode(printer: answers[0], offlineCause: answers[1], paper: answers[2])
        }

        /// Logs and reports a change of status once.
        func observe(_ status: PrinterStatus?) {
            let device = context.binding.id
            guard let status else {
                if isClosed { return }
                if !silent {
                    context.logger.warning("printer does not answer its status requests", metadata: ["device": "\(device)"])
                    context.warn("not answering status requests", zh: "不回应状态查询")
                    Gauge(label: "counterd_printer_ready", dimensions: [("device", device)]).record(0)
                }
                silent = true
                last = nil
                return
            }
            if silent { context.logger.notice("printer answering again", metadata: ["device": "\(device)"]) }
            silent = false
            guard status != last else { return }
            let problems = status.problems
            let text = problems.map { "\($0.zh) (\($0.en))" }.joined(separator: ", ")
            if problems.isEmpty {
                if last != nil { context.logger.notice("printer ready", metadata: ["device": "\(device)"]) }
            } else if status.canPrint {
                context.logger.warning("printer: \(text)", metadata: ["device": "\(device)"])
            } else {
                context.logger.error("printer cannot print: \(text)", metadata: ["device": "\(device)"])
            }
            context.warn(problems.isEmpty ? nil : problems.map(\.en).joined(separator: ", "),
                         zh: problems.isEmpty ? nil : problems.map(\.zh).joined(separator: "，"))
            Gauge(label: "counterd_printer_ready", dimensions: [("device", device)]).record(status.canPrint ? 1 : 0)
            last = status
        }
    }
}

extension PrintOutcome {
    var metricName: String {
        switch self {
        case .printed: "printed"
        case .printedUnconfirmed: "printed_unconfirmed"
        case .notPrinted(let f): f.code
        }
    }
}
