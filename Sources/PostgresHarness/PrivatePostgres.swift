import Foundation

/// A private PostgreSQL cluster for a test or a benchmark: initdb into a temporary directory owned by
/// `postgres`, a Unix socket in that directory only (no TCP), stopped and removed by `stop()`. Never the
/// system cluster. Runs its tools as `postgres` through runuser, so the caller must be root (as `make test`
/// and `make bench` are here).
public final class PrivatePostgres: @unchecked Sendable {
    public static let bin = URL(fileURLWithPath: "/usr/lib/postgresql/15/bin")
    public let dir: URL
    public let port: Int

    public var socketDirectory: String { dir.path }

    /// Runs `work` on a thread of its own, off the Swift concurrency pool (the tools block).
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Nil when PostgreSQL 15 is not installed (`make test` installs it). `fsync` off suits tests; a
    /// benchmark passes true to measure what a real server pays.
    public static func start(fsync: Bool = false) async throws -> PrivatePostgres? {
        try await blocking { try PrivatePostgres(fsync: fsync) }
    }

    let fsync: Bool

    private init?(fsync: Bool) throws {
        self.fsync = fsync
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
            "-D", dir.path + "/data", "-o", "-p \(port) -k \(dir.path) -c listen_addresses='' -c fsync=\(fsync ? "on" : "off") -c max_connections=300",
            "-l", dir.path + "/log", "-w", "start"])
    }

    /// A fast restart: connections are cut, the server comes back on the same socket.
    public func restart() async throws {
        try await Self.blocking { try self.restartNow() }
    }

    private func restartNow() throws {
        try Self.asPostgres(Self.bin.appendingPathComponent("pg_ctl").path, ["-D", dir.path + "/data", "-m", "fast", "-w", "stop"])
        try start()
    }

    public func stop() {
        _ = try? Self.asPostgres(Self.bin.appendingPathComponent("pg_ctl").path, ["-D", dir.path + "/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(at: dir)
    }

    /// Rows of a query, tab-separated columns, through psql.
    public func query(_ sql: String, database: String = "district") async throws -> [[String]] {
        try await Self.blocking { try self.queryNow(sql, database: database) }
    }

    private func queryNow(_ sql: String, database: String) throws -> [[String]] {
        let out = try Self.asPostgres("/usr/bin/psql", ["-h", dir.path, "-p", String(port), "-U", "postgres", "-d", database, "-At", "-F", "\t", "-c", sql])
        return out.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    @discardableResult
    public static func asPostgres(_ tool: String, _ arguments: [String]) throws -> String {
        try run("/usr/sbin/runuser", ["-u", "postgres", "--", tool] + arguments)
    }

    public struct Failed: Error, CustomStringConvertible {
        public var description: String
    }

    @discardableResult
    public static func run(_ tool: String, _ arguments: [String]) throws -> String {
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
