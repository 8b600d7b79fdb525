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
/// stops answering is polled only every 2 s, so it never starves the others.
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
        var retryAt: ContinuousClock.Instant?
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
        let master = ModbusMaster(connection: connection, baud: baud)
        let writes = Mutex<[ModbusRTU.Request]>([])
        let byWindow = Dictionary(bus.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
        let profile = self.profile
        let hall = self.hall
        func prompt(_ address: UInt8, _ p: EvaluatorPrompt) -> ModbusRTU.Request {
            .writeSingle(unit: address, address: profile.promptRegister, value: p.rawValue)
        }
        // Initial prompts: idle where a clerk is on duty, out of service elsewhere.
        for (address, window) in bus.sorted(by: { $0.key < $1.key }) {
            let open = await hall.window(window)?.clerk != nil
            writes.withLock { $0.append(prompt(address, open ? .idle : .outOfService)) }
        }
        let events = hall.committedEvents()
        let watcher = Task {
            for await stored in events {
                let e = stored.event
                guard let w = e.window, let address = byWindow[w] else { continue }
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
                writes.withLock { $0 += requests }
            }
        }
        defer { watcher.cancel() }

        var states: [UInt8: AddressState] = [:]
        let addresses = bus.keys.sorted()
        let timeout = Double(profile.timeoutMilliseconds) / 1000
        let first = min(profile.counterRegister, profile.keyRegister)
        let count = max(profile.counterRegister, profile.keyRegister) - first + 1
        while !master.isClosed && !Task.isCancelled {
            for request in writes.withLock({ w in defer { w.removeAll() }; return w }) {
                do {
                    _ = try await master.transact(request, timeout: timeout)
                    context.sent(request.bytes.count)
                } catch {
                    if error == .closed { throw LinkError.endOfFile }
                    record(error, address: request.unit, context: context)
                }
            }
            for address in addresses {
                var s = states[address] ?? AddressState()
                if let retry = s.retryAt, ContinuousClock.now < retry { continue }
                do {
                    let response = try await master.transact(.readInput(unit: address, address: first, count: count), timeout: timeout)
                    guard case .registers(let regs) = response, regs.count == Int(count) else { continue }
                    context.received(5 + Int(count) * 2)
                    if s.failures >= 3 {
                        context.logger.notice("evaluator answering again", metadata: ["device": "\(context.binding.id)", "address": "\(address)"])
                    }
                    s.failures = 0
                    s.retryAt = nil
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
                } catch {
                    if error == .closed { throw LinkError.endOfFile }
                    record(error, address: address, context: context)
                    s.failures += 1
                    if s.failures == 3 {
                        context.logger.warning("evaluator not answering; polling it every 2 s", metadata: [
                            "device": "\(context.binding.id)", "address": "\(address)"])
                    }
                    if s.failures >= 3 { s.retryAt = ContinuousClock.now + .seconds(2) }
                    states[address] = s
                }
            }
            try? await Task.sleep(for: .milliseconds(profile.pollIntervalMilliseconds))
        }
        if Task.isCancelled && !master.isClosed {
            // Stopping (service stop, or the device left the config): the keypads say 暂停服务 instead
            // of inviting ratings nobody will store. Detached, because this task's sleeps no longer wait.
            let stop = addresses.map { prompt($0, .outOfService) }
            let perRequest = min(timeout, 0.2)
            await Task.detached {
                for request in stop { _ = try? await master.transact(request, timeout: perRequest) }
            }.value
            context.logger.info("evaluators set out of service", metadata: ["device": "\(context.binding.id)", "count": "\(stop.count)"])
        }
        throw LinkError.endOfFile
    }

    private func record(_ error: ModbusMaster.Failure, address: UInt8, context: DriverContext) {
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
