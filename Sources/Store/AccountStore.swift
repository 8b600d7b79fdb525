import Foundation
import GRDB

/// A person's account as stored.
public struct AccountRecord: Sendable, Equatable, Codable {
    public var login: String
    public var name: String
    /// `Role` raw value: admin, manager, supervisor, clerk.
    public var role: String
    /// For a clerk account: the `[[clerks]]` id.
    public var clerk: String?
    public var passwordHash: String
    public var disabled: Bool
    public var createdAt: Date
    public var changedAt: Date
    public var lastLoginAt: Date?

    public init(login: String, name: String, role: String, clerk: String? = nil, passwordHash: String, disabled: Bool = false,
                createdAt: Date, changedAt: Date, lastLoginAt: Date? = nil) {
        self.login = login
        self.name = name
        self.role = role
        self.clerk = clerk
        self.passwordHash = passwordHash
        self.disabled = disabled
        self.createdAt = createdAt
        self.changedAt = changedAt
        self.lastLoginAt = lastLoginAt
    }
}

/// A signed-in browser: the cookie's token is kept only as its SHA-256.
public struct SessionRecord: Sendable, Equatable {
    public var tokenSHA256: String
    public var login: String
    public var createdAt: Date
    public var expiresAt: Date
    /// What a write must send back in `X-CSRF-Token`.
    public var csrf: String

    public init(tokenSHA256: String, login: String, createdAt: Date, expiresAt: Date, csrf: String) {
        self.tokenSHA256 = tokenSHA256
        self.login = login
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.csrf = csrf
    }
}

/// One thing a person did (or tried): sign-in, setup edit, supervisor move, case step, account change.
public struct AuditEntry: Sendable, Equatable, Codable {
    public var seq: Int64
    public var at: Date
    /// The account's login, or who ran counterctl ("counterctl:root").
    public var actor: String
    public var role: String
    /// login, login_failed, logout, user_add, setup_edit, supervise_move …
    public var action: String
    /// What it acted on: a window, a ticket, a section, an account.
    public var target: String
    /// What changed, in words.
    public var detail: String
    /// Whether it was done (false: refused, with the reason in `detail`).
    public var ok: Bool

    public init(seq: Int64 = 0, at: Date, actor: String, role: String, action: String, target: String, detail: String, ok: Bool) {
        self.seq = seq
        self.at = at
        self.actor = actor
        self.role = role
        self.action = action
        self.target = target
        self.detail = detail
        self.ok = ok
    }
}

/// Accounts, sessions and the audit record, in their own SQLite file beside the event log
/// (`accounts.sqlite`): counterctl adds and changes accounts while counterd runs, and none of it is a
/// hall event, so it never contends with the log's single writer. WAL, a busy timeout for the two writers.
public final class AccountStore: Sendable {
    let db: DatabaseQueue
    public let path: String

