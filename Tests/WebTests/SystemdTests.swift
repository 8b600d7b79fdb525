import Foundation
import TestSupport
import Testing

/// The unit file under systemd-analyze, and sd_notify from the real binary.
@Suite struct SystemdTests {
    static let unit = DaemonTests.repo.appendingPathComponent("systemd/counterd.service")

    static func run(_ args: [String]) async throws -> (Int32, String, String) {
        let r = try await Command.run(URL(fileURLWithPath: "/usr/bin/systemd-analyze"), args)
        return (r.status, r.out, r.err)
    }

    @Test func unitVerifiesWithNothingOnStderr() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"), "systemd-analyze missing: run `make test`")
        // verify checks that ExecStart exists: point it at the binary just built.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
            .replacingOccurrences(of: "/usr/bin/counterd ", with: Daemon.bin.appendingPathComponent("counterd").path + " ")
        let copy = dir.appendingPathComponent("counterd.service")
        try text.write(to: copy, atomically: true, encoding: .utf8)
        let (status, _, err) = try await Self.run(["verify", copy.path])
        #expect(status == 0)
        #expect(err.isEmpty, "systemd-analyze verify: \(err)")
    }

    /// counterd-district's unit: it verifies against the binary just built and its exposure stays ≤ 1.5.
    @Test func districtUnitVerifiesAndIsConfined() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"), "systemd-analyze missing: run `make test`")
        let unit = Self.unit.deletingLastPathComponent().appendingPathComponent("counterd-district.service")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try String(contentsOf: unit, encoding: .utf8)
            .replacingOccurrences(of: "/usr/bin/counterd-district ", with: Daemon.bin.appendingPathComponent("counterd-district").path + " ")
        let copy = dir.appendingPathComponent("counterd-district.service")
        try text.write(to: copy, atomically: true, encoding: .utf8)
        let (status, _, err) = try await Self.run(["verify", copy.path])
        #expect(status == 0 && err.isEmpty, "systemd-analyze verify: \(err)")
        let (_, out, err2) = try await Self.run(["security", "--offline=true", unit.path])
        let line = (out + err2).split(separator: "\n").first { $0.contains("Overall exposure level") } ?? ""
        let score = line.split(separator: " ").compactMap { Double($0) }.first ?? 99
        #expect(score <= 1.5, "\(line)")
        print("systemd-analyze security counterd-district: \(line.trimmingCharacters(in: .whitespaces))")
    }

    /// The kiosk-browser user unit for display and kiosk PCs (chromium is installed by `make test`).
    @Test func displayUserUnitVerifies() async throws {
        let unit = Self.unit.deletingLastPathComponent().appendingPathComponent("counterd-display.service")
        let runtime = FileManager.default.temporaryDirectory.appendingPathComponent("xdg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: runtime) }
        let r = try await Command.run(URL(fileURLWithPath: "/usr/bin/env"),
                                      ["XDG_RUNTIME_DIR=\(runtime.path)", "systemd-analyze", "verify", "--user", unit.path])
        #expect(r.status == 0 && r.err.isEmpty, "systemd-analyze verify --user: \(r.err)")
    }

    @Test func exposureIsAtMostOnePointFive() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"), "systemd-analyze missing: run `make test`")
        let (_, out, err) = try await Self.run(["security", "--offline=true", Self.unit.path])
        let line = (out + err).split(separator: "\n").first { $0.contains("Overall exposure level") } ?? ""
        let score = line.split(separator: " ").compactMap { Double($0) }.first ?? 99
        #expect(score <= 1.5, "\(line)")
        print("systemd-analyze security: \(line.trimmingCharacters(in: .whitespaces))")
    }

    @Test func notifiesReadyStatusAndWatchdog() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("n.sock").path
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in for (i, b) in path.utf8.enumerated() { raw[i] = b } }
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        try #require(bound == 0)
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))

        let p = Process()
        p.executableURL = Daemon.bin.appendingPathComponent("counterd")
        p.arguments = ["--config", DaemonTests.repo.appendingPathComponent("config/demo.toml").path,
                       "--database", dir.appendingPathComponent("c.sqlite").path, "--runtime-dir", dir.appendingPathComponent("run").path,
                       "--listen", "127.0.0.1:0", "--log-level", "info"]
        var env = ProcessInfo.processInfo.environment
        env["NOTIFY_SOCKET"] = path
        env["WATCHDOG_USEC"] = "400000"
        env["JOURNAL_STREAM"] = "8:12345"
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        let journal = dir.appendingPathComponent("journal.txt")
        _ = FileManager.default.createFile(atPath: journal.path, contents: nil)
        p.standardError = try FileHandle(forWritingTo: journal)
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        let messages = try await offload { () -> [String] in
            var got: [String] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while got.filter({ $0 == "WATCHDOG=1" }).count < 3 {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 4096, 0) }
                if n <= 0 { break }
                got.append(String(decoding: buffer[0..<n], as: UTF8.self))
            }
            return got
        }
        #expect(messages.first?.hasPrefix("READY=1\nSTATUS=") == true, "\(messages)")
        #expect(messages.first?.contains("windows open") == true)
        #expect(messages.filter { $0 == "WATCHDOG=1" }.count == 3)
        kill(p.processIdentifier, SIGTERM)
        let stopping = try await offload { () -> String in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 4096, 0) }
                if n <= 0 { return "" }
                let m = String(decoding: buffer[0..<n], as: UTF8.self)
                if m.hasPrefix("STOPPING=1") { return m }
            }
        }
        try await offload { p.waitUntilExit() }
        #expect(stopping.hasPrefix("STOPPING=1"))
        #expect(p.terminationStatus == 0)
        // Journald form: every line starts with a syslog priority, none with a timestamp of our own.
        let lines = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n")
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { $0.hasPrefix("<") && $0.dropFirst().first?.isNumber == true && $0.dropFirst(2).first == ">" }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("<6>counterd: database open") })
    }
}
