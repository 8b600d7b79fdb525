import Access
import ArgumentParser
import Devices
import Exports
import Foundation
import HallConfig
import HallModel
import HallRuntime
import Logging
import Store

@main
struct Counterctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "counterctl",
        abstract: "Reports, configuration checks and maintenance for counterd.",
        discussion: """
            Exit codes: 0 success; 1 failure (no database, cannot write, counterd not answering); 3 not running
            (status) or a device not connected (devices); 64 usage error; 65 bad data (integrity check failed,
            projections differ, ambiguous device); 78 configuration error.
            """,
        version: CounterdVersion.version,
        subcommands: [StatusCommand.self, ConfigCommand.self, ReportCommand.self, ExportCommand.self, RebuildCommand.self, VerifyCommand.self, ClerkCommand.self,
                      DevicesCommand.self, UdevRulesCommand.self, RecordCommand.self, VoicePackCommand.self, TokenCommand.self, PlatformCommand.self,
                      UserCommand.self, AppointmentsCommand.self])
}

/// --from and --to, in business days of the hall's time zone.
struct DayRange: ParsableArguments {
    @Option(help: "First business day, yyyy-MM-dd (default: today).")
    var from: String?

    @Option(help: "Last business day, yyyy-MM-dd (default: --from).")
    var to: String?

    /// The range with its defaults filled in; a bad date or order is a usage error (exit 64).
    func resolve(_ reports: Reports) throws -> (from: String, to: String) {
        let from = from ?? BusinessCalendar(identifier: reports.setup.rules.timeZone).day(of: Date())
        let to = to ?? from
        do {
            try reports.validate(from: from, to: to)
        } catch {
            throw ValidationError(error.message(from: "--from", to: "--to"))
        }
        return (from, to)
    }
}

/// Options that locate the config and the database.
struct Location: ParsableArguments {
    @Option(name: .shortAndLong, help: "Config file.")
    var config: String = CounterdConfig.defaultPath

    @Option(help: "SQLite database; overrides [database] path in the config.")
    var database: String?

    /// The config and the database opened read-only (no migration, no write; counterd may be running).
    func load() throws -> (CounterdConfig, EventStore) {
        try load { try EventStore.readOnly(path: $0.database.path) }
    }

    /// The config and the database opened for writing: refused while counterd holds it.
    func loadForWriting() throws -> (CounterdConfig, EventStore) {
        try load { try EventStore(path: $0.database.path, sync: $0.database.sync) }
    }

    /// The config with the setup pages' edits beside the database in use; a config error exits 78.
    func loadConfig() throws -> CounterdConfig {
        do {
            var plain = try CounterdConfig.loadFile(path: config).1
            if let database { plain.database.path = database }
            return try CounterdConfig.load(path: config, editsFile: plain.setupEdits)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(78)
        }
    }

