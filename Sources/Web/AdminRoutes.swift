import Access
import Foundation
import HallModel
import Hummingbird
import Store

/// One section of the setup as the setup pages show it.
public struct SetupSectionView: Encodable, Sendable {
    public var section: String
    /// "admin": counterd runs with the setup pages' edit of it; "file": with counterd.toml's.
    public var origin: String
    /// The section as counterd runs with it, as TOML.
    public var toml: String
    /// The same as JSON (`{"windows": [...]}`), for the page's forms.
    public var json: String

    public init(section: String, origin: String, toml: String, json: String) {
        self.section = section
        self.origin = origin
        self.toml = toml
        self.json = json
    }
}

/// What the setup pages show: where each section comes from, and the rule.
public struct SetupOverview: Encodable, Sendable {
    public var configFile: String
    public var editsFile: String
    public var sections: [SetupSectionView]
    /// The categories counterd runs with, for the categories form.
    public var categories: [CategoryForm]
    /// The clerks, for the PIN reset.
    public var clerks: [Clerk]

    public init(configFile: String, editsFile: String, sections: [SetupSectionView], categories: [ServiceCategory], clerks: [Clerk]) {
        self.configFile = configFile
        self.editsFile = editsFile
        self.sections = sections
        self.categories = categories.map(CategoryForm.init)
        self.clerks = clerks
    }
}

/// One category as the form edits it: the keys of `[[categories]]`.
public struct CategoryForm: Encodable, Sendable {
    var code: String
    var name: String
    var prefix: String
    var checklist: [String]
    var timeLimitMinutes: Int
    var defaultOutcome: String
    var taskCode: String?
    var taskName: String?

    init(_ c: ServiceCategory) {
        code = c.code
        name = c.name
        prefix = c.prefix
        checklist = c.checklist
        timeLimitMinutes = c.timeLimitMinutes
        defaultOutcome = (c.defaultOutcome ?? .immediate).rawValue
        taskCode = c.taskCode
        taskName = c.taskName
    }
}

/// The daemon's side of the setup pages: it checks an edit with the config checker and the reload's
/// rules (nothing may strand a waiting ticket or a clerk on duty), applies it like a reload, records it.
public protocol SetupEditing: Sendable {
    func overview() async -> SetupOverview
    /// `toml` (holding exactly `section`) replaces the section; nil gives it back to counterd.toml.
    /// Returns why it was refused (empty: applied) and what changed.
    func edit(section: String, toml: String?, by principal: Principal) async -> (refused: [String], summary: String)
    /// Sets a clerk's sign-in PIN (its hash) as an edit of `[[clerks]]`.
    func resetPIN(clerk: String, hash: String, by principal: Principal) async -> (refused: [String], summary: String)
    /// The device and script tokens counterd runs with (their SHA-256 only; the secrets are kept nowhere).
    func tokens() async -> [TokenEntry]
}

/// A token as the setup pages list it: what it is for, never its secret.
struct TokenView: Encodable {
    var role: String
    var roleZh: String
    var window: Int?
    var label: String
    /// The first 12 hex digits of its SHA-256: enough to tell tokens apart and to revoke one.
    var fingerprint: String

    init(_ t: TokenEntry) {
        role = t.role.rawValue
        roleZh = t.role.zh
        window = t.window
        label = t.label
        fingerprint = String(t.sha256.prefix(12))
    }

