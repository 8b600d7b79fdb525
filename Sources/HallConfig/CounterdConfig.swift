import Access
import Devices
import Foundation
import TOMLKit
import HallModel
import Store
import TOMLSections

public struct ServerSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// Where counterd keeps files for `counterctl` (device status).
    public var runtimeDirectory: String
    /// SHA-256 of the token /metrics requires (`Authorization: Bearer`); nil: /metrics is open, as a
    /// Prometheus scrape on the hall LAN expects.
    public var metricsTokenSHA256: String?
    /// How long a person stays signed in (`session_hours`).
    public var sessionHours: Double
    /// Accounts, sessions and the audit record (`accounts_database`); nil: `accounts.sqlite` beside `[database] path`.
    public var accountsDatabase: String?

    public init(host: String = "127.0.0.1", port: Int = 8080, runtimeDirectory: String = "/run/counterd", metricsTokenSHA256: String? = nil,
                sessionHours: Double = 10, accountsDatabase: String? = nil) {
        self.sessionHours = sessionHours
        self.accountsDatabase = accountsDatabase
        self.metricsTokenSHA256 = metricsTokenSHA256
        self.host = host
        self.port = port
        self.runtimeDirectory = runtimeDirectory
    }
}

public struct DatabaseSettings: Sendable, Equatable {
    public var path: String
    public var sync: SyncMode

    public init(path: String = "/var/lib/counterd/counterd.sqlite", sync: SyncMode = .full) {
        self.path = path
        self.sync = sync
    }
}

/// What a rating may carry besides its level (`[ratings]`).
public struct RatingSettings: Sendable, Equatable {
    /// The indicator list: the national one shipped, or `indicators = PATH`.
    public var indicators: RatingIndicators
    /// A 差评 from the tablet or the phone needs at least one reason.
    public var reasonRequiredForBad: Bool

    public init(indicators: RatingIndicators = IndicatorList.national, reasonRequiredForBad: Bool = true) {
        self.indicators = indicators
        self.reasonRequiredForBad = reasonRequiredForBad
    }
}

/// The push to the provincial 好差评 platform: `[platform]`; nil when the config has none.
public struct PlatformSettings: Sendable, Equatable {
    public enum Transport: String, Sendable, Equatable {
        /// counterd POSTs each record to `url`.
        case http
        /// Nothing is pushed: staff upload `counterctl export haocaiping` files by hand.
        case file
    }

    /// A profile name in the platforms directory, or a path to one.
    public var profile: String
    public var transport: Transport
    public var url: String?
    /// The header that carries the credential ("Authorization", "X-Token" …).
    public var authHeader: String
    /// A file holding the header's value (e.g. "Bearer …"), kept out of the config; nil: no credential.
    public var authTokenFile: String?
    public var timeoutSeconds: Double
    /// The pause after a failed attempt, doubled each time up to `retryMaxSeconds`.
    public var retryFirstSeconds: Double
    public var retryMaxSeconds: Double
    /// A supervision alert when the oldest pending record is older than this.
    public var alertAfterMinutes: Double

    public init(profile: String = "offline-report-json", transport: Transport = .http, url: String? = nil,
                authHeader: String = "Authorization", authTokenFile: String? = nil, timeoutSeconds: Double = 10,
                retryFirstSeconds: Double = 1, retryMaxSeconds: Double = 300, alertAfterMinutes: Double = 60) {
        self.profile = profile
        self.transport = transport
        self.url = url
        self.authHeader = authHeader
        self.authTokenFile = authTokenFile
        self.timeoutSeconds = timeoutSeconds
        self.retryFirstSeconds = retryFirstSeconds
        self.retryMaxSeconds = retryMaxSeconds
        self.alertAfterMinutes = alertAfterMinutes
    }
}

/// Shipping the log to the district service: `[district]`; nil when the hall stands alone.
public struct DistrictSettings: Sendable, Equatable {
    /// Where the hall sits in the district: 区 centre, 街道 centre, 社区 centre.
    public enum Level: String, Sendable, Equatable, CaseIterable {
        case district, street, community
    }

    /// The district service's base URL.
    public var url: String
    /// This hall's id at the district (letters, digits, - and _).
    public var hallID: String
    /// A file holding the hall's token (readable by counterd only).
    public var tokenFile: String
    public var level: Level
    /// The id of the hall above this one (a street centre's district centre); nil for the district centre.
    public var parent: String?
    /// Events per request, at most.
    public var batchSize: Int
    public var retryFirstSeconds: Double
    public var retryMaxSeconds: Double
    /// With nothing to ship, an empty batch this often: the district's sign that the hall is up.
    public var heartbeatSeconds: Double

