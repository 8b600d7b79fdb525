import Access
import Delivery
import Devices
import Foundation
import HallModel
import HallRuntime
import Hummingbird
import Kiosk
import Logging
import NIOCore
import Prometheus
import Store
import Synchronization

/// Everything the HTTP handlers need.
public struct WebDependencies: Sendable {
    public var hall: Hall
    /// SHA-256 of the token /metrics requires; nil: open.
    public let metricsTokenSHA256: String?
    public var registry: PrometheusCollectorRegistry?
    public var devices: HealthBoard?
    /// The ticket kiosk's print-before-issue flow; nil: /api/kiosk answers 503.
    public var kiosk: KioskDesk?
    /// Verifies the QR codes' per-ticket rating tokens; nil: /r/… answers 404.
    public var links: RatingLinks?
    /// Supervision alerts now active, for the dashboard.
    public var alerts: AlertMonitor?
    /// The push to the 好差评 platform; nil: none configured (the outbox still fills).
    public var platform: PlatformHealth?
    /// Wrong sign-in PINs per window (not reset by a reload).
    public let pinGuard = PINGuard()
    /// People's accounts, sessions and the audit record; nil: no one can sign in (device tokens only).
    public var accounts: AccountStore?
    /// Wrong passwords per login name.
    public let loginThrottle = LoginThrottle()
    /// Every failed authentication, counted and slowed (`JSONErrorMiddleware`).
    public let authFailures = AuthFailures()
    /// Live events' SSE frames, encoded once for all clients.
    let eventFrames = EventStream.Frames()
    /// How long a sign-in lasts.
    public var sessionSeconds: Double = 10 * 3600
    /// The hall's clock, for sessions and the audit record: one time for the whole hall (a test's manual clock too).
    public var wallClock: @Sendable () -> Date { { [hall] in hall.clock.now() } }
    /// Applies an admin's setup edit like a reload (the daemon's reloader); nil: setup edits are not offered.
    public var setupEditor: (any SetupEditing)?
    /// 叫号提醒; nil: the kiosk takes no mobile numbers.
    public var reminders: ReminderDesk?
    /// Tokens and report setup, replaced as a whole by a config reload; every copy sees the change.
    private let live: LiveSettings

    public var access: AccessControl { live.withLock { $0.access } }
    public var reports: Reports { live.withLock { $0.reports } }
    public var templates: DisplayTemplates { live.withLock { $0.templates } }
    public var ratingRules: RatingRules { live.withLock { $0.ratings } }

    public init(hall: Hall, access: AccessControl, reports: Reports, registry: PrometheusCollectorRegistry? = nil,
                devices: HealthBoard? = nil, templates: DisplayTemplates = DisplayTemplates(), kiosk: KioskDesk? = nil,
                links: RatingLinks? = nil, alerts: AlertMonitor? = nil, ratings: RatingRules = RatingRules(indicators: .empty, reasonRequiredForBad: false),
                platform: PlatformHealth? = nil, metricsTokenSHA256: String? = nil) {
        self.metricsTokenSHA256 = metricsTokenSHA256
        self.platform = platform
        self.alerts = alerts
        self.hall = hall
        self.kiosk = kiosk
        self.links = links
        self.live = LiveSettings(Live(access: access, reports: reports, templates: templates, ratings: ratings))
        self.registry = registry
        self.devices = devices
    }

    /// Applies a reloaded config's tokens, setup and wording to every request from now on.
    public func reconfigure(access: AccessControl, reports: Reports, templates: DisplayTemplates? = nil, ratings: RatingRules? = nil) {
        live.withLock { l in
            l.access = access
            l.reports = reports
            if let templates { l.templates = templates }
            if let ratings { l.ratings = ratings }
        }
    }
}

struct Live: Sendable {
    var access: AccessControl
    var reports: Reports
    var templates: DisplayTemplates
    var ratings: RatingRules
}

final class LiveSettings: Sendable {
    private let value: Mutex<Live>
    init(_ v: Live) { value = Mutex(v) }
    func withLock<T>(_ body: (inout Live) -> T) -> T { value.withLock { body(&$0) } }
}

