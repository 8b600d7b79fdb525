import Foundation

/// A real pseudo-terminal pair: the code under test opens `path`, the test plays the device on `master`.
final class PTY: @unchecked Sendable {
    let master: Int32
    let path: String

    init() throws {
        var m: Int32 = 0, s: Int32 = 0
        var name = [CChar](repeating: 0, count: 128)
        guard openpty(&m, &s, &name, nil, nil) == 0 else { throw POSIXError(.EIO) }
        // Raw on the device side too, so bytes pass untouched both ways.
        var t = termios()
        tcgetattr(s, &t)
        cfmakeraw(&t)
        tcsetattr(s, TCSANOW, &t)
        master = m
        path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // Keep the slave open until the code under test has opened it, so the pair stays alive.
        slave = s
    }

    private var slave: Int32

    func releaseSlave() {
        if slave >= 0 { close(slave); slave = -1 }
    }

    func write(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
    }

    /// Reads what the code under test wrote, waiting up to `timeout` for `count` bytes.
    func read(count: Int, timeout: Double = 3) -> [UInt8] {
        var out: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while out.count < count && Date() < deadline {
            var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 50) > 0 else { continue }
            var buf = [UInt8](repeating: 0, count: 4096)
            let n = buf.withUnsafeMutableBytes { Glibc.read(master, $0.baseAddress, 4096) }
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return out
    }

    func closeMaster() { close(master) }

    deinit {
        releaseSlave()
    }
}

/// Collects a connection's inbound bytes until `count` arrive or time runs out.
func collect(_ stream: AsyncThrowingStream<[UInt8], any Error>, count: Int, timeout: Double = 3) async throws -> [UInt8] {
    try await withThrowingTaskGroup(of: [UInt8].self) { group in
        group.addTask {
            var got: [UInt8] = []
            for try await chunk in stream {
                got += chunk
                if got.count >= count { break }
            }
            return got
        }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
            return []
        }
        let first = try await group.next() ?? []
        group.cancelAll()
        return first
    }
}
