import Codecs
import Foundation
import HallModel
import Logging
import Synchronization

/// Caller keypads (呼叫器) on one serial line, each at a bus address mapped to a window. A key drives the
/// same Hall command as the clerk's web console; the frame is echoed once the Hall has answered, a refused
/// command also beeps. Every committed call or recall for a mapped window — from the keypad or from the
/// console — shows the number on the keypad, then the waiting count.
public struct CallerKeypadDriver: DeviceDriver {
    /// Keypad address → window.
    public let windows: [UInt8: Int]
    public let hall: any HallGateway
    /// How long the called number stays before the waiting count replaces it.
    public let numberSeconds: Double

    public init(windows: [UInt8: Int], hall: any HallGateway, numberSeconds: Double = 3) {
        self.windows = windows
        self.hall = hall
        self.numberSeconds = numberSeconds
    }

    public func command(for action: CallerAction, window: Int) async -> HallCommand {
        switch action {
        case .call: return .callNext(window: window)
        case .recall: return .recall(window: window)
        case .evaluate: return .finishWithDefaultOutcome(window: window)
        case .pause:
            let paused = await hall.window(window)?.paused ?? false
            return paused ? .resume(window: window) : .pause(window: window)
        case .transfer:
            // The keypad cannot name a target: the ticket goes back to its queue for any window.
            guard let serving = await hall.window(window)?.serving else { return .transfer(window: window, toCategory: nil, toWindow: nil) }
            return .transfer(window: window, toCategory: serving.ticket.category, toWindow: nil)
        case .noShow: return .noShow(window: window)
        case .park: return .park(window: window)
        case .callBack: return .callBack(window: window)
        }
    }

    public func run(_ connection: any ByteConnection, context: DriverContext) async throws {
        let byWindow = Dictionary(windows.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
        let events = hall.committedEvents()
        let hall = self.hall
        let hold = numberSeconds
        // Display updates follow committed events only.
        let display = Task {
            var pendingCount: [Int: Task<Void, Never>] = [:]
            for await stored in events {
                let e = stored.event
                guard [.ticketCalled, .ticketRecalled, .ticketCalledBack].contains(e.kind), let w = e.window, let address = byWindow[w] else { continue }
                try? await connection.write(CallerFrame.showTicket(address: address, number: e.number ?? "").bytes)
                pendingCount[w]?.cancel()
                pendingCount[w] = Task {
                    try? await Task.sleep(for: .milliseconds(Int(hold * 1000)))
                    if Task.isCancelled { return }
                    let count = await hall.waitingCount(window: w)
                    try? await connection.write(CallerFrame.show(address: address, number: count).bytes)
                }
            }
        }
        defer { display.cancel() }
        var decoder = CallerFrameDecoder()
        for try await chunk in connection.inbound {
            context.received(chunk.count)
            for output in decoder.feed(chunk) {
                switch output {
                case .error(let e):
                    context.droppedFrame("\(e)")
                case .frame(let frame, let raw):
                    guard let window = windows[frame.address] else {
                        context.droppedFrame("keypad address \(frame.address) is not mapped to a window")
                        continue
                    }
                    guard let action = CallerAction.from(data: frame.data) else {
                        context.logger.info("caller key combination ignored", metadata: [
                            "device": "\(context.binding.id)", "window": "\(window)", "data": "\(frame.data)"])
                        try await connection.write(raw)
                        continue
                    }
                    let command = await command(for: action, window: window)
                    let result = await hall.execute(command, source: "caller:\(context.binding.id):\(frame.address)")
                    // The echo acknowledges the frame once the Hall has answered (committed or refused).
                    try await connection.write(raw)
                    context.sent(raw.count)
                    if case .failure(let e) = result {
                        context.logger.info("caller command refused", metadata: [
                            "device": "\(context.binding.id)", "window": "\(window)", "action": "\(action)", "reason": "\(e)"])
                        try await connection.write(CallerFrame.beep(address: frame.address).bytes)
                    }
                }
            }
        }
        throw LinkError.endOfFile
    }
}