    public init(url: String, hallID: String, tokenFile: String, level: Level = .community, parent: String? = nil, batchSize: Int = 2_000,
                retryFirstSeconds: Double = 1, retryMaxSeconds: Double = 60, heartbeatSeconds: Double = 30) {
        self.heartbeatSeconds = heartbeatSeconds
        self.url = url
        self.hallID = hallID
        self.tokenFile = tokenFile
        self.level = level
        self.parent = parent
        self.batchSize = batchSize
        self.retryFirstSeconds = retryFirstSeconds
        self.retryMaxSeconds = retryMaxSeconds
    }
}

/// The whole of /etc/counterd/counterd.toml.
public struct CounterdConfig: Sendable {
    public static let defaultPath = "/etc/counterd/counterd.toml"

    public var setup: HallSetup
    public var server: ServerSettings
    public var database: DatabaseSettings
    public var tokens: [TokenEntry]
    /// Clerk id → PIN hash, for clerks whose sign-in needs a PIN (`[[clerks]] pin_hash`).
    public var clerkPINs: [String: String]
    public var devices: [DeviceBinding]
    /// The wording of screens and voice.
    public var display: DisplayTemplates
    public var voice: VoiceSettings
    public var kiosk: KioskSettings
    public var alerts: AlertSettings
    public var ratings: RatingSettings
    public var platform: PlatformSettings?
    public var district: DistrictSettings?
    /// `[exports] monthly_dir`: where last month's 考核 workbook is written once the month is over; nil: nowhere.
    public var monthlyWorkbookDirectory: String?
    /// `[[items]]`: the 事项 catalogue (empty: matters are recorded by their category alone).
    public var items: [MatterItem] = []
    /// The sections that come from the setup pages' edits file instead of counterd.toml (`SetupEdits`).
    public var editedSections: [String] = []

    public init(setup: HallSetup, server: ServerSettings = ServerSettings(),
                database: DatabaseSettings = DatabaseSettings(), tokens: [TokenEntry] = [], clerkPINs: [String: String] = [:],
                devices: [DeviceBinding] = [],
                display: DisplayTemplates = DisplayTemplates(), voice: VoiceSettings = VoiceSettings(),
                kiosk: KioskSettings = KioskSettings(), alerts: AlertSettings = AlertSettings(), ratings: RatingSettings = RatingSettings(),
                platform: PlatformSettings? = nil, district: DistrictSettings? = nil) {
        self.district = district
        self.platform = platform
        self.ratings = ratings
        self.kiosk = kiosk
        self.alerts = alerts
        self.setup = setup
        self.server = server
        self.database = database
        self.tokens = tokens
        self.clerkPINs = clerkPINs
        self.devices = devices
        self.display = display
        self.voice = voice
    }

    /// Where accounts, sessions and the audit record are kept.
    public var accountsPath: String { server.accountsDatabase ?? AccountStore.path(besideDatabase: database.path) }

    /// The setup pages' edits file for this config.
    public var setupEdits: SetupEdits { SetupEdits(besideDatabase: database.path) }

    /// Reads and validates a config file with the setup pages' edits (`SetupEdits`: read from beside the
    /// database, or `edits` when given); throws `ConfigError` listing every problem.
    /// `editsFile`: where the edits are (nil: beside the file's own `[database] path`).
    public static func load(path: String, editsText: String? = nil, editsFile: SetupEdits? = nil) throws(ConfigError) -> CounterdConfig {
        let (text, plain) = try loadFile(path: path)
        let editsFile = editsFile ?? plain.setupEdits
        let table: TOMLTable
        if let editsText { table = try editsFile.table(editsText) } else { table = try editsFile.read() }
        guard !table.keys.isEmpty else { return plain }
        let merged: String
        do {
            merged = try SetupEdits.merge(configText: text, edits: table)
        } catch {
            throw ConfigError(file: editsFile.path, issues: [ConfigIssue(path: "", message: "cannot merge the setup edits: \(error)")])
        }
        switch ConfigParser.parse(merged) {
        case .success(var config):
            config.editedSections = table.keys.sorted()
            return config
        case .failure(let issues):
            // Line numbers would point into the merged text, not into either file: the key paths say where.
            throw ConfigError(file: "\(path) + \(editsFile.path)", issues: issues.issues.map { ConfigIssue(path: $0.path, message: $0.message) })
        }
    }

    /// The file alone, and its text.
    public static func loadFile(path: String) throws(ConfigError) -> (String, CounterdConfig) {
        let text: String
        guard FileManager.default.fileExists(atPath: path) else {
            let hint = path == defaultPath
                ? "no config file at \(path) (the default): name another with --config FILE, or write this one (an example is /usr/share/doc/counterd/counterd.toml.example; the demo's is config/demo.toml)"
                : "no config file at \(path): check the path given with --config"
            throw ConfigError(file: path, issues: [ConfigIssue(path: "", message: hint)])
        }
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(file: path, issues: [ConfigIssue(path: "", message: "cannot read the file (\(error.localizedDescription)): counterd and counterctl need read access — check its owner and mode (root:counterd 0640)")])
        }
        switch ConfigParser.parse(text) {
        case .success(let config): return (text, config)
        case .failure(let issues): throw ConfigError(file: path, issues: issues.issues)
        }
    }
}

