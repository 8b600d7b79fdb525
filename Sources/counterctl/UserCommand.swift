import Access
import ArgumentParser
import Exports
import Foundation
import HallConfig
import Store

/// `counterctl user add|passwd|disable|enable|list`: people's accounts, in the accounts file beside the
/// database. Works while counterd runs; a new password or a disabled account ends that person's sessions.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "People's accounts: admin, manager, supervisor, clerk.",
        subcommands: [Add.self, Passwd.self, Disable.self, Enable.self, List.self])

    struct Where: ParsableArguments {
        @OptionGroup var location: Location
        @Option(help: "Accounts file; overrides [server] accounts_database (default: accounts.sqlite beside the database).")
        var accounts: String?

        func open() throws -> (AccountStore, CounterdConfig) {
            let cfg = try location.loadConfig()
            var path = accounts ?? cfg.accountsPath
            if accounts == nil, let db = location.database, cfg.server.accountsDatabase == nil { path = AccountStore.path(besideDatabase: db) }
            do {
                let store = try AccountStore(path: path)
                settle(store, cfg)
                return (store, cfg)
            } catch {
                FileHandle.standardError.write(Data("cannot open the accounts file \(path): \(error)\n".utf8))
                throw ExitCode(1)
            }
        }

        /// Run as root (the usual way), counterctl would leave the accounts file root's, and counterd — which runs
        /// as its own user — could then not sign anyone in: the file and its WAL go to the database's owner, 0640.
        func settle(_ store: AccountStore, _ cfg: CounterdConfig) {
            let path = store.path, database = location.database ?? cfg.database.path
            guard getuid() == 0, let attrs = try? FileManager.default.attributesOfItem(atPath: database),
                  let uid = (attrs[.ownerAccountID] as? NSNumber)?.uint32Value, let gid = (attrs[.groupOwnerAccountID] as? NSNumber)?.uint32Value else { return }
            for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
                _ = chown(file, uid, gid)
                _ = chmod(file, 0o640)
            }
        }
    }

    /// Who ran the command, for the audit record.
    static var actor: String { "counterctl:" + (ProcessInfo.processInfo.environment["SUDO_USER"] ?? ProcessInfo.processInfo.environment["USER"] ?? "\(getuid())") }

    static func readPassword(prompt: String) throws -> String {
        let password: String
        if isatty(0) == 1 {
            guard let p = getpass(prompt) else { throw ValidationError("cannot read the password") }
            password = String(cString: p)
            guard let again = getpass("again: "), String(cString: again) == password else { throw ValidationError("the two passwords differ; nothing was changed") }
        } else {
            password = readLine(strippingNewline: true) ?? ""
        }
        if let problem = Password.problem(password) { throw ValidationError(problem) }
        return password
    }

    static func setDisabled(_ login: String, _ disabled: Bool, _ place: Where) throws {
        let (store, cfg) = try place.open()
        defer { place.settle(store, cfg) }
        guard try store.setDisabled(login, disabled, at: Date()) else { throw ValidationError("no account \"\(login)\" (counterctl user list)") }
        try store.record(AuditEntry(at: Date(), actor: actor, role: "admin", action: disabled ? "user_disable" : "user_enable", target: login,
                                    detail: disabled ? "已停用" : "已启用", ok: true))
        print("account \(login) \(disabled ? "disabled" : "enabled")")
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an account; the password is read from standard input (asked twice on a terminal).")
        @Argument(help: "Login name (letters, digits, . _ -).") var login: String
        @Option(help: "admin, manager, supervisor or clerk.") var role: String
        @Option(help: "The person's name as pages show it (default: the login).") var name: String?
        @Option(help: "For a clerk account: the clerk's [[clerks]] id.") var clerk: String?
        @OptionGroup var place: Where

        func run() async throws {
            guard !login.isEmpty, login.count <= 32, login.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
                throw ValidationError("a login is 1–32 letters, digits, '.', '_' or '-'")
            }
            guard let r = Role(rawValue: role), Role.accountRoles.contains(r) else {
                throw ValidationError("--role must be admin, manager, supervisor or clerk (found \"\(role)\")")
            }
            let (store, cfg) = try place.open()
            if r == .clerk {
                guard let clerk else { throw ValidationError("a clerk account needs --clerk ID (the clerk's [[clerks]] id)") }
                guard cfg.setup.clerk(clerk) != nil else { throw ValidationError("no clerk \"\(clerk)\" in the config") }
            } else if clerk != nil {
                throw ValidationError("--clerk is only for --role clerk")
            }
            let password = try UserCommand.readPassword(prompt: "password for \(login): ")
            let now = Date()
            let added = try store.add(AccountRecord(login: login, name: name ?? cfg.setup.clerk(clerk ?? "")?.name ?? login, role: r.rawValue, clerk: clerk,
                                                    passwordHash: Password.hash(password), createdAt: now, changedAt: now))
            guard added else {
                FileHandle.standardError.write(Data("an account \"\(login)\" exists already (counterctl user passwd \(login) to change its password)\n".utf8))
                throw ExitCode(1)
            }
            try store.record(AuditEntry(at: now, actor: UserCommand.actor, role: "admin", action: "user_add", target: login, detail: "角色：\(r.zh)", ok: true))
            place.settle(store, cfg)
            print("account \(login) added (\(r.zh)); it signs in at /login — file \(store.path)")
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set an account's password (its sessions end).")
        @Argument var login: String
        @OptionGroup var place: Where

        func run() async throws {
            let (store, cfg) = try place.open()
            defer { place.settle(store, cfg) }
            guard try store.account(login) != nil else { throw ValidationError("no account \"\(login)\" (counterctl user list)") }
            let password = try UserCommand.readPassword(prompt: "new password for \(login): ")
            _ = try store.setPassword(login, hash: Password.hash(password), at: Date())
            try store.record(AuditEntry(at: Date(), actor: UserCommand.actor, role: "admin", action: "user_passwd", target: login, detail: "已重设密码", ok: true))
            print("password of \(login) changed; its sessions ended")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account (it cannot sign in; its sessions end).")
        @Argument var login: String
        @OptionGroup var place: Where

        func run() async throws { try UserCommand.setDisabled(login, true, place) }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account again.")
        @Argument var login: String
        @OptionGroup var place: Where

        func run() async throws { try UserCommand.setDisabled(login, false, place) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts.")
        @OptionGroup var place: Where
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let (store, _) = try place.open()
            let accounts = try store.accounts()
            if json {
                let rows = accounts.map { a -> [String: Any] in
                    ["login": a.login, "name": a.name, "role": a.role, "clerk": a.clerk as Any, "disabled": a.disabled,
                     "last_login": a.lastLoginAt.map { ISO8601DateFormatter().string(from: $0) } as Any]
                }
                let data = try JSONSerialization.data(withJSONObject: rows, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            let f = DateFormatter()
            f.dateFormat = "yyyy-MM-dd HH:mm"
            var table = TextTable(headers: ["login", "name", "role", "clerk", "state", "last sign-in"], alignments: Array(repeating: .left, count: 6))
            table.rows = accounts.map {
                [$0.login, $0.name, $0.role, $0.clerk ?? "", $0.disabled ? "disabled" : "active", $0.lastLoginAt.map(f.string) ?? "never"]
            }
            print(table.render(), terminator: "")
        }
    }
}
