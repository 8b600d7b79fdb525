import Access
import Exports
import Foundation
import HallModel
import Hummingbird
import Metrics
import NIOCore
import Store

/// The signed-in account, as /api/session and /api/login answer.
struct SessionView: Encodable {
    var login: String
    var name: String
    var role: String
    var roleZh: String
    var clerk: String?
    /// What the pages send back in `X-CSRF-Token` on every write.
    var csrf: String
    var expiresAt: Date
    /// What this role may do, so a page shows only what will be accepted.
    var may: [String]

    init(_ a: AccountRecord, role: Role, session: SessionRecord) {
        login = a.login
        name = a.name
        self.role = role.rawValue
        roleZh = role.zh
        clerk = a.clerk
        csrf = session.csrf
        expiresAt = session.expiresAt
        let p = Principal(role: role, label: a.name, account: a.login)
        may = [("reports", Permission.reports), ("cases", .cases), ("supervise", .supervise), ("audit", .audit), ("administer", .administer)]
            .filter { AccessControl.allows(p, $0.1) }.map(\.0)
    }
}

/// Sign-in and sign-out for people, and the audit record of what they did.
func addAccountRoutes(_ router: Router<HallRequestContext>, _ deps: WebDependencies) {
    let forAudit = router.requiring(deps, .audit, under: "api")
    router.get("/login") { _, _ in Page.response(Page.login) }
    let api = router.group("api")

    api.post("login") { request, _ in
        guard let accounts = deps.accounts else {
            throw APIError(.serviceUnavailable, code: "accounts_unavailable", zh: "本机未启用账号登录", en: "accounts are not enabled on this hall")
        }
        let body = try await JSON.body(Bodies.Login.self, request)
        let login = body.login.trimmingCharacters(in: .whitespaces)
        // Logins are at most 32 characters (counterctl user add); a longer one cannot exist and is not
        // worth a bcrypt run, an audit line or a throttle entry.
        guard !login.isEmpty, login.count <= 64, body.password.utf8.count <= 1024 else {
            throw APIError.badRequest("invalid_login", zh: "账号或密码格式不正确（账号不超过 32 个字符）", en: "login or password malformed (a login has at most 32 characters)")
        }
        let now = deps.wallClock()
        if let wait = deps.loginThrottle.wait(login: login, now: now) {
            Counter(label: "counterd_login_failures_total", dimensions: [("reason", "throttled")]).increment()
            deps.audit(nil, "login_throttled", target: login, detail: "须等待 \(Int(wait)) 秒", ok: false, actor: login)
            var e = APIError(.tooManyRequests, code: "login_throttled", zh: "密码错误次数过多：请 \(Int(wait)) 秒后再试，或请管理员重设密码",
                             en: "too many wrong passwords: try again in \(Int(wait)) s, or ask the administrator to reset the password")
            e.retryAfter = Int(wait)
            throw e
        }
        // A database fault is said as one, never as a wrong password.
        let account: AccountRecord?
        do { account = try accounts.account(login) } catch { throw APIError.storage("\(error)") }
        // The hash is checked even for an unknown login, so the time taken does not tell which logins exist.
        let hash = account?.passwordHash ?? Password.absentHash
        let password = body.password
        let verified = await PasswordCheck.verify(password, hash: hash)
        guard let account, verified, let role = Role(rawValue: account.role) else {
            let count = deps.loginThrottle.failed(login: login, now: now)
            Counter(label: "counterd_login_failures_total", dimensions: [("reason", "wrong_password")]).increment()
            deps.audit(nil, "login_failed", target: login, detail: "账号或密码不正确（15 分钟内第 \(count) 次）", ok: false, actor: login)
            throw APIError(.unauthorized, code: "login_failed", zh: "账号或密码不正确（已连续错误 \(count) 次；连续 \(deps.loginThrottle.free) 次后须等待再试）",
                           en: "wrong login or password (\(count) in a row; after \(deps.loginThrottle.free) you must wait)")
        }
        if account.disabled {
            deps.audit(nil, "login_failed", target: account.login, detail: "账号已停用", ok: false, actor: account.login)
            throw APIError(.forbidden, code: "account_disabled", zh: "账号已停用：请联系系统管理员", en: "this account is disabled: ask the administrator")
        }
        deps.loginThrottle.succeeded(login: login)
        let value = SessionCookie.random()
        let session = SessionRecord(tokenSHA256: AccessControl.hash(value), login: account.login, createdAt: now,
                                    expiresAt: now.addingTimeInterval(deps.sessionSeconds), csrf: SessionCookie.random())
        do {
            try accounts.dropExpiredSessions(now: now)
            try accounts.save(session)
            try accounts.noteLogin(account.login, at: now)
        } catch {
            throw APIError.storage("\(error)")
        }
        let principal = Principal(role: role, label: account.name, account: account.login, clerk: account.clerk)
        deps.audit(principal, "login", target: account.login, detail: "登录成功")
        var response = try JSON.response(SessionView(account, role: role, session: session))
        response.setCookie(SessionCookie.cookie(value, maxAge: Int(deps.sessionSeconds)))
        return response
    }

    api.post("logout") { request, _ in
        if let (principal, session) = try deps.signedIn(request) {
            let given = request.headers[.csrfToken] ?? ""
            guard SessionCookie.same(given, session.csrf) else { throw APIError.csrf }
            try? deps.accounts?.endSession(session.tokenSHA256)
            deps.audit(principal, "logout", target: principal.account ?? "", detail: "已退出")
        }
        var response = try JSON.response(["signed_out": true])
        response.setCookie(SessionCookie.cookie("", maxAge: 0))
        return response
    }

    api.get("session") { request, _ in
        guard let (principal, session) = try deps.signedIn(request), let account = try deps.accounts?.account(session.login) else {
            throw APIError.notSignedIn
        }
        return try JSON.response(SessionView(account, role: principal.role, session: session))
    }

    // Who did what: ?from=&to= (days), ?actor=.
    forAudit.get("audit") { request, _ in
        let entries = try await auditEntries(request, deps)
        struct Item: Encodable {
            var entry: AuditEntry
            func encode(to encoder: any Encoder) throws {
                try entry.encode(to: encoder)
                var c = encoder.container(keyedBy: Keys.self)
                try c.encode(AuditWords.action(entry.action), forKey: .actionZh)
                try c.encode(Role(rawValue: entry.role)?.zh ?? entry.role, forKey: .roleZh)
            }
            enum Keys: String, CodingKey { case actionZh, roleZh }
        }
        struct Audit: Encodable { var entries: [Item] }
        return try JSON.response(Audit(entries: entries.map(Item.init)))
    }
}