/// Voice calling: `[voice]` in the config.
public struct VoiceSettings: Sendable, Equatable {
    /// Voice can be off per hall.
    public var enabled: Bool
    /// ALSA device for the player, e.g. "default" or "plughw:1,0".
    public var device: String
    /// Directory of clips (digits, letters, 请, 号, 到, 号窗口, 办理 …), generated or recorded.
    public var pack: String
    /// The command that plays one WAV file; {device} and {file} are filled in.
    public var player: [String]
    /// Silence between clips.
    public var gapMilliseconds: Int

    public init(enabled: Bool = true, device: String = "default", pack: String = "/usr/share/counterd/voice",
                player: [String] = ["aplay", "-q", "-D", "{device}", "{file}"], gapMilliseconds: Int = 60) {
        self.enabled = enabled
        self.device = device
        self.pack = pack
        self.player = player
        self.gapMilliseconds = gapMilliseconds
    }
}

/// The ticket kiosk: `[kiosk]` in the config.
public struct KioskSettings: Sendable, Equatable {
    /// Device id of the kiosk's receipt printer; nil: tickets are shown on screen only.
    public var printer: String?
    /// 32 for 58 mm paper, 48 for 80 mm.
    public var columns: Int
    public var partialCut: Bool
    /// Send FS & and GB18030 (most Chinese printers); false: ESC t 0 and Latin text only.
    public var chineseMode: Bool
    /// Base URL phones open from the ticket's QR code (…/r/TOKEN); nil prints no QR code.
    public var ratingURL: String?
    public var barcode: Bool
    /// PIN staff enter on the kiosk to reprint its last ticket; nil: no reprint from the kiosk.
    public var staffPIN: String?
    /// The 绿色通道 reasons the kiosk offers (`priority_reasons`).
    public var priorityReasons: [String] = KioskSettings.defaultPriorityReasons
    /// The service time the wait estimate assumes before the day has measured any.
    public var defaultServiceMinutes: Double = 5
    /// An appointment checks in from this long before its slot starts …
    public var appointmentEarlyMinutes: Int = 30
    /// … until this long after it ends; later is 已过期.
    public var appointmentLateMinutes: Int = 15
    /// 预约取号 at the kiosk (`appointments = true`): the booking system's appointments check in here.
    public var appointments: Bool = false
    /// 叫号提醒: the turn-near message; nil: the kiosk asks for no phone number.
    public var reminder: ReminderSettings?

    public static let defaultPriorityReasons = ["老年人（65 周岁以上）", "残疾人", "现役军人、退役军人、消防救援人员", "孕妇、怀抱婴儿者"]

    public init(printer: String? = nil, columns: Int = 48, partialCut: Bool = true, chineseMode: Bool = true,
                ratingURL: String? = nil, barcode: Bool = false, staffPIN: String? = nil) {
        self.printer = printer
        self.columns = columns
        self.partialCut = partialCut
        self.chineseMode = chineseMode
        self.ratingURL = ratingURL
        self.barcode = barcode
        self.staffPIN = staffPIN
    }
}

/// 叫号提醒 (`[reminders]`): a message to the citizen's phone when few tickets are ahead.
public struct ReminderSettings: Sendable, Equatable {
    /// http(s) URL of the SMS/WeChat gateway that takes the message as a JSON POST.
    public var webhook: String
    /// The message goes when this many tickets (or fewer) are ahead.
    public var ahead: Int
    /// The text, with {hall}, {number}, {category}, {ahead} and {windows} filled in.
    public var template: String
    public var attempts: Int
    /// Sent as `Authorization: Bearer …` when set.
    public var token: String?

    public init(webhook: String, ahead: Int = 3, template: String = ReminderSettings.defaultTemplate, attempts: Int = 5, token: String? = nil) {
        self.webhook = webhook
        self.ahead = ahead
        self.template = template
        self.attempts = attempts
        self.token = token
    }

    public static let defaultTemplate = "【{hall}】您的 {number} 号（{category}）前面还有 {ahead} 人，请到大厅留意叫号（{windows} 号窗口）。"
}

/// Supervision alerts: `[alerts]` in the config.
public struct AlertSettings: Sendable, Equatable {
    public var rules: AlertRules
    /// http:// URL that gets every alert as a JSON POST; nil: none.
    public var webhook: String?
    public var webhookAttempts: Int

    public init(rules: AlertRules = AlertRules(), webhook: String? = nil, webhookAttempts: Int = 8) {
        self.rules = rules
        self.webhook = webhook
        self.webhookAttempts = webhookAttempts
    }
}
