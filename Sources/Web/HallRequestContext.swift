import Access
import HallModel
import Hummingbird

/// Every request's context: Hummingbird's, and who is asking once `Authorize` has let the request through.
public struct HallRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `Authorize` on the routes it guards; nil on open routes (pages, rating links, assets).
    var authenticated: Principal?

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }

    /// The principal `Authorize` let through. A route outside every guarded group that asks has a wiring mistake:
    /// it answers 401 rather than act for nobody.
    var principal: Principal {
        get throws(APIError) {
            guard let authenticated else { throw APIError.unauthorized }
            return authenticated
        }
    }
}

/// The one authenticator: the request's bearer token (or `?token=` for EventSource clients), or else its session
/// cookie with, on a write, the session's `X-CSRF-Token`; then the route group's permission. Routes are grouped by
/// the permission they need, so no handler decides access itself.
struct Authorize: RouterMiddleware {
    typealias Context = HallRequestContext
    let deps: WebDependencies
    /// The permission a request needs; most groups need one fixed permission, window routes the path's window;
    /// nil: the generated operations, whose permission `OperationAccess` checks by operation.
    let permission: (@Sendable (Request, HallRequestContext) async throws -> Permission)?

    /// Authentication only: the generated operations' group.
    init(_ deps: WebDependencies) {
        self.deps = deps
        self.permission = nil
    }

    init(_ deps: WebDependencies, _ permission: Permission) {
        self.deps = deps
        self.permission = { _, _ in permission }
    }

    init(_ deps: WebDependencies, permission: @escaping @Sendable (Request, HallRequestContext) async throws -> Permission) {
        self.deps = deps
        self.permission = permission
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        // Who is asking first: a stranger learns nothing from the permission step (not even whether a window exists).
        let principal = try deps.authenticate(request)
        context.authenticated = principal
        if let permission { try deps.check(principal, try await permission(request, context)) }
        return try await RequestPrincipal.$current.withValue(principal) { try await next(request, context) }
    }
}

extension RouterMethods where Context == HallRequestContext {
    /// The routes added to the returned group, under `path`, need `permission`.
    func requiring(_ deps: WebDependencies, _ permission: Permission, under path: RouterPath = "") -> RouterGroup<Context> {
        group(path).add(middleware: Authorize(deps, permission))
    }

    /// The routes added under `path` (with a `:window` parameter) need the permission `forWindow` gives for the path's
    /// window. Any principal allowed to read may learn that a window does not exist (404).
    func requiring(_ deps: WebDependencies, under path: RouterPath, forWindow: @escaping @Sendable (Int) -> Permission) -> RouterGroup<Context> {
        group(path).add(middleware: Authorize(deps) { _, context in
            try deps.check(try context.principal, .read)
            guard let text = context.parameters.get("window"), let n = Int(text), await deps.hall.setup.window(n) != nil else {
                let r = Rejection.unknownWindow(Int(context.parameters.get("window") ?? "") ?? 0)
                throw APIError(.notFound, code: r.code, zh: r.messageZh, en: r.messageEn)
            }
            return forWindow(n)
        })
    }
}

extension HallRequestContext {
    /// The path's window, already found by the window group's `Authorize`.
    var window: Int {
        get throws(APIError) {
            guard let text = parameters.get("window"), let n = Int(text) else { throw APIError.notFound }
            return n
        }
    }
}