enum JSON {
    static let encoder = WireCoding.apiEncoder()
    static let decoder = WireCoding.apiDecoder()
    /// The generated operations' bodies carry their keys from the contract; only the dates need saying (as
    /// `HallAPIService.configuration` says them to the generated server).
    static let contractDecoder: JSONDecoder = {
        let d = WireCoding.plainDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Reads a JSON body of at most 64 KiB; anything unreadable is a 400 or 415 with the API error shape.
    static func body<T: Decodable>(_ type: T.Type, _ request: Request, allowEmpty: Bool = false) async throws -> T {
        if let ct = request.headers[.contentType], !ct.lowercased().hasPrefix("application/json") {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", zh: "请求内容须为 JSON", en: "the body must be application/json")
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: 64 * 1024)
        } catch {
            throw APIError(.contentTooLarge, code: "body_too_large", zh: "请求内容过大", en: "request body too large")
        }
        var data = Data(buffer.readableBytesView)
        if data.isEmpty && allowEmpty { data = Data("{}".utf8) }
        do {
            return try decoder.decode(T.self, from: data)
        } catch {
            let said = ContractFields.shared.describe(error, operation: "")
            throw APIError.badRequest("malformed_json", zh: "请求内容有误：\(said.zh)", en: "malformed JSON body: \(said.en)")
        }
    }

    /// A body's decoding failure in English, as the generated operations word it (`ContractFields.describe`).
    static func describe(_ error: any Error) -> String { ContractFields.shared.describe(error, operation: "").en }
}

extension WebDependencies {
    /// The principal behind the request's bearer token (or `?token=` for EventSource clients), or else its
    /// session cookie. A write made with a session cookie must carry the session's `X-CSRF-Token`: another site
    /// can make the browser send the cookie, never that header. `Authorize` calls it for every guarded route.
    func authenticate(_ request: Request) throws -> Principal {
        var token: String?
        if let auth = request.headers[.authorization] {
            let parts = auth.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { token = String(parts[1]) }
        }
        if token == nil { token = request.uri.queryParameters.get("token") }
        if let token, !token.isEmpty {
            guard let p = access.principal(token: token) else { throw APIError.unauthorized }
            return p
        }
        guard let (p, session) = try signedIn(request) else { throw APIError.notSignedIn }
        if request.method != .get && request.method != .head {
            let given = request.headers[.csrfToken] ?? ""
            guard SessionCookie.same(given, session.csrf) else { throw APIError.csrf }
        }
        return p
    }

    /// Throws the 403 that says why, unless `principal` may do `permission`.
    func check(_ principal: Principal, _ permission: Permission) throws(APIError) {
        guard AccessControl.allows(principal, permission) else {
            throw principal.account != nil ? APIError.roleForbidden(principal.role) : APIError.forbidden
        }
    }

    /// The account behind the request's session cookie, when it names a live session of an enabled account.
    func signedIn(_ request: Request) throws -> (Principal, SessionRecord)? {
        guard let accounts, let value = request.cookies[SessionCookie.name]?.value, !value.isEmpty, value.utf8.count <= 128 else { return nil }
        let session: SessionRecord?
        let account: AccountRecord?
        do {
            session = try accounts.session(AccessControl.hash(value), now: wallClock())
            account = try session.flatMap { try accounts.account($0.login) }
        } catch {
            throw APIError.storage("\(error)")
        }
        guard let session, let account, !account.disabled, let role = Role(rawValue: account.role) else { return nil }
        return (Principal(role: role, label: account.name, account: account.login, clerk: account.clerk), session)
    }

    /// Adds a line to the audit record; a failure to write it is logged, never hides the action's own answer.
    func audit(_ p: Principal?, _ action: String, target: String, detail: String, ok: Bool = true, actor: String? = nil) {
        guard let accounts else { return }
        let entry = AuditEntry(at: wallClock(), actor: actor ?? p?.account ?? p?.source ?? "-", role: p?.role.rawValue ?? "-", action: action,
                               target: target, detail: detail, ok: ok)
        do { try accounts.record(entry) } catch {
            Logger(label: "counterd.audit").error("audit record not written", metadata: ["action": "\(action)", "error": "\(error)"])
        }
    }

    /// Runs a hall command, mapping its failures onto API errors.
    func run(_ command: HallCommand, source: String) async throws -> [StoredEvent] {
        do {
            return try await hall.execute(command, source: source)
        } catch {
            switch error {
            case .rejected(let r): throw APIError.rejected(r)
            case .storage(let detail): throw APIError.storage(detail)
            }
        }
    }
}
