import ArgumentParser
import Foundation
import HallModel
import HallRuntime
import Logging
import Store

/// Test-only program (never shipped): runs hall commands against a database and prints "ack SEQ KIND TICKET" for each
/// event once its command is acknowledged, so a test can SIGKILL it at any moment and check the log.
@main
struct CrashProbe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "counterd-crash-probe")

    @Option var database: String
    @Option var commands: Int = 100_000
    @Option var concurrency: Int = 4

    static let setup = HallSetup(
        name: "crash probe",
        categories: [ServiceCategory(code: "a", name: "甲", prefix: "A"), ServiceCategory(code: "b", name: "乙", prefix: "B")],
        windows: [ServiceWindow(number: 1, name: "1", categories: ["a", "b"]), ServiceWindow(number: 2, name: "2", categories: ["b", "a"])],
        clerks: [Clerk(id: "c1", name: "一"), Clerk(id: "c2", name: "二")])

    func run() async throws {
        LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
        let store = try EventStore(path: database, sync: .full)
        let hall = try Hall(setup: Self.setup, store: store, clock: SystemClock())
        let out = Printer()
        let script: [HallCommand] = [
            .signIn(window: 1, clerk: "c1"), .signIn(window: 2, clerk: "c2"),
            .issueTicket(category: "a", priority: false), .issueTicket(category: "b", priority: false),
            .callNext(window: 1), .callNext(window: 2), .recall(window: 1),
            .finish(window: 1, outcome: .immediate), .rate(window: 1, level: .verySatisfied),
            .finish(window: 2, outcome: .promised), .rate(window: 2, level: .dissatisfied), .rate(window: 2, level: .satisfied),
        ]
        // Several tasks at once, so group commits are in play when the kill comes.
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var i = worker
                    while i < commands {
                        let command = script[i % script.count]
                        if let events = try? await hall.execute(command, source: "probe") {
                            out.ack(events)
                        }
                        i += concurrency
                    }
                }
            }
        }
    }
}

/// Writes acknowledgement lines straight to fd 1, unbuffered, so nothing acknowledged sits in a buffer
/// when the process is killed.
final class Printer: Sendable {
    func ack(_ events: [StoredEvent]) {
        var text = ""
        for e in events { text += "ack \(e.seq) \(e.event.kind.rawValue) \(e.event.ticket ?? "-")\n" }
        text.utf8CString.withUnsafeBufferPointer { p in
            var offset = 0
            let count = p.count - 1
            while offset < count {
                let n = write(1, p.baseAddress! + offset, count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }
}