    private func load(_ open: (CounterdConfig) throws -> EventStore) throws -> (CounterdConfig, EventStore) {
        var cfg = try loadConfig()
        if let database { cfg.database.path = database }
        guard FileManager.default.fileExists(atPath: cfg.database.path) else {
            FileHandle.standardError.write(Data("no database at \(cfg.database.path)\n".utf8))
            throw ExitCode(1)
        }
        do {
            return (cfg, try open(cfg))
        } catch let error as StoreError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(75)  // EX_TEMPFAIL: try again once counterd is stopped or has migrated
        }
    }
}

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Check a config file.",
                                                    subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report every error in a config file, with key path and line.",
            discussion: """
                The file is checked together with the setup pages' edits (setup-edits.toml beside the database),                 as counterd runs it: a section present in the edits replaces that section of the file. --file-only                 checks the file alone.
                """)

        @Flag(help: "Check the file alone, without the setup pages' edits.")
        var fileOnly = false

        @Argument(help: "The config file.")
        var file: String = CounterdConfig.defaultPath

        @Option(help: "Directory of evaluator profiles.")
        var profiles: String = "/usr/share/counterd/profiles"

        @Option(help: "Directory of 好差评 platform profiles ([platform] profile).")
        var platforms: String = "/usr/share/counterd/platforms"

        @Option(help: "Directory of 办事指南 files (CODE.toml): each is checked, and its materials against the category's checklist.")
        var guides: String = "/etc/counterd/guides"

        @Flag(help: "Print JSON: {file, ok, issues: [{path, line, message}], …}.")
        var json = false

        func run() async throws {
            do throws(ConfigError) {
                let cfg = fileOnly ? try CounterdConfig.loadFile(path: file).1 : try CounterdConfig.load(path: file)
                let (library, profileIssues) = ProfileLibrary.load(directory: profiles)
                var issues = profileIssues + DriverFactory(hall: NoHall(), profiles: library).check(cfg.devices)
                if let p = cfg.platform, case .failure(let e) = PlatformProfileFile.load(p.profile, directory: platforms) { issues += e.issues }
                let (book, guideIssues) = ServiceGuide.loadAll(directory: guides)
                issues += guideIssues.map { ConfigIssue(path: "\(guides)/\($0.path)", line: $0.line, message: $0.message) }
                issues += ServiceGuide.disagreements(guides: book, categories: cfg.setup.categories)
                    .map { ConfigIssue(path: "\(guides)/\($0.path)", line: $0.line, message: $0.message) }
                if let f = cfg.platform?.authTokenFile, !FileManager.default.isReadableFile(atPath: f) {
                    issues.append(ConfigIssue(path: "platform.auth_token_file", message: "cannot read \(f): the platform's credential goes there"))
                }
                if !issues.isEmpty { throw ConfigError(file: file, issues: issues) }
                if json {
                    printJSON(["file": file, "ok": true, "issues": [Any](), "hall": cfg.setup.name, "categories": cfg.setup.categories.count,
                               "edited_sections": cfg.editedSections, "edits_file": cfg.setupEdits.path,
                               "windows": cfg.setup.windows.count, "clerks": cfg.setup.clerks.count, "tokens": cfg.tokens.count,
                               "devices": cfg.devices.count])
                    return
                }
                print("\(file): ok — \(cfg.setup.name): \(cfg.setup.categories.count) categories, \(cfg.setup.windows.count) windows, "
                      + "\(cfg.setup.clerks.count) clerks, \(cfg.tokens.count) tokens")
                if !cfg.editedSections.isEmpty {
                    print("from the setup pages (\(cfg.setupEdits.path)), replacing the file's: \(cfg.editedSections.map { "[\($0)]" }.joined(separator: ", "))")
                }
            } catch {
                if json {
                    printJSON(["file": file, "ok": false, "issues": error.issues.map { issue -> [String: Any] in
                        var o: [String: Any] = ["path": issue.path, "message": issue.message]
                        if let line = issue.line { o["line"] = line }
                        return o
                    }])
                } else {
                    FileHandle.standardError.write(Data((error.description + "\n").utf8))
                    FileHandle.standardError.write(Data("\(error.issues.count) error(s)\n".utf8))
                }
                throw ExitCode(78)
            }
        }
    }
}

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Per-window, per-clerk or per-category report.")

    enum Scope: String, ExpressibleByArgument, CaseIterable {
        case windows, clerks, categories
        var statsScope: StatsScope {
            switch self {
            case .windows: .window
            case .clerks: .clerk
            case .categories: .category
            }
        }
    }

    @Argument(help: "windows, clerks or categories")
    var scope: Scope

    @OptionGroup var days: DayRange

    @Option(help: "table, csv or json")
    var format: String = "table"

    @Flag(help: "Print JSON (the same as --format json).")
    var json = false

    @Flag(help: "Counts per 评价指标 (reason code) instead, with each code's share of the ratings at its level.")
    var reasons = false

    @Flag(help: "CSV headers as machine keys (rank, served …) instead of the Chinese headers the dashboard's CSV has.")
    var keys = false

    @OptionGroup var location: Location

    func run() async throws {
        guard let format = ReportFormatter.Format(rawValue: json ? "json" : format) else {
            throw ValidationError("--format must be table, csv or json")
        }
        let (cfg, store) = try location.load()
        let reports = Reports(store: store, setup: cfg.setup)
        let (from, to) = try days.resolve(reports)
        if reasons {
            let rows = try reports.reasonRows(scope.statsScope, from: from, to: to, indicators: cfg.ratings.indicators)
            if format == .table { print("\(cfg.setup.name)  \(from) — \(to)  评价原因 (\(cfg.ratings.indicators.version))\n") }
            print(try ReportFormatter.render(rows, format: format, scope: scope.statsScope, keys: keys), terminator: "")
            return
        }
        let rows = try reports.rows(scope.statsScope, from: from, to: to)
        if format == .table { print("\(cfg.setup.name)  \(from) — \(to)\n") }
        print(try ReportFormatter.render(rows, format: format, scope: scope.statsScope, keys: keys), terminator: "")
    }
}

