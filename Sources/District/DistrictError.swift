import Foundation
import HallModel
import HTTPTypes
import Hummingbird
import LogFormat
import NIOCore

/// A refusal of the district's API, in the hall's error shape (`WireAnswer`): `{"error": {"code", "message_zh", "message_en"}}`.
public struct DistrictError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var messageZh: String
    public var messageEn: String

    public init(_ status: HTTPResponse.Status, code: String, zh: String, en: String) {
        self.status = status
        self.code = code
        self.messageZh = zh
        self.messageEn = en
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = DistrictRoutes.answer(status, WireAnswer(error: .init(code: code, zh: messageZh, en: messageEn)))
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        return response
    }
}

/// Every error leaves the district's API in the one shape: Hummingbird's own (an unknown path, a body too large)
/// and anything unexpected, which is logged.
struct DistrictErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as DistrictError {
            throw error
        } catch let error as HTTPError {
            let zh = switch error.status {
            case .notFound: "没有这个地址"
            case .methodNotAllowed: "该地址不支持此请求方法"
            case .contentTooLarge: "请求内容过大"
            default: "请求无效"
            }
            throw DistrictError(error.status, code: error.status == .notFound ? "not_found" : "http_\(error.status.code)", zh: zh,
                                en: error.body ?? error.status.reasonPhrase)
        } catch {
            context.logger.error("unhandled error in a district request", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            throw DistrictError(.internalServerError, code: "internal", zh: "区级平台内部错误", en: "internal error")
        }
    }
}
