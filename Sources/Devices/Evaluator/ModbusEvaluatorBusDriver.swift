import Codecs
import Foundation
import HallModel
import Logging
import Metrics
import Synchronization

/// RS-485 multi-drop evaluators polled over Modbus RTU, one bus address per window.
///
/// Default register map (a profile may change it): input register 0 counts presses (wrapping at 65535),
/// input register 1 is the last key (1–5); holding register 0x10 is the prompt (0 idle, 1 please rate,
/// 2 thank you, 3 out of service); holding registers 0x20–0x2F hold the clerk's name in GB2312, two bytes
/// a register, NUL-padded. A press is the counter changing; a jump of more than one is one press and the
/// rest counted as duplicates; a counter back at 0 is a restarted keypad, not a press. An address that
/// stops answering is polled only every 2 s, so it never starves the others; one whose window awaits no
/// rating only every `idlePollIntervalMilliseconds` (its counter keeps the press until then).
public struct ModbusEvaluatorBusDriver: DeviceDriver {
    public let profile: EvaluatorProfile
    /// Bus address → window.
    public let bus: [UInt8: Int]
    public let hall: any HallGateway
    public let baud: Int

    public init(profile: EvaluatorProfile, bus: [UInt8: Int], hall: any HallGateway, baud: Int) {
        self.profile = profile
        self.bus = bus
        self.hall = hall
        self.baud = baud
    }

    struct AddressState {
        var counter: UInt16?
        var failures = 0
    }

    /// What a new counter value means, given the last one seen.
    public enum CounterChange: Equatable, Sendable {
        case none
        case press(duplicates: Int)
        case restarted
        case firstReading
    }

    public static func change(from old: UInt16?, to new: UInt16) -> CounterChange {
        guard let old else { return .firstReading }
        if new == old { return .none }
        if new == 0 && old != UInt16.max { return .restarted }
        let delta = Int(new &- old)  // wraps at 65535
        // A huge jump is a restarted keypad that was pressed since, not thousands of presses.
        if delta > 1000 { return .restarted }
        return .press(duplicates: delta - 1)
    }

