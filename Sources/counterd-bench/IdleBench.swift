import Codecs
import Foundation
import Simulators

/// The real daemon at rest: CPU and resident memory of `counterd` (a child process, release build beside
/// this one) while it polls N Modbus evaluators on M lines answered by simulated keypads on ptys, and
/// the CPU cost of one poll.
enum IdleBench {
    static func run(dir: String, evaluators n: Int, lines m: Int, seconds: Double, profiles: String) async throws {
        let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("counterd").path
        guard FileManager.default.isExecutableFile(atPath: bin) else {
            print("\n(idle) needs counterd beside counterd-bench: swift build -c release --product counterd")
            return
        }
        let windows = max(1, n)
        let perLine = m > 0 ? (n + m - 1) / m : 0
        var lines: [SimulatedModbusEvaluators] = []
        var toml = "[hall]\nname = \"idle bench\"\n[[categories]]\ncode = \"a\"\nname = \"甲\"\nprefix = \"A\"\n"
        for w in 1...windows { toml += "[[windows]]\nnumber = \(w)\ncategories = [\"a\"]\n" }
        var window = 1
        for l in 0..<m where window <= n {
            let count = min(perLine, n - window + 1)
            let sim = try SimulatedModbusEvaluators(units: (1...count).map { UInt8($0) })
            lines.append(sim)
            let bus = (1...count).map { "{address = \($0), window = \(window + $0 - 1)}" }.joined(separator: ", ")
            toml += "[[devices]]\nid = \"line-\(l)\"\nrole = \"evaluator\"\ntransport = \"serial\"\npath = \"\(sim.path)\"\n"
                + "profile = \"modbus-rtu-evaluator\"\nbaud = 9600\nbus = [\(bus)]\n"
            window += count
        }
        let work = dir + "/idle-\(n)x\(m)"
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try toml.write(toFile: work + "/counterd.toml", atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin)
        p.arguments = ["--config", work + "/counterd.toml", "--database", work + "/idle.sqlite", "--runtime-dir", work + "/run",
                       "--listen", "127.0.0.1:0", "--no-udev", "--profiles", profiles, "--log-level", "warning"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { p.terminate(); p.waitUntilExit() }
        func polls() -> Int {
            guard perLine > 0 else { return 0 }
            return lines.reduce(0) { sum, line in sum + (1...perLine).reduce(0) { $0 + (line.unit(UInt8($1))?.polls ?? 0) } }
        }
        // Warm up: connected and polling.
        try await Task.sleep(for: .seconds(5))
        let (cpu0, polls0, t0) = (cpuSeconds(p.processIdentifier), polls(), ContinuousClock.now)
        try await Task.sleep(for: .seconds(seconds))
        let (cpu1, polls1, t1) = (cpuSeconds(p.processIdentifier), polls(), ContinuousClock.now)
        let wall = Double((t1 - t0).components.seconds) + Double((t1 - t0).components.attoseconds) / 1e18
        let cpu = cpu1 - cpu0, count = polls1 - polls0
        let perPoll = count > 0 ? String(format: "%.1f µs of CPU per poll", cpu / Double(count) * 1e6) : "no polls"
        print(String(format: "\n(idle) counterd with %d evaluators on %d lines, %.0f s: %.2f %% of a core, %d polls (%.0f/s), %@, RSS %d KiB",
                     n, m, wall, cpu / wall * 100, count, Double(count) / wall, perPoll, residentKiB(p.processIdentifier)))
    }

    /// The least CPU a poll can cost here: one thread doing only what a poll must — write the request
    /// to a pty, sleep in poll(2) until the simulated keypad's reply, read it, sleep the 3.5-character
    /// silence — timed with the thread's own CPU clock. It puts the daemon's figure per poll beside what
    /// the machine's syscalls and wake-ups cost (a VM pays for every wake-up).
    static func floor(polls: Int = 2000) throws {
        let sim = try SimulatedModbusEvaluators(units: [1])
        let fd = open(sim.path, O_RDWR | O_NOCTTY)
        guard fd >= 0 else { return print("\n(idle) floor: cannot open \(sim.path)") }
        defer { close(fd) }
        var t = termios()
        tcgetattr(fd, &t)
        cfmakeraw(&t)
        tcsetattr(fd, TCSANOW, &t)
        let request = ModbusRTU.Request.readInput(unit: 1, address: 0, count: 2).bytes
        var buffer = [UInt8](repeating: 0, count: 64)
        func threadCPU() -> Double {
            var ts = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
            return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
        }
        let start = threadCPU()
        var answered = 0
        for _ in 0..<polls {
            _ = request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, 100) > 0, read(fd, &buffer, buffer.count) > 0 { answered += 1 }
            var gap = timespec(tv_sec: 0, tv_nsec: 4_000_000)
            nanosleep(&gap, nil)
        }
        let cpu = threadCPU() - start
        print(String(format: "\n(idle) floor on this machine: %.1f µs of CPU per poll (write, wait for the reply, read, 4 ms silence; %d of %d answered)",
                     cpu / Double(polls) * 1e6, answered, polls))
    }

    /// utime + stime of a process, in seconds.
    static func cpuSeconds(_ pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, utime 14 and stime 15 (1-based over the whole line).
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func residentKiB(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
