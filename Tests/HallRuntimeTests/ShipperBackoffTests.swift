@testable import Delivery
import Foundation
import HallModel
@testable import HallRuntime
import Store
import Synchronization
import TestSupport
import Testing

/// A district in trouble is not hammered: against a stand-in that answers 502, one that closes every connection
/// without answering and one that never answers, the hall's shipper pauses after every failed attempt for at least
/// `retry_first_seconds` (less 10 % jitter), though new events keep arriving the whole time (they used to cut the
/// pause short: hundreds of attempts a second). Real sockets on 127.0.0.1, a real SQLite log.
@Suite(.serialized) struct ShipperBackoffTests {
    final class Stamps: @unchecked Sendable {
        let process = Process()
        let output = Pipe()
        private let lines = Mutex<[String]>([])

        init(mode: String) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = [LogFixture.folder.deletingLastPathComponent().appendingPathComponent("district/bad_district.py").path, mode]
            process.standardOutput = output
            try process.run()
            output.fileHandleForReading.readabilityHandler = { [self] h in
                let text = String(decoding: h.availableData, as: UTF8.self)
                lines.withLock { $0 += text.split(separator: "\n").map(String.init) }
            }
        }

        var port: Int? { lines.withLock { $0.first.flatMap { Int($0) } } }
        /// The accepted connections' times, seconds.
        var attempts: [Double] { lines.withLock { Array($0.dropFirst()).compactMap(Double.init) } }
        func stop() {
            output.fileHandleForReading.readabilityHandler = nil
            // SIGKILL: a SIGTERM the test process ignores would be ignored by its child too.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    @Test(arguments: ["502", "close", "hang"]) func everyFailureKindWaitsItsPause(mode: String) async throws {
        let district = try Stamps(mode: mode)
        defer { district.stop() }
        #expect(await eventually(10) { district.port != nil }, "the stand-in district did not start")
        let port = try #require(district.port)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ship-backoff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let token = dir.appendingPathComponent("token").path
        try "hall-token".write(toFile: token, atomically: true, encoding: .utf8)
        let store = try EventStore(path: dir.appendingPathComponent("hall.sqlite").path)
        let setup = HallSetup(name: "退避测试", categories: [ServiceCategory(code: "a", name: "户籍", prefix: "A")],
                              windows: [ServiceWindow(number: 1, name: "1号窗口", categories: ["a"])], clerks: [Clerk(id: "c1", name: "张敏")])
        let hall = try Hall(setup: setup, store: store, clock: SystemClock())
        let first = 0.3
        let target = LogShipper.Target(url: "http://127.0.0.1:\(port)", hallID: "h1", tokenFile: token, retryFirst: first, retryMax: 0.6,
                                       timeout: .milliseconds(500))
        let health = ShipHealth(ShipStatus(url: target.url, hallId: "h1"))
        let shipper = LogShipper(store: store, target: target, hub: hall.hub, health: health, wallClock: { hall.now })
        let running = Task { try await shipper.run() }
        defer { running.cancel() }
        // Events keep coming (each one rings the shipper's doorbell) while it fails.
        let traffic = Task {
            while !Task.isCancelled {
                _ = try? await hall.execute(HallCommand.issueTicket(category: "a", priority: false))
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        defer { traffic.cancel() }
        #expect(await eventually(30) { district.attempts.count >= 5 }, "the shipper stopped trying: \(district.attempts)")
        traffic.cancel()
        running.cancel()
        let times = district.attempts
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        // Each pause is at least retry_first less its 10 % jitter; a hung answer adds its timeout on top.
        let least = first * 0.9 + (mode == "hang" ? 0.5 : 0) - 0.02
        #expect(gaps.allSatisfy { $0 >= least }, "\(mode): attempts came closer than \(least) s: \(gaps)")
        // The hall says what is wrong, in words, and since when.
        let status = health.status
        #expect(status.offlineSince != nil && (status.problem == "server_error" || status.problem == "unreachable"), "\(status)")
    }
}