    public func run(_ connection: any ByteConnection, context: DriverContext) async throws {
        let master = ModbusMaster(connection: connection, baud: baud, ownThread: true)
        defer { master.stop() }
        let byWindow = Dictionary(bus.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
        let profile = self.profile
        let hall = self.hall
        let baud = self.baud
        func prompt(_ address: UInt8, _ p: EvaluatorPrompt) -> ModbusRTU.Request {
            .writeSingle(unit: address, address: profile.promptRegister, value: p.rawValue)
        }
        // A timed-out request is sent once more before it counts: one lost frame on a noisy line is not an error.
        @Sendable func planned(_ r: ModbusRTU.Request) -> ModbusExchange {
            ModbusExchange(request: r, timeout: profile.replyTimeout(for: r, baud: baud), retries: 1)
        }
        @Sendable func send(_ requests: [ModbusRTU.Request]) async {
            let outcomes = await master.exchange(requests.map(planned))
            for (request, o) in zip(requests, outcomes) {
                Self.note(o, request: request, context: context)
                switch o.result {
                case .success: context.sent(request.bytes.count)
                case .failure(.closed): break  // the poll loop sees it and ends the driver
                case .failure(let error): Self.record(error, address: request.unit, context: context)
                }
            }
        }
        // A keypad is polled fast only while its window awaits a rating, so a press is stored at once.
        @Sendable func pace(_ address: UInt8, _ state: WindowState?) {
            master.setUrgent(address, state?.awaiting != nil)
        }
        // Initial prompts: idle where a clerk is on duty, out of service elsewhere.
        var initial: [ModbusRTU.Request] = []
        for (address, window) in bus.sorted(by: { $0.key < $1.key }) {
            let state = await hall.window(window)
            pace(address, state)
            initial.append(prompt(address, state?.clerk != nil ? .idle : .outOfService))
        }
        await send(initial)
        let events = hall.committedEvents()
        // Prompts go to the line as their events commit, between two polls.
        let watcher = Task {
            for await stored in events {
                let e = stored.event
                guard let w = e.window, let address = byWindow[w] else { continue }
                // From the window's state now, whatever the event: every way a wait for a rating begins or ends.
                pace(address, await hall.window(w))
                var requests: [ModbusRTU.Request] = []
                switch e.kind {
                case .ticketFinished:
                    let name = await e.clerk.asyncMap { await hall.clerkName($0) } ?? nil
                    let bytes = GBText.encode(name ?? "", maxBytes: profile.nameRegisters * 2)
                    requests.append(.writeMultiple(unit: address, address: profile.nameRegister,
                                                   values: GBText.registers(bytes, count: profile.nameRegisters)))
                    requests.append(prompt(address, .pleaseRate))
                case .ticketRated: requests.append(prompt(address, .thankYou))
                case .ratingNotGiven, .ticketCalled, .ticketCalledBack, .clerkSignedIn: requests.append(prompt(address, .idle))
                case .clerkSignedOut: requests.append(prompt(address, .outOfService))
                default: break
                }
                if !requests.isEmpty { await send(requests) }
            }
        }
        defer { watcher.cancel() }

        var states: [UInt8: AddressState] = [:]
        let addresses = bus.keys.sorted()
        let first = min(profile.counterRegister, profile.keyRegister)
        let count = max(profile.counterRegister, profile.keyRegister) - first + 1
        // The line polls on its own and wakes this loop only for news: a press, an address that stops
        // or starts answering, a retry.
        let reports = master.poll(addresses.map { planned(.readInput(unit: $0, address: first, count: count)) },
                                  interval: .milliseconds(profile.pollIntervalMilliseconds),
                                  idleInterval: .milliseconds(max(profile.idlePollIntervalMilliseconds, profile.pollIntervalMilliseconds)),
                                  answered: { context.received($0) })
        news: for await batch in reports {
            for report in batch {
                let address = report.request.unit
                let o = report.outcome
                Self.note(o, request: report.request, context: context)
                var s = states[address] ?? AddressState()
                let response: ModbusRTU.Response
                switch o.result {
                case .failure(.closed): break news
                case .failure(let error):
                    Self.record(error, address: address, context: context)
                    s.failures += 1
                    if s.failures == 3 {
                        context.logger.warning("evaluator not answering; polling it every 2 s", metadata: [
                            "device": "\(context.binding.id)", "address": "\(address)"])
                    }
                    states[address] = s
                    continue
                case .success(let r): response = r
                }
                guard case .registers(let regs) = response, regs.count == Int(count) else { continue }
                if s.failures >= 3 {
                    context.logger.notice("evaluator answering again", metadata: ["device": "\(context.binding.id)", "address": "\(address)"])
                }
                s.failures = 0
                let counter = regs[Int(profile.counterRegister - first)]
                let key = regs[Int(profile.keyRegister - first)]
                let change = Self.change(from: s.counter, to: counter)
                s.counter = counter
                states[address] = s
                guard case .press(let duplicates) = change, let window = bus[address] else { continue }
                if duplicates > 0 {
                    Counter(label: "counterd_evaluator_duplicate_presses_total", dimensions: [("device", context.binding.id)])
                        .increment(by: duplicates)
                    context.logger.info("extra presses counted as duplicates", metadata: [
                        "device": "\(context.binding.id)", "address": "\(address)", "count": "\(duplicates)"])
                }
                guard key <= 255, let level = profile.values[UInt8(key)] else {
                    context.droppedFrame("address \(address): key \(key) is not in profile \(profile.id)")
                    continue
                }
                await EvaluatorPress.submit(level, window: window, hall: hall, context: context)
            }
            if master.isClosed { break }
        }
        master.stopPolling()
        if Task.isCancelled && !master.isClosed {
            // Stopping (service stop, or the device left the config): the keypads say 暂停服务 instead
            // of inviting ratings nobody will store. Detached, because this task's sleeps no longer wait.
            let stop = addresses.map { ModbusExchange(request: prompt($0, .outOfService), timeout: .milliseconds(200), retries: 0) }
            _ = await Task.detached { await master.exchange(stop) }.value
            context.logger.info("evaluators set out of service", metadata: ["device": "\(context.binding.id)", "count": "\(stop.count)"])
        }
        throw LinkError.endOfFile
    }

    /// What a poll cost beyond its answer: retries, stray bytes, and an undecodable reply's bytes (debug).
    static func note(_ o: ModbusOutcome, request: ModbusRTU.Request, context: DriverContext) {
        let device = context.binding.id
        if o.timeoutsRetried > 0 {
            Counter(label: "counterd_modbus_retries_total", dimensions: [("device", device)]).increment(by: o.timeoutsRetried)
            context.logger.debug("Modbus request retried after a timeout", metadata: [
                "device": "\(device)", "address": "\(request.unit)", "retries": "\(o.timeoutsRetried)"])
        }
        if o.strayBytes > 0 {
            Counter(label: "counterd_modbus_stray_bytes_total", dimensions: [("device", device)]).increment(by: o.strayBytes)
            context.logger.debug("bytes on the line when no reply was due, discarded", metadata: [
                "device": "\(device)", "count": "\(o.strayBytes)"])
        }
        if case .failure(.exception(let code)) = o.result {
            context.logger.debug("Modbus exception reply", metadata: [
                "device": "\(device)", "address": "\(request.unit)", "code": "\(code)", "request": "\(SessionRecording.hex(request.bytes))"])
        }
        if case .failure(.bad(let why)) = o.result {
            context.logger.debug("malformed Modbus reply", metadata: [
                "device": "\(device)", "address": "\(request.unit)", "error": "\(why)",
                "request": "\(SessionRecording.hex(request.bytes))", "reply": "\(SessionRecording.hex(o.bytes))"])
        }
    }

    static func record(_ error: ModbusMaster.Failure, address: UInt8, context: DriverContext) {
        let kind: String
        switch error {
        case .timeout: kind = "timeout"
        case .bad(.badCRC): kind = "crc"
        case .bad: kind = "malformed"
        case .exception(let code): kind = "exception_\(code)"
        case .closed: kind = "closed"
        }
        Counter(label: "counterd_modbus_errors_total", dimensions: [("device", context.binding.id), ("address", String(address)), ("kind", kind)])
            .increment()
        if kind != "timeout" { context.droppedFrame("address \(address): \(kind)") }
    }
}

extension Optional {
    func asyncMap<T>(_ f: (Wrapped) async -> T) async -> T? {
        switch self {
        case .some(let v): await f(v)
        case .none: nil
        }
    }
}