struct RebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Recompute the projections (tickets, day_stats) from the event log.",
        discussion: "A rebuild is refused while counterd runs (stop it first); --check works on a copy and can run any time.")

    @Flag(help: "Only report whether the stored projections equal a rebuild; change nothing.")
    var check = false

    @Flag(help: "Print JSON (with --check): {equal, tickets, stats_rows, integrity_problems}.")
    var json = false

    @OptionGroup var location: Location

    func run() async throws {
        let (_, store) = try check ? location.load() : location.loadForWriting()
        let problems = try store.check()
        for p in problems { FileHandle.standardError.write(Data("integrity: \(p)\n".utf8)) }
        if check {
            let before = try store.projectionSnapshot()
            // Rebuild into a scratch copy so the real file is untouched.
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("counterd-check-\(getpid()).sqlite").path
            defer { for s in ["", "-wal", "-shm", ".writer-lock"] { try? FileManager.default.removeItem(atPath: scratch + s) } }
            try store.backup(to: scratch)
            let copy = try EventStore(path: scratch)
            try copy.rebuildProjections()
            let equal = try copy.projectionSnapshot() == before
            if json {
                printJSON(["equal": equal, "tickets": before.tickets.count, "stats_rows": before.dayStats.count, "integrity_problems": problems])
            } else {
                print(equal ? "projections equal a rebuild (\(before.tickets.count) tickets, \(before.dayStats.count) stats rows)"
                        : "projections DIFFER from a rebuild: run `counterctl rebuild` with counterd stopped")
            }
            if !equal || !problems.isEmpty { throw ExitCode(65) }
            return
        }
        let start = Date()
        try store.rebuildProjections()
        print("rebuilt projections from \(try store.lastSeq()) events in \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
        if !problems.isEmpty { throw ExitCode(65) }
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Make API tokens for the config.",
                                                    subcommands: [Hash.self, New.self])

    struct Hash: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the sha256 of a token, for [[tokens]] sha256 = …")
        @Argument var token: String
        func run() async throws { print(AccessControl.hash(token)) }
    }

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a random token; prints the token and its config lines.")
        @Option(help: "kiosk, window, display or manager") var role: String
        @Option(help: "Window number, for role window.") var window: Int?

        func run() async throws {
            guard Role(rawValue: role) != nil else { throw ValidationError("--role must be kiosk, window, display or manager") }
            var rng = SystemRandomNumberGenerator()
            let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
            let token = String((0..<32).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
            print("token (give this to the device or person; it is not stored): \(token)\n")
            print("[[tokens]]\nrole = \"\(role)\"")
            if let window { print("window = \(window)") }
            print("sha256 = \"\(AccessControl.hash(token))\"")
        }
    }
}

/// `config check` needs the driver factory's checks, not a hall.
struct NoHall: HallGateway {
    func execute(_ command: HallCommand, source: String) async -> Result<[StoredEvent], GatewayError> { .failure(.storage("no hall")) }
    func committedEvents() -> AsyncStream<StoredEvent> { AsyncStream { $0.finish() } }
    func window(_ number: Int) async -> WindowState? { nil }
    func waitingCount(window: Int) async -> Int { 0 }
    func clerkName(_ id: String) async -> String? { nil }
    func setup() async -> HallSetup { HallSetup(name: "", categories: [], windows: [], clerks: []) }
}

/// One JSON object on stdout, keys sorted.
func printJSON(_ object: [String: Any]) {
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
    print(String(decoding: data, as: UTF8.self))
}
