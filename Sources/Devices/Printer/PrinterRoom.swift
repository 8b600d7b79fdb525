import Codecs
import Foundation
import Synchronization

/// Why a ticket was not printed, in Chinese for the kiosk screen and in English for the log.
public struct PrintFault: Error, Sendable, Equatable {
    public var code: String
    public var zh: String
    public var en: String

    public init(code: String, zh: String, en: String) {
        self.code = code
        self.zh = zh
        self.en = en
    }

    static let notConnected = PrintFault(code: "printer_not_connected", zh: "打印机未连接", en: "printer not connected")
    static let noAnswer = PrintFault(code: "printer_not_answering", zh: "打印机无响应", en: "printer does not answer its status requests")
    static let interrupted = PrintFault(code: "print_interrupted", zh: "打印中断", en: "connection lost before the printer took the whole ticket")
    static let busy = PrintFault(code: "printer_busy", zh: "打印机忙，请稍候", en: "the printer did not take the job in time")

    static func status(_ s: PrinterStatus) -> PrintFault {
        let problems = s.faults
        let code = s.paperOut ? "paper_out" : s.coverOpen ? "cover_open" : s.cutterError ? "cutter_error" : "printer_offline"
        return PrintFault(code: code, zh: problems.map(\.zh).joined(separator: "，"), en: problems.map(\.en).joined(separator: ", "))
    }
}

/// How a print job ended. The point of no return is the printer's status answer after the ticket's body:
/// from there on the citizen has the number on paper, so the ticket counts as printed even if the cut or
/// the last status answer is lost.
public enum PrintOutcome: Sendable, Equatable {
    case printed
    /// The body was confirmed received; what followed was not (the connection dropped after it, or the
    /// printer reported a problem after the cut). Counts as printed.
    case printedUnconfirmed(String)
    case notPrinted(PrintFault)

    public var printed: Bool {
        if case .notPrinted = self { return false }
        return true
    }
}

/// The meeting point of print requests (the kiosk) and printer drivers (one per connected printer): a job
/// goes to the driver that owns the connection, which runs it between its status polls.
public final class PrinterRoom: Sendable {
    struct Job: Sendable {
        var id: Int
        var body: [UInt8]
        var cut: [UInt8]
        var done: @Sendable (PrintOutcome) -> Void
    }

    private struct Station {
        var connected = false
        var wake: WakeSignal?
        var queue: [Job] = []
        var status: PrinterStatus?
    }

    private struct State {
        var stations: [String: Station] = [:]
        var nextJob = 1
    }

    private let state = Mutex(State())

    public init() {}

    /// The last status a printer reported; nil when unknown, disconnected or not answering.
    public func status(_ device: String) -> PrinterStatus? {
        state.withLock { s in s.stations[device].flatMap { $0.connected ? $0.status : nil } }
    }

    public func isConnected(_ device: String) -> Bool {
        state.withLock { $0.stations[device]?.connected ?? false }
    }

    /// Prints a ticket: `body` first, then `cut` once the printer has confirmed the body. Returns when
    /// the driver has finished with it, or with `.notPrinted` if no driver took it within `acceptSeconds`.
    public func print(device: String, body: [UInt8], cut: [UInt8], acceptSeconds: Double = 5) async -> PrintOutcome {
        let once = Mutex<CheckedContinuation<PrintOutcome, Never>?>(nil)
        return await withCheckedContinuation { (c: CheckedContinuation<PrintOutcome, Never>) in
            once.withLock { $0 = c }
            let finish: @Sendable (PrintOutcome) -> Void = { outcome in
                once.withLock { c in
                    c?.resume(returning: outcome)
                    c = nil
                }
            }
            let queued = state.withLock { s -> (Int, WakeSignal?)? in
                // A known fault is not refused here: the driver asks the printer again before printing,
                // so a printer just refilled prints at once rather than after the next poll.
                guard var station = s.stations[device], station.connected else { return nil }
                let id = s.nextJob
                s.nextJob += 1
                station.queue.append(Job(id: id, body: body, cut: cut, done: finish))
                s.stations[device] = station
                return (id, station.wake)
            }
            guard let (id, wake) = queued else {
                return finish(.notPrinted(.notConnected))
            }
            wake?.raise()
            // A job no driver picked up in time fails; one being printed is the driver's to finish.
            Task { [self] in
                try? await Task.sleep(for: .milliseconds(Int(acceptSeconds * 1000)))
                let stale = state.withLock { s -> Job? in
                    guard let i = s.stations[device]?.queue.firstIndex(where: { $0.id == id }) else { return nil }
                    return s.stations[device]?.queue.remove(at: i)
                }
                stale?.done(.notPrinted(.busy))
            }
        }
    }

    // MARK: Driver side

    func attach(_ device: String, wake: WakeSignal) {
        state.withLock { s in
            var station = s.stations[device] ?? Station()
            station.connected = true
            station.wake = wake
            station.status = nil
            s.stations[device] = station
        }
    }

    /// The connection ended: queued jobs fail at once rather than waiting for a reconnect.
    func detach(_ device: String) {
        let orphans = state.withLock { s -> [Job] in
            guard var station = s.stations[device] else { return [] }
            let jobs = station.queue
            station = Station()
            s.stations[device] = station
            return jobs
        }
        for j in orphans { j.done(.notPrinted(.notConnected)) }
    }

    func nextJob(_ device: String) -> Job? {
        state.withLock { s in
            guard var station = s.stations[device], !station.queue.isEmpty else { return nil }
            let job = station.queue.removeFirst()
            s.stations[device] = station
            return job
        }
    }

    func update(_ device: String, status: PrinterStatus?) {
        state.withLock { s in s.stations[device]?.status = status }
    }
}