    /// The `[[tokens]]` section for a list of tokens (TOML basic strings accept JSON's string escapes).
    static func toml(_ tokens: [TokenEntry]) -> String {
        func q(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n") + "\""
        }
        return tokens.map { t in
            var lines = ["[[tokens]]", "role = \(q(t.role.rawValue))", "sha256 = \(q(t.sha256))"]
            if let w = t.window { lines.append("window = \(w)") }
            if !t.label.isEmpty { lines.append("label = \(q(t.label))") }
            if let p = t.printer { lines.append("printer = \(q(p))") }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n\n") + "\n"
    }
}

func addAdminRoutes(_ router: Router<HallRequestContext>, _ deps: WebDependencies) {
    let forAdministerAdmin = router.requiring(deps, .administer, under: "api/admin")
    router.get("/admin") { _, _ in Page.response(Page.admin) }
    let api = router.group("api/admin")
    forAdministerAdmin.get("setup") { request, _ in
        guard let editor = deps.setupEditor else { throw APIError.setupUnavailable }
        return try JSON.response(await editor.overview())
    }
    @Sendable func edit(_ request: Request, _ context: HallRequestContext, toml: String?) async throws -> Response {
        let principal = try context.principal
        guard let editor = deps.setupEditor else { throw APIError.setupUnavailable }
        let section = context.parameters.get("section") ?? ""
        let (refused, summary) = await editor.edit(section: section, toml: toml, by: principal)
        let action = toml == nil ? "setup_restore" : "setup_edit"
        if !refused.isEmpty {
            deps.audit(principal, action, target: section, detail: "未执行：" + refused.joined(separator: "；"), ok: false)
            throw APIError(.conflict, code: "setup_refused", zh: "设置未生效，原设置不变：" + refused.joined(separator: "；"),
                           en: "the edit was refused and the running setup stays: " + refused.joined(separator: "; "))
        }
        deps.audit(principal, action, target: section, detail: summary)
        struct Applied: Encodable {
            var applied: Bool
            var summary: String
            var overview: SetupOverview
        }
        return try JSON.response(Applied(applied: true, summary: summary, overview: await editor.overview()))
    }
    forAdministerAdmin.put("setup/:section") { request, context in
        let body = try await JSON.body(Bodies.SetupSection.self, request)
        return try await edit(request, context, toml: body.toml)
    }
    forAdministerAdmin.delete("setup/:section") { request, context in try await edit(request, context, toml: nil) }
    addTokenRoutes(api, deps)
    // A clerk's new sign-in PIN: {"pin"}; stored only as its slow hash, in the clerks section the pages own.
    forAdministerAdmin.post("clerks/:clerk/pin") { request, context in
        let principal = try context.principal
        guard let editor = deps.setupEditor else { throw APIError.setupUnavailable }
        let pin = try await JSON.body(Bodies.ClerkPIN.self, request).pin
        guard ClerkPIN.isWellFormed(pin) else {
            throw APIError.badRequest("invalid_pin", zh: "PIN 须为 4 到 8 位数字", en: "a PIN is 4 to 8 digits")
        }
        let clerk = context.parameters.get("clerk") ?? ""
        let (refused, summary) = await editor.resetPIN(clerk: clerk, hash: ClerkPIN.hash(pin), by: principal)
        if !refused.isEmpty {
            deps.audit(principal, "setup_pin", target: clerk, detail: "未执行：" + refused.joined(separator: "；"), ok: false)
            throw APIError(.conflict, code: "setup_refused", zh: "PIN 未重设：" + refused.joined(separator: "；"), en: "the PIN was not reset: " + refused.joined(separator: "; "))
        }
        deps.audit(principal, "setup_pin", target: clerk, detail: "重设签到 PIN")
        struct Done: Encodable { var reset: Bool; var summary: String }
        return try JSON.response(Done(reset: true, summary: summary))
    }
}

/// Device tokens from the setup pages: made (the secret shown once), listed (never the secret), revoked at once.
func addTokenRoutes(_ api: RouterGroup<HallRequestContext>, _ deps: WebDependencies) {
    let forAdminister = api.requiring(deps, .administer)
    forAdminister.get("tokens") { request, _ in
        guard let editor = deps.setupEditor else { throw APIError.setupUnavailable }
        struct List: Encodable { var tokens: [TokenView] }
        return try JSON.response(List(tokens: await editor.tokens().map(TokenView.init)))
    }
    forAdminister.post("tokens") { request, context in
        let principal = try context.principal
        guard let editor = deps.setupEditor else { throw APIError.setupUnavailable }
        let body = try await JSON.body(Bodies.NewToken.self, request)
        guard let role = Role(rawValue: body.role), Role.tokenRoles.contains(role) else {
            throw APIError.badRequest("invalid_role", zh: "令牌用途须为取号机、窗口设备、显示屏或管理脚本之一", en: "role must be kiosk, window, display or manager")
        }
        let setup = await deps.hall.setup
        if role == .window {
            guard let w = body.window, setup.window(w) != nil else {
                throw APIError.badRequest("invalid_window", zh: "窗口设备的令牌须指明一个已有的窗口号（现有：\(setup.windows.map { String($0.number) }.joined(separator: "、"))）",
                                          en: "a window token needs an existing window number")
            }
        } else if body.window != nil {
            throw APIError.badRequest("invalid_window", zh: "只有窗口设备的令牌属于某个窗口", en: "only a window token has a window")
        }
        let label = (body.label ?? "").trimmingCharacters(in: .whitespaces)
        guard label.count <= 40 else { throw APIError.badRequest("invalid_label", zh: "备注不超过 40 个字", en: "label is at most 40 characters") }
        var bytes = [UInt8](repeating: 0, count: 24)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        let token = bytes.map { String(format: "%02x", $0) }.joined()
        let entry = TokenEntry(role: role, window: role == .window ? body.window : nil, sha256: AccessControl.hash(token), label: label)
        let (refused, _) = await editor.edit(section: "tokens", toml: TokenView.toml(await editor.tokens() + [entry]), by: principal)
        if !refused.isEmpty {
            deps.audit(principal, "token_new", target: role.zh, detail: "未执行：" + refused.joined(separator: "；"), ok: false)
            throw APIError(.conflict, code: "setup_refused", zh: "令牌未生成：" + refused.joined(separator: "；"), en: "no token was made: " + refused.joined(separator: "; "))
        }
        deps.audit(principal, "token_new", target: role.zh + (entry.window.map { " \($0) 号窗口" } ?? ""), detail: "新令牌 \(entry.sha256.prefix(12))" + (label.isEmpty ? "" : "（\(label)）"))
        struct Made: Encodable { var token: String; var made: TokenView }
        return try JSON.response(Made(token: token, made: TokenView(entry)), status: .created)
    }
    forAdminister.delete("tokens/:fingerprint") { request, context in
        let principal = try context.principal
        guard let editor = deps.setupEditor else { throw APIError.setupUnavailable }
        let fingerprint = (context.parameters.get("fingerprint") ?? "").lowercased()
        let all = await editor.tokens()
        let matching = all.filter { fingerprint.count >= 8 && $0.sha256.hasPrefix(fingerprint) }
        guard matching.count == 1, let gone = matching.first else {
            throw APIError(.notFound, code: "unknown_token", zh: "没有这个令牌（按列表中的指纹撤销）", en: "no token with that fingerprint")
        }
        let (refused, _) = await editor.edit(section: "tokens", toml: TokenView.toml(all.filter { $0 != gone }), by: principal)
        if !refused.isEmpty {
            deps.audit(principal, "token_revoke", target: gone.role.zh, detail: "未执行：" + refused.joined(separator: "；"), ok: false)
            throw APIError(.conflict, code: "setup_refused", zh: "令牌未撤销：" + refused.joined(separator: "；"), en: "the token was not revoked: " + refused.joined(separator: "; "))
        }
        deps.audit(principal, "token_revoke", target: gone.role.zh + (gone.window.map { " \($0) 号窗口" } ?? ""), detail: "撤销令牌 \(gone.sha256.prefix(12))")
        struct Revoked: Encodable { var revoked: TokenView }
        return try JSON.response(Revoked(revoked: TokenView(gone)))
    }
}

extension APIError {
    static let setupUnavailable = APIError(.serviceUnavailable, code: "setup_unavailable", zh: "此服务未提供设置页面（须由 counterd 守护进程运行）",
                                           en: "setup edits are offered only by the counterd daemon")
}
