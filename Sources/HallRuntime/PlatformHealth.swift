import Foundation
import HallModel
import Store
import Synchronization

/// How the push to the 好差评 platform stands, as `GET /api/platform`, `counterctl status`, the metrics and
/// the supervision alert see it. Updated by the pusher after each attempt and when records are queued.
public struct PlatformStatus: Codable, Sendable, Equatable {
    /// What is wrong now, in a word a script can test: nil when the last attempt succeeded or none was made.
    public enum Problem: String, Codable, Sendable {
        /// 401 or 403: the platform refused the credential. Retried, but a person must fix the token.
        case credentialRefused = "credential_refused"
        /// No answer: refused connection, DNS, timeout, dropped connection.
        case unreachable
        /// The platform answered 5xx, 408 or 429: its trouble; retried.
        case serverError = "server_error"
        /// The platform refused a record as invalid; it is sent again at the next start (after the fix).
        case rejected
        /// The token file cannot be read.
        case noCredential = "no_credential"
    }

    public var configured: Bool
    /// "http" or "file".
    public var transport: String?
    public var profile: String?
    /// The platform's URL without its query.
    public var url: String?
    public var pending: Int
    public var rejected: Int
    public var accepted: Int
    public var oldestPendingAt: Date?
    public var oldestPendingSeconds: Double?
    public var lastAcceptedAt: Date?
    public var lastAttemptAt: Date?
    public var lastStatus: Int?
    public var lastAnswer: String?
    public var problem: Problem?
    /// The problem for a person, in Chinese, with what to do.
    public var message: String?
    /// The oldest pending record is older than `[platform] alert_after_minutes`.
    public var backlogAlert: Bool
    /// `[platform] alert_after_minutes`, kept so a recount can tell the backlog alert again.
    public var alertAfterMinutes: Double?

    public init(configured: Bool = false, transport: String? = nil, profile: String? = nil, url: String? = nil, summary: OutboxSummary = OutboxSummary(),
                now: Date = Date(), problem: Problem? = nil, message: String? = nil, alertAfterMinutes: Double = 60) {
        self.configured = configured
        self.transport = transport
        self.profile = profile
        self.url = url
        pending = summary.pending
        rejected = summary.rejected
        accepted = summary.accepted
        oldestPendingAt = summary.oldestPendingAt
        oldestPendingSeconds = summary.oldestPendingAt.map { max(0, now.timeIntervalSince($0)) }
        lastAcceptedAt = summary.lastAcceptedAt
        lastAttemptAt = summary.lastAttemptAt
        lastStatus = summary.lastStatus
        lastAnswer = summary.lastAnswer
        self.problem = problem
        self.message = message
        backlogAlert = configured && transport == "http" && (oldestPendingSeconds ?? 0) > alertAfterMinutes * 60
        self.alertAfterMinutes = alertAfterMinutes
    }
}

extension PlatformStatus {
    /// The same status with its counts read now from the outbox: the figures never lag the database (right after a
    /// start, before the pusher's first attempt, the pusher's own copy still holds zeros it has not counted).
    /// The pusher's live status; for a file drop or no platform, the outbox as the database has it.
    public static func current(_ health: PlatformHealth?, store: EventStore, now: Date = Date()) -> PlatformStatus? {
        guard let summary = try? store.outboxSummary() else { return health?.status }
        if let live = health?.status, live.transport == "http" { return live.counted(summary, now: now) }
        return PlatformStatus(configured: health != nil, transport: health?.status.transport, profile: health?.status.profile, summary: summary)
    }

    public func counted(_ summary: OutboxSummary, now: Date) -> PlatformStatus {
        var s = PlatformStatus(configured: configured, transport: transport, profile: profile, url: url, summary: summary, now: now,
                               problem: problem, message: message, alertAfterMinutes: alertAfterMinutes ?? 60)
        // The pusher's attempts are its own; the store's are as fresh when it has none yet.
        s.lastAttemptAt = summary.lastAttemptAt ?? lastAttemptAt
        return s
    }
}

/// The pusher's latest `PlatformStatus`, shared with readers on other tasks.
public final class PlatformHealth: Sendable {
    private let state = Mutex(PlatformStatus())

    public init(_ initial: PlatformStatus = PlatformStatus()) { state.withLock { $0 = initial } }

    public var status: PlatformStatus { state.withLock { $0 } }

    public func set(_ s: PlatformStatus) { state.withLock { $0 = s } }
}
