import Access
import Foundation
import Synchronization
import TestSupport

/// Starting the real counterd binary and learning the port it bound (it prints its URLs on stdout).
enum Daemon {
    static let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()

    /// Starts counterd with `arguments`; returns the process and its HTTP port (0 if it logged none: the
    /// URLs are logged at notice level, so `--log-level` must be notice or lower).
    static func start(_ arguments: [String]) async throws -> (Process, Int) {
        let (p, port, _) = try await startLogged(arguments)
        return (p, port)
    }

    /// Like `start`, and keeps everything the daemon logs for the test to read.
    static func startLogged(_ arguments: [String], wrapper: [String] = []) async throws -> (Process, Int, DaemonLog) {
        let p = Process()
        if let tool = wrapper.first {
            // e.g. umockdev-run -d DEVICE … -- counterd ARGS
            p.executableURL = URL(fileURLWithPath: tool)
            p.arguments = Array(wrapper.dropFirst()) + ["--", bin.appendingPathComponent("counterd").path] + arguments
        } else {
            p.executableURL = bin.appendingPathComponent("counterd")
            p.arguments = arguments
        }
        let out = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = out
        try p.run()
        let log = DaemonLog()
        let port = try await offload { () -> Int in
            while true {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { return 0 }
                let text = log.append(chunk)
                if let r = text.range(of: #"127\.0\.0\.1:(\d+)/api/state"#, options: .regularExpression) {
                    // Keep draining the log so a chatty daemon never blocks on a full pipe.
                    let handle = out.fileHandleForReading
                    Thread.detachNewThread {
                        while true {
                            let more = handle.availableData
                            if more.isEmpty { break }
                            _ = log.append(more)
                        }
                    }
                    return Int(text[r].split(separator: ":")[1].split(separator: "/")[0]) ?? 0
                }
            }
        }
        return (p, port, log)
    }
}

/// What a daemon started by the tests has logged so far.
final class DaemonLog: Sendable {
    private let text = Mutex("")

    func append(_ data: Data) -> String {
        text.withLock { $0 += String(decoding: data, as: UTF8.self); return $0 }
    }

    var all: String { text.withLock { $0 } }

    func count(_ needle: String) -> Int { all.components(separatedBy: needle).count - 1 }
}

/// Runs a program to completion off the Swift concurrency pool and captures what it prints.
enum Command {
    struct Output: Sendable {
        var status: Int32
        var out: String
        var err: String
    }

    /// Runs `executable`, in `directory` when given (else the test's own working directory).
    static func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil, input: String? = nil) async throws -> Output {
        try await offload {
            let p = Process()
            p.executableURL = executable
            p.arguments = arguments
            if let directory { p.currentDirectoryURL = directory }
            let out = Pipe(), err = Pipe()
            p.standardOutput = out
            p.standardError = err
            let stdin = Pipe()
            p.standardInput = input == nil ? FileHandle.nullDevice : stdin
            try p.run()
            if let input {
                stdin.fileHandleForWriting.write(Data(input.utf8))
                try? stdin.fileHandleForWriting.close()
            }
            // Both pipes drain while the program runs, so a talkative one cannot stall on a full pipe.
            let errors = Collected()
            Thread {
                errors.data = err.fileHandleForReading.readDataToEndOfFile()
                errors.done.signal()
            }.start()
            let o = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            errors.done.wait()
            return Output(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self),
                          err: String(decoding: errors.data, as: UTF8.self))
        }
    }

    /// Written by one thread, read after the semaphore: the signal orders the two.
    private final class Collected: @unchecked Sendable {
        var data = Data()
        let done = DispatchSemaphore(value: 0)
    }
}

/// The TOML of a small hall for daemon tests: one category "a" (prefix A) unless told otherwise, the
/// windows and clerks given, and tokens by name — "t-w1" is window 1's, "t-kiosk", "t-display" and
/// "t-manager" the other roles'.
enum TestHall {
    static func toml(name: String, windows: [Int] = [1], categories: [(code: String, name: String, prefix: String)] = [("a", "甲", "A")],
                     clerks: [(id: String, name: String)] = [("c1", "张敏")], tokens: [String] = ["t-w1", "t-kiosk"],
                     windowNames: Bool = false, hallLines: String = "", extra: String = "") -> String {
        var text = "[hall]\nname = \"\(name)\"\n" + hallLines
        for c in categories {
            text += "[[categories]]\ncode = \"\(c.code)\"\nname = \"\(c.name.replacingOccurrences(of: "\"", with: "\\\""))\"\nprefix = \"\(c.prefix)\"\n"
        }
        let codes = categories.map { "\"\($0.code)\"" }.joined(separator: ", ")
        for w in windows { text += "[[windows]]\nnumber = \(w)\n\(windowNames ? "name = \"\(w)号窗口\"\n" : "")categories = [\(codes)]\n" }
        for c in clerks { text += "[[clerks]]\nid = \"\(c.id)\"\nname = \"\(c.name)\"\n" }
        for t in tokens {
            let role: String
            if t.hasPrefix("t-w"), let w = Int(t.dropFirst(3)) {
                text += "[[tokens]]\nrole = \"window\"\nwindow = \(w)\nsha256 = \"\(AccessControl.hash(t))\"\n"
                continue
            }
            role = String(t.dropFirst(2))
            text += "[[tokens]]\nrole = \"\(role)\"\nsha256 = \"\(AccessControl.hash(t))\"\n"
        }
        return text + extra
    }

    /// A Modbus evaluator line on `port` with address 1 at window 1.
    static func evaluatorLine(port: String) -> String {
        "[[devices]]\nid = \"bus-a\"\nrole = \"evaluator\"\ntransport = \"serial\"\npath = \"\(port)\"\nprofile = \"modbus-rtu-evaluator\"\nbus = [{address = 1, window = 1}]\n"
    }
}
