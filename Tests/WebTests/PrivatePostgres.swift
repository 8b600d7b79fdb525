import Foundation

/// A private PostgreSQL cluster for one test: initdb into a temporary directory owned by `postgres`, a
/// Unix socket in that directory only (no TCP), stopped and removed by `stop()`. Never the system cluster.
final class PrivatePostgres: @unchecked Sendable {
    static let bin = URL(fileURLWithPath: "/usr/lib/postgresql/15/bin")
    let dir: URL
    let port: Int

    var socketDirectory: String { dir.path }

    /// Started off the Swift concurrency pool (the tools are waited for with Process.waitUntilExit);
    /// nil when PostgreSQL 15 is not installed (`make test` installs it).
    static func start() async throws -> PrivatePostgres? {
        try await RawHTTP.blocking { try PrivatePostgres() }
    }

    private init?() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.bin.appendingPathComponent("initdb").path) else { return nil }
        dir = URL(fileURLWithPath: "/tmp/counterd-pg-\(UUID().uuidString.prefix(8))")
        port = Int.random(in: 20_000...29_999)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Self.run("/bin/chown", ["postgres:postgres", dir.path])
        try Self.asPostgres(Self.bin.appendingPathComponent("initdb").path, ["-D", dir.path + "/data", "-A", "trust", "-U", "postgres", "-E", "UTF8",
                                                                             "--no-sync"])
        try start()
        try Self.asPostgres(Self.bin.appendingPathComponent("createdb").path, ["-h", dir.path, "-p", String(port), "-U", "postgres", "district"])
    }

    func start() throws {
        try Self.asPostgres(Self.bin.appendingPathComponent("pg_ctl").path, [
            "-D", dir.path + "/data", "-o", "-p \(port) -k \(dir.path) -c listen_addresses='' -c fsync=off", "-l", dir.path + "/log", "-w", "start"])
    }

    /// A fast restart: connections are cut, the server comes back on the same socket.
    func restart() async throws {
        try await RawHTTP.blocking { try self.restartNow() }
    }

    private func restartNow() throws {
        try Self.asPostgres(Self.bin.appendingPathComponent("pg_ctl").path, ["-D", dir.path + "/data", "-m", "fast", "-w", "stop"])
        try start()
    }

    func stop() {
        _ = try? Self.asPostgres(Self.bin.appendingPathComponent("pg_ctl").path, ["-D", dir.path + "/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(at: dir)
    }

    /// Rows of a query, tab-separated columns, through psql.
    func query(_ sql: String) async throws -> [[String]] {
        try await RawHTTP.blocking { try self.queryNow(sql) }
    }

    private func queryNow(_ sql: String) throws -> [[String]] {
        let out = try Self.asPostgres("/usr/bin/psql", ["-h", dir.path, "-p", String(port), "-U", "postgres", "-d", "district", "-At", "-F", "\t", "-c", sql])
        return out.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    @discardableResult
    static func asPostgres(_ tool: String, _ arguments: [String]) throws -> String {
        try run("/usr/sbin/runuser", ["-u", "postgres", "--", tool] + arguments)
    }

    struct Failed: Error, CustomStringConvertible {
        var description: String
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        // system(3), not Process: pg_ctl leaves a postmaster behind, and Foundation's Process did not notice
        // runuser's exit after it (a zombie, and a hung wait). system() blocks SIGCHLD and reaps its own child.
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pg-out-\(UUID().uuidString)")
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("pg-err-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let line = ([tool] + arguments).map(quote).joined(separator: " ") + " </dev/null >\(quote(out.path)) 2>\(quote(err.path))"
        let status = system("cd /tmp && " + line)
        let data = (try? Data(contentsOf: out)) ?? Data()
        guard status == 0 else {
            let errors = (try? Data(contentsOf: err)) ?? Data()
            throw Failed(description: "\(tool) \(arguments.joined(separator: " ")): status \(status): \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
