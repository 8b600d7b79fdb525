import Access
import Foundation
import Metrics
import HallModel
import Hummingbird
import NIOCore

/// The API's one error shape: `{"error": {"code", "message_zh", "message_en"}}` with a 4xx/5xx status.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var messageZh: String
    public var messageEn: String
    /// For 405: the methods the path has.
    var allow: String?
    /// For 429: seconds to wait.
    var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, code: String, zh: String, en: String) {
        self.status = status
        self.code = code
        self.messageZh = zh
        self.messageEn = en
    }


    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status, headers: httpHeaderFields, body: .init(byteBuffer: ByteBuffer(bytes: bodyData)))
    }

    static func rejected(_ r: Rejection) -> APIError {
        if case .ratingPeriodOver = r { return APIError(.gone, code: r.code, zh: r.messageZh, en: r.messageEn) }
        return APIError(r.isUnknownEntity ? .notFound : .conflict, code: r.code, zh: r.messageZh, en: r.messageEn)
    }

    /// The window awaits a citizen's rating: the move was refused (and kept in the log).
    static func awaitingRating(_ r: RatingSkipRefused, now: Date) -> APIError {
        let left = max(1, Int(r.deadline.timeIntervalSince(now).rounded(.up)))
        let what: (zh: String, en: String) = switch r.attempted {
        case .signOut: ("签退", "sign out")
        case .callBack: ("叫回挂起的号", "call a hung-up ticket back")
        case .signIn: ("换人签到", "hand the window to another clerk")
        case .park: ("挂起", "hang up the ticket")
        default: ("叫下一号", "call the next number")
        }
        return APIError(.conflict, code: "awaiting_rating",
                        zh: "\(r.number) 正在等待市民评价，暂不能\(what.zh)：请市民在评价器上评价，或等待 \(left) 秒后评价自动结束。此次操作已记录。",
                        en: "\(r.number) is awaiting the citizen's rating, so you cannot \(what.en) yet: let the citizen rate, or wait \(left) s "
                            + "for the wait to end. This attempt was logged.")
    }

    static func badRequest(_ code: String, zh: String, en: String) -> APIError {
        APIError(.badRequest, code: code, zh: zh, en: en)
    }

    static let unauthorized = APIError(.unauthorized, code: "unauthorized", zh: "缺少或无效的访问令牌", en: "missing or invalid access token")
    static let notSignedIn = APIError(.unauthorized, code: "not_signed_in", zh: "未登录或登录已过期：请在 /login 重新登录（程序调用请带上 Authorization: Bearer 令牌）",
                                      en: "not signed in, or the sign-in expired: sign in at /login (programs send Authorization: Bearer TOKEN)")
    static let csrf = APIError(.forbidden, code: "csrf", zh: "请求缺少页面的校验码（X-CSRF-Token）：请刷新页面后重试",
                               en: "the request lacks the page's X-CSRF-Token: reload the page and try again")
    static func roleForbidden(_ role: Role) -> APIError {
        APIError(.forbidden, code: "forbidden", zh: "您的账号角色（\(role.zh)）无权执行该操作：请联系系统管理员",
                 en: "your account's role (\(role.rawValue)) may not do that: ask the administrator")
    }
    static let forbidden = APIError(.forbidden, code: "forbidden", zh: "此令牌无权执行该操作", en: "this token may not do that")
    static let notFound = APIError(.notFound, code: "not_found", zh: "没有这个地址", en: "no such resource")
    static func storage(_ detail: String) -> APIError {
        APIError(.serviceUnavailable, code: "storage_unavailable", zh: "数据库暂时无法写入，操作未执行",
                 en: "the database could not commit; nothing was done")
    }
}

/// The answers that say a credential was wrong or missing: counted by kind, and slowed past the free ones.
let authFailureKinds: [String: String] = ["unauthorized": "token", "login_failed": "password", "wrong_pin": "pin", "csrf": "csrf"]

/// Turns every error into the API's JSON shape, so no handler can answer with an empty 500.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable
    let authFailures: AuthFailures
    let now: @Sendable () -> Date

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as APIError {
            if let kind = authFailureKinds[e.code] {
                Counter(label: "counterd_auth_failures_total", dimensions: [("kind", kind)]).increment()
                let delay = authFailures.failed(now: now())
                if delay > 0 { try? await Task.sleep(for: .milliseconds(Int(delay * 1000))) }
            }
            throw e
        } catch let e as HTTPError {
            switch e.status {
            case .notFound:
                let allowed = routes.methods(for: request.uri.path)
                guard !allowed.isEmpty, !allowed.contains(request.method) else { throw APIError.notFound }
                var error = APIError(.methodNotAllowed, code: "method_not_allowed", zh: "该地址不支持 \(request.method) 请求",
                                     en: "\(request.method) is not allowed here")
                error.allow = allowed.map(\.rawValue).joined(separator: ", ")
                throw error
            case .methodNotAllowed:
                throw APIError(.methodNotAllowed, code: "method_not_allowed", zh: "不支持该请求方法", en: "method not allowed")
            case .contentTooLarge:
                throw APIError(.contentTooLarge, code: "body_too_large", zh: "请求内容过大", en: "request body too large")
            default:
                throw APIError(e.status, code: "http_\(e.status.code)", zh: "请求无效", en: e.body ?? e.status.reasonPhrase)
            }
        } catch {
            context.logger.error("unhandled error in request", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            throw APIError(.internalServerError, code: "internal", zh: "服务器内部错误", en: "internal error")
        }
    }
}
