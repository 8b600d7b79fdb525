import Codecs
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing
@testable import Devices

/// The Modbus line on its own thread, on a real pty with a keypad played by a test thread that can stay
/// silent, answer late or answer garbage: timeouts come from the line, a timed-out request is sent once
/// more before it counts, a late answer is discarded (not taken for the next reply), and a broken reply
/// keeps its bytes for the debug log.
@Suite struct ModbusLineTests {
    /// The keypad's behaviour for each request it receives, in order.
    enum Answer: Sendable { case normal, silent, late(Duration), garbage([UInt8]) }

    /// A count shared with the keypad's thread (requests received; bytes answered).
    final class Seen: Sendable {
        let m = Mutex(0)
        let written = Mutex(0)
        func withLock<T>(_ body: (inout Int) -> T) -> T { m.withLock { body(&$0) } }
    }

    static func line(_ answers: [Answer], baud: Int = 9600) async throws -> (ModbusMaster, any ByteConnection, Seen) {
        let pty = try PTY()
        let connection = try await SerialLink(path: pty.path, settings: SerialSettings(baud: baud)).open()
        pty.releaseSlave()
        let seen = Seen()
        let device = Thread {
            for answer in answers {
                let bytes = pty.read(count: 8, timeout: 5)
                guard bytes.count == 8, case .success((let request, _)) = ModbusRTU.parseRequest(bytes) else { return }
                seen.withLock { $0 += 1 }
                let reply = ModbusRTU.response(to: request, registers: [7, 3])
                switch answer {
                case .normal: pty.write(reply)
                case .silent: break
                case .late(let d):
                    Thread.sleep(forTimeInterval: d.inSeconds)
                    pty.write(reply)
                    seen.written.withLock { $0 += reply.count }
                case .garbage(let g): pty.write(g)
                }
            }
            withExtendedLifetime(pty) {}
        }
        device.start()
        return (ModbusMaster(connection: connection, baud: baud, ownThread: true), connection, seen)
    }

    static let poll = ModbusRTU.Request.readInput(unit: 1, address: 0, count: 2)

    @Test func theReplyTimeoutIsTheRepliesWireTimePlusTheTurnaround() {
        // 9 bytes of reply + 3.5 characters of silence at 11 bits a character.
        #expect(ModbusTiming.replyTimeout(for: Self.poll, baud: 9600, turnaroundMilliseconds: 50)
                == .microseconds(Int((12.5 * 11 / 9600 * 1e6).rounded(.up))) + .milliseconds(50))
        #expect(ModbusTiming.replyTimeout(for: Self.poll, baud: 2400, turnaroundMilliseconds: 50) > .milliseconds(100))
        #expect(ModbusTiming.replyTimeout(for: Self.poll, baud: 9600, turnaroundMilliseconds: 50, fixedMilliseconds: 300) == .milliseconds(300))
        let profile = EvaluatorProfile(id: "m", name: "m", kind: .modbus)
        #expect(profile.replyTimeout(for: Self.poll, baud: 9600) < .milliseconds(100))
    }

    @Test func aTimedOutPollIsSentOnceMoreBeforeItCounts() async throws {
        let (master, connection, seen) = try await Self.line([.silent, .normal, .silent, .silent])
        defer { master.stop(); connection.close() }
        let e = ModbusExchange(request: Self.poll, timeout: .milliseconds(60), retries: 1)
        let first = await master.exchange([e])[0]
        #expect(first.result == .success(.registers([7, 3])))
        #expect(first.timeoutsRetried == 1)
        // Two silences in a row: an error, after exactly two requests.
        let second = await master.exchange([e])[0]
        #expect(second.result == .failure(.timeout))
        #expect(seen.withLock { $0 } == 4)
    }

    @Test func aLateAnswerIsDiscardedNotTakenForTheNextReply() async throws {
        let (master, connection, seen) = try await Self.line([.late(.milliseconds(150)), .normal])
        defer { master.stop(); connection.close() }
        let e = ModbusExchange(request: Self.poll, timeout: .milliseconds(40), retries: 0)
        #expect(await master.exchange([e])[0].result == .failure(.timeout))
        #expect(await eventually(5) { seen.written.withLock { $0 } == 9 })  // the late answer is on the line now
        let next = await master.exchange([e])[0]
        #expect(next.result == .success(.registers([7, 3])))
        #expect(next.strayBytes == 9)
    }

    @Test func aBrokenReplyKeepsItsBytes() async throws {
        let garbage: [UInt8] = [0x01, 0x04, 0x04, 0x00, 0x07, 0x00, 0x03, 0xDE, 0xAD]
        let (master, connection, _) = try await Self.line([.garbage(garbage), .normal])
        defer { master.stop(); connection.close() }
        let e = ModbusExchange(request: Self.poll, timeout: .milliseconds(60), retries: 1)
        let broken = await master.exchange([e])[0]
        #expect(broken.result == .failure(.bad(.badCRC)))
        #expect(broken.bytes == garbage)
        #expect(await master.exchange([e])[0].result == .success(.registers([7, 3])))
    }

    @Test func aQuietBusWakesTheDriverOnlyForNews() async throws {
        // First answer, then the same answer nine times: one report only.
        let (master, connection, seen) = try await Self.line(Array(repeating: .normal, count: 10))
        defer { master.stop(); connection.close() }
        let answered = Seen()
        let reports = master.poll([ModbusExchange(request: Self.poll, timeout: .milliseconds(60), retries: 1)],
                                  interval: .milliseconds(5), answered: { n in answered.withLock { $0 += n } })
        let collected = Task {
            var all: [PollReport] = []
            for await batch in reports { all += batch }
            return all
        }
        #expect(await eventually(5) { seen.withLock { $0 } == 10 })
        #expect(await eventually(5) { answered.withLock { $0 } == 90 })
        master.stopPolling()
        let all = await collected.value
        #expect(all.count >= 1 && all.first?.outcome.result == .success(.registers([7, 3])))
        // The eleventh poll gets no answer (the keypad played its ten): that is news too.
        #expect(all.dropFirst().allSatisfy { if case .failure = $0.outcome.result { true } else { false } })
    }
}