/// /api/export/audit.csv (routed by the export route, which owns /api/export/:file).
/// `Authorize` has checked `.audit` for this file.
func auditCSV(_ request: Request, _ deps: WebDependencies) async throws -> Response {
        let (from, to) = try await range(request, deps)
        let entries = try await auditEntries(request, deps)
        let zone = TimeZone(identifier: await deps.hall.setup.rules.timeZone) ?? .current
        var headers = HTTPFields()
        headers[.contentDisposition] = "attachment; filename=\"audit-\(from)-\(to).csv\""
        headers[.contentType] = "text/csv; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: ExportTable.audit(entries, zone: zone).csv())))
}

private func auditEntries(_ request: Request, _ deps: WebDependencies) async throws -> [AuditEntry] {
    guard let accounts = deps.accounts else { return [] }
    let (from, to) = try await range(request, deps)
    let calendar = await deps.hall.engine.calendar
    guard let start = calendar.start(of: from), let lastDay = calendar.start(of: to) else { throw APIError.notFound }
    let end = calendar.nextMidnight(after: lastDay)
    do {
        let actor = request.uri.queryParameters.get("actor")
        return try await StoreReads.run { try accounts.audit(from: start, to: end, actor: actor) }
    } catch {
        throw APIError.storage("\(error)")
    }
}

/// bcrypt off the Swift concurrency pool, one check at a time: a burst of sign-ins (or an attacker's) costs
/// at most one core and never holds up the Hall actor's commits, which share that pool.
enum PasswordCheck {
    static let queue = DispatchQueue(label: "counterd.password-check")

    static func verify(_ password: String, hash: String) async -> Bool {
        await withCheckedContinuation { c in queue.async { c.resume(returning: Password.verify(password, hash: hash)) } }
    }
}