    public init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        db = try DatabaseQueue(path: path, configuration: config)
        try db.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = WAL") }
        try Self.migrator.migrate(db)
        // Password hashes and session digests: not for every local user to read.
        for file in [path, path + "-wal", path + "-shm"] { chmod(file, 0o640) }
    }

    /// The accounts file beside a hall database.
    public static func path(besideDatabase database: String) -> String {
        (database as NSString).deletingLastPathComponent.isEmpty
            ? "accounts.sqlite" : ((database as NSString).deletingLastPathComponent as NSString).appendingPathComponent("accounts.sqlite")
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-accounts") { db in
            try db.execute(sql: """
                CREATE TABLE accounts (
                    login TEXT PRIMARY KEY NOT NULL COLLATE NOCASE,
                    name TEXT NOT NULL,
                    role TEXT NOT NULL,
                    clerk TEXT,
                    password_hash TEXT NOT NULL,
                    disabled INTEGER NOT NULL DEFAULT 0,
                    created_at_ms INTEGER NOT NULL,
                    changed_at_ms INTEGER NOT NULL,
                    last_login_ms INTEGER
                );
                CREATE TABLE sessions (
                    token_sha256 TEXT PRIMARY KEY NOT NULL,
                    login TEXT NOT NULL COLLATE NOCASE,
                    created_at_ms INTEGER NOT NULL,
                    expires_at_ms INTEGER NOT NULL,
                    csrf TEXT NOT NULL
                );
                CREATE TABLE audit (
                    seq INTEGER PRIMARY KEY,
                    at_ms INTEGER NOT NULL,
                    actor TEXT NOT NULL,
                    role TEXT NOT NULL,
                    action TEXT NOT NULL,
                    target TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    ok INTEGER NOT NULL
                );
                CREATE INDEX audit_at ON audit(at_ms);
                """)
        }
        return m
    }

    // MARK: Accounts

    public func accounts() throws -> [AccountRecord] {
        try db.read { db in try Row.fetchAll(db, sql: "SELECT * FROM accounts ORDER BY login").map(Self.account) }
    }

    public func account(_ login: String) throws -> AccountRecord? {
        try db.read { db in try Row.fetchOne(db, sql: "SELECT * FROM accounts WHERE login = ?", arguments: [login]).map(Self.account) }
    }

    /// Adds an account; false when the login is taken.
    public func add(_ a: AccountRecord) throws -> Bool {
        try db.write { db in
            if try Row.fetchOne(db, sql: "SELECT 1 FROM accounts WHERE login = ?", arguments: [a.login]) != nil { return false }
            try db.execute(sql: """
                INSERT INTO accounts (login, name, role, clerk, password_hash, disabled, created_at_ms, changed_at_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [a.login, a.name, a.role, a.clerk, a.passwordHash, a.disabled, ms(a.createdAt), ms(a.changedAt)])
            return true
        }
    }

    /// Sets a new password and ends the account's sessions; false when there is no such account.
    public func setPassword(_ login: String, hash: String, at: Date) throws -> Bool {
        try db.write { db in
            try db.execute(sql: "UPDATE accounts SET password_hash = ?, changed_at_ms = ? WHERE login = ?", arguments: [hash, ms(at), login])
            let changed = db.changesCount > 0
            try db.execute(sql: "DELETE FROM sessions WHERE login = ?", arguments: [login])
            return changed
        }
    }

    /// Disables or enables an account (disabling ends its sessions); false when there is no such account.
    public func setDisabled(_ login: String, _ disabled: Bool, at: Date) throws -> Bool {
        try db.write { db in
            try db.execute(sql: "UPDATE accounts SET disabled = ?, changed_at_ms = ? WHERE login = ?", arguments: [disabled, ms(at), login])
            let changed = db.changesCount > 0
            if disabled { try db.execute(sql: "DELETE FROM sessions WHERE login = ?", arguments: [login]) }
            return changed
        }
    }

    public func noteLogin(_ login: String, at: Date) throws {
        try db.write { db in try db.execute(sql: "UPDATE accounts SET last_login_ms = ? WHERE login = ?", arguments: [ms(at), login]) }
    }

    // MARK: Sessions

    public func save(_ s: SessionRecord) throws {
        try db.write { db in
            try db.execute(sql: "INSERT INTO sessions (token_sha256, login, created_at_ms, expires_at_ms, csrf) VALUES (?, ?, ?, ?, ?)",
                           arguments: [s.tokenSHA256, s.login, ms(s.createdAt), ms(s.expiresAt), s.csrf])
        }
    }

    public func session(_ tokenSHA256: String, now: Date) throws -> SessionRecord? {
        try db.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM sessions WHERE token_sha256 = ? AND expires_at_ms > ?", arguments: [tokenSHA256, ms(now)])
                .map { SessionRecord(tokenSHA256: $0["token_sha256"], login: $0["login"], createdAt: date($0["created_at_ms"]),
                                     expiresAt: date($0["expires_at_ms"]), csrf: $0["csrf"]) }
        }
    }

    public func endSession(_ tokenSHA256: String) throws {
        try db.write { db in try db.execute(sql: "DELETE FROM sessions WHERE token_sha256 = ?", arguments: [tokenSHA256]) }
    }

    public func dropExpiredSessions(now: Date) throws {
        try db.write { db in try db.execute(sql: "DELETE FROM sessions WHERE expires_at_ms <= ?", arguments: [ms(now)]) }
    }

    // MARK: Audit

    public func record(_ e: AuditEntry) throws {
        try db.write { db in
            try db.execute(sql: "INSERT INTO audit (at_ms, actor, role, action, target, detail, ok) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [ms(e.at), e.actor, e.role, e.action, e.target, e.detail, e.ok])
        }
    }

    /// Entries from `from` up to (not including) `to`, newest first, at most `limit`.
    public func audit(from: Date, to: Date, actor: String? = nil, limit: Int = 1000) throws -> [AuditEntry] {
        try db.read { db in
            var sql = "SELECT * FROM audit WHERE at_ms >= ? AND at_ms < ?"
            var args: [any DatabaseValueConvertible] = [ms(from), ms(to)]
            if let actor, !actor.isEmpty { sql += " AND actor = ? COLLATE NOCASE"; args.append(actor) }
            sql += " ORDER BY seq DESC LIMIT ?"
            args.append(limit)
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map { r in
                AuditEntry(seq: r["seq"], at: date(r["at_ms"]), actor: r["actor"], role: r["role"], action: r["action"], target: r["target"],
                           detail: r["detail"], ok: r["ok"])
            }
        }
    }

    static func account(_ r: Row) -> AccountRecord {
        AccountRecord(login: r["login"], name: r["name"], role: r["role"], clerk: r["clerk"], passwordHash: r["password_hash"],
                      disabled: r["disabled"], createdAt: date(r["created_at_ms"]), changedAt: date(r["changed_at_ms"]),
                      lastLoginAt: (r["last_login_ms"] as Int64?).map(date))
    }
}

private func ms(_ d: Date) -> Int64 { Int64((d.timeIntervalSince1970 * 1000).rounded()) }
private func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }
