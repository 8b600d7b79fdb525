import Codecs
import Foundation
import Logging
import Metrics
import Synchronization

/// A receipt printer's health: DLE EOT 1, 2 and 4 every `pollSeconds`, decoded into offline, cover open,
/// paper near end, paper out and cutter error. Changes are logged once each (paper out at error level,
/// near end as a warning), shown as the device's warning in `counterctl devices` and /api/devices, and
/// exported as `counterd_printer_ready`. Printing itself comes with the kiosk flow (issue #5).
public struct PrinterDriver: DeviceDriver {
    public let pollSeconds: Double
    public let timeoutSeconds: Double

    public init(pollSeconds: Double = 5, timeoutSeconds: Double = 0.5) {
        self.pollSeconds = pollSeconds
        self.timeoutSeconds = timeoutSeconds
    }

    public func run(_ connection: any ByteConnection, context: DriverContext) async throws {
        let inbox = Mutex<[UInt8]>([])
        let closed = Mutex(false)
        let reader = Task {
            do {
                for try await chunk in connection.inbound {
                    context.received(chunk.count)
                    inbox.withLock { $0 += chunk }
                }
            } catch {}
            closed.withLock { $0 = true }
        }
        defer { reader.cancel() }
        let device = context.binding.id
        var last: PrinterStatus?
        var silent = false
        while !Task.isCancelled && !closed.withLock({ $0 }) {
            var answers: [UInt8] = []
            for n: UInt8 in [1, 2, 4] {
                inbox.withLock { $0.removeAll() }
                try await connection.write(EscPos.statusRequest(n))
                context.sent(3)
                let deadline = ContinuousClock.now + .milliseconds(Int(timeoutSeconds * 1000))
                var answer: UInt8?
                while answer == nil && ContinuousClock.now < deadline && !closed.withLock({ $0 }) {
                    answer = inbox.withLock { $0.last(where: PrinterStatus.isStatusByte) }
                    if answer == nil { try await Task.sleep(for: .milliseconds(5)) }
                }
                guard let answer else { break }
                answers.append(answer)
            }
            if closed.withLock({ $0 }) { break }
            if answers.count == 3, let status = PrinterStatus.decode(printer: answers[0], offlineCause: answers[1], paper: answers[2]) {
                if silent { context.logger.notice("printer answering again", metadata: ["device": "\(device)"]) }
                silent = false
                if status != last {
                    let problems = status.problems
                    let text = problems.map { "\($0.zh) (\($0.en))" }.joined(separator: ", ")
                    if problems.isEmpty {
                        if last != nil { context.logger.notice("printer ready", metadata: ["device": "\(device)"]) }
                    } else if status.canPrint {
                        context.logger.warning("printer: \(text)", metadata: ["device": "\(device)"])
                    } else {
                        context.logger.error("printer cannot print: \(text)", metadata: ["device": "\(device)"])
                    }
                    context.warn(problems.isEmpty ? nil : problems.map(\.en).joined(separator: ", "))
                    Gauge(label: "counterd_printer_ready", dimensions: [("device", device)]).record(status.canPrint ? 1 : 0)
                    last = status
                }
            } else {
                if !silent {
                    context.logger.warning("printer does not answer its status requests", metadata: ["device": "\(device)"])
                    context.warn("not answering status requests")
                    Gauge(label: "counterd_printer_ready", dimensions: [("device", device)]).record(0)
                }
                silent = true
                last = nil
            }
            try await Task.sleep(for: .milliseconds(Int(pollSeconds * 1000)))
        }
        throw LinkError.endOfFile
    }
}
