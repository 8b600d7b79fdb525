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
}

func addAdminRoutes(_ router: Router<BasicRequestContext>, _ deps: WebDependencies) {
    router.get("/admin") { _, _ in Page.response(Page.admin) }
    let api = router.group("api/admin")
    api.get("setup") { request, _ in
        _ = try deps.authorize(request, .administer)
        guard let editor = deps.setupEditor else { throw APIError.setupUnavailable }
        return try JSON.response(await editor.overview())
    }
    @Sendable func edit(_ request: Request, _ context: BasicRequestContext, toml: String?) async throws -> Response {
        let principal = try deps.authorize(request, .administer)
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
    api.put("setup/:section") { request, context in
        _ = try deps.authorize(request, .administer)
        let body = try await JSON.body(Bodies.SetupSection.self, request)
        return try await edit(request, context, toml: body.toml)
    }
    api.delete("setup/:section") { request, context in try await edit(request, context, toml: nil) }
    // A clerk's new sign-in PIN: {"pin"}; stored only as its slow hash, in the clerks section the pages own.
    api.post("clerks/:clerk/pin") { request, context in
        let principal = try deps.authorize(request, .administer)
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

extension APIError {
    static let setupUnavailable = APIError(.serviceUnavailable, code: "setup_unavailable", zh: "此服务未提供设置页面（须由 counterd 守护进程运行）",
                                           en: "setup edits are offered only by the counterd daemon")
}
