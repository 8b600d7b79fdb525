import Access
import Foundation
import HallAPI
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

extension Components.Schemas.Token {
    /// A token as the setup pages list it: what it is for, never its secret.
    init(_ t: TokenEntry) {
        self.init(role: RolePayload(rawValue: t.role.rawValue) ?? .display, roleZh: t.role.zh, window: t.window, label: t.label,
                  fingerprint: String(t.sha256.prefix(12)))
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
}

extension APIError {
    static let setupUnavailable = APIError(.serviceUnavailable, code: "setup_unavailable", zh: "此服务未提供设置页面（须由 counterd 守护进程运行）",
                                           en: "setup edits are offered only by the counterd daemon")
}
