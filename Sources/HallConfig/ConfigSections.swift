import Foundation
import TOMLSections

/// counterd.toml as TOML types, one struct per section (keys are the properties in snake_case). The
/// validation pass (`ConfigParser`) turns them into `CounterdConfig`.
struct ConfigFile: Decodable {
    var hall: HallSection?
    var server: ServerSection?
    var database: DatabaseSection?
    var categories: ConfigList<CategorySection>?
    var items: ConfigList<ItemSection>?
    var windows: ConfigList<WindowSection>?
    var clerks: ConfigList<ClerkSection>?
    var tokens: ConfigList<TokenSection>?
    var devices: ConfigList<DeviceSection>?
    var display: DisplaySection?
    var voice: VoiceSection?
    var kiosk: KioskSection?
    var reminders: RemindersSection?
    var calendar: CalendarSection?
    var alerts: AlertsSection?
    var cases: CasesSection?
    var ratings: RatingsSection?
    var platform: PlatformSection?
    var district: DistrictSection?
    var exports: ExportsSection?
}

struct ExportsSection: Decodable {
    var monthlyDir: String?
}

struct DistrictSection: Decodable {
    var url: String?
    var hallId: String?
    var tokenFile: String?
    var level: String?
    var parent: String?
    var batchSize: Int?
    var retryFirstSeconds: Double?
    var retryMaxSeconds: Double?
    var heartbeatSeconds: Double?
}

struct PlatformSection: Decodable {
    var profile: String?
    var transport: String?
    var url: String?
    var authHeader: String?
    var authTokenFile: String?
    var timeoutSeconds: Double?
    var retryFirstSeconds: Double?
    var retryMaxSeconds: Double?
    var alertAfterMinutes: Double?
}

struct RatingsSection: Decodable {
    var indicators: String?
    var reasonRequiredForBad: Bool?
    var reasonsWindowSeconds: Double?
}

struct CasesSection: Decodable {
    var deadlineWorkingDays: Int?
}

struct HallSection: Decodable {
    var name: String?
    var timezone: String?
    var ratingTimeoutSeconds: Double?
    var maxRecalls: Int?
    var scoreWeights: TOMLRaw?
    var ticketRatingHours: Double?
    var ratingBlocksNext: Bool?
    var areaCode: String?
    var areaName: String?
    var deptCode: String?
    var deptName: String?
    var projectNoPrefix: String?
}

struct ServerSection: Decodable {
    var host: String?
    var port: Int?
    var runtimeDir: String?
    var metricsTokenSha256: String?
    var sessionHours: Double?
    var accountsDatabase: String?
}

struct DatabaseSection: Decodable {
    var path: String?
    var synchronous: String?
}

struct CategorySection: Decodable {
    var code: String?
    var name: String?
    var prefix: String?
    var checklist: [String]?
    var timeLimitMinutes: Int?
    var defaultOutcome: String?
    var taskCode: String?
    var taskName: String?
}

/// `[[items]]`: the 事项 catalogue.
struct ItemSection: Decodable {
    var code: String?
    var implementationCode: String?
    var name: String?
    var category: String?
    var outcome: String?
    var promisedDays: Int?
    var promisedUnit: String?
    var legalDays: Int?
    var legalUnit: String?
}

struct WindowSection: Decodable {
    var number: Int?
    var name: String?
    var categories: [String]?
}

struct ClerkSection: Decodable {
    var id: String?
    var name: String?
    var pinHash: String?
    var staffNo: String?
    var photo: String?
}

struct TokenSection: Decodable {
    var role: String?
    var window: Int?
    var sha256: String?
    var label: String?
    var printer: String?
}

struct DeviceSection: Decodable {
    var id: String?
    var role: String?
    var window: Int?
    var transport: String?
    var udevRole: Bool?
    var idPath: String?
    var serial: String?
    var vidPid: String?
    var path: String?
    var host: String?
    var recording: String?
    var baud: Int?
    var parity: String?
    var rs485TurnaroundMs: Int?
    var address: Int?
    var profile: String?
    var kiosk: String?
    /// `[{address = 1, window = 3}, …]`: checked entry by entry with messages of its own.
    var bus: TOMLRaw?
}

struct DisplaySection: Decodable {
    var call: String?
    var callShort: String?
    var hallCall: String?
    var idle: String?
    var idleNoClerk: String?
    var closed: String?
    var hallIdle: String?
    var voice: String?
}

struct VoiceSection: Decodable {
    var enabled: Bool?
    var device: String?
    var pack: String?
    var player: TOMLRaw?
    var gapMs: Int?
}

struct KioskSection: Decodable {
    var printer: String?
    var paperMm: Int?
    var cut: String?
    var chineseMode: Bool?
    var ratingUrl: String?
    var barcode: Bool?
    var staffPin: String?
    var priorityReasons: [String]?
    var appointments: Bool?
    var defaultServiceMinutes: Double?
    var appointmentEarlyMinutes: Int?
    var appointmentLateMinutes: Int?
}

struct RemindersSection: Decodable {
    var webhook: String?
    var ahead: Int?
    var template: String?
    var attempts: Int?
    var token: String?
}

struct CalendarSection: Decodable {
    var holidays: [String]?
    var workdays: [String]?
}

struct AlertsSection: Decodable {
    var waitMinutes: Double?
    var openingHours: String?
    var webhook: String?
    var webhookAttempts: Int?
}
