import Foundation
import HTTPTypes
import LogFormat
import Logging
import OpenAPIRuntime

/// The outermost middleware of the generated operations: every failure leaves as the API's error shape.
/// An `APIError` keeps its status and body; what the generated code refused (malformed JSON, a missing field,
/// a wrong content type, a bad parameter) is a 4xx naming what was wrong, never an empty 500.
struct APIErrorMapping: ServerMiddleware {
    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?) {
        do {
            return try await next(request, body, metadata)
        } catch let error as ServerError {
            // The runtime wraps whatever the handlers and inner middlewares throw (an `APIError` too) in a `ServerError`.
            return Self.answer(error, operationID: operationID)
        }
    }

    static func answer(_ error: ServerError, operationID: String) -> (HTTPResponse, HTTPBody?) {
        if let api = error.underlyingError as? APIError {
            return (HTTPResponse(status: api.status, headerFields: api.httpHeaderFields), api.httpBody)
        }
        let mapped: APIError
        switch error.httpStatus.code {
        case 415:
            mapped = APIError(.unsupportedMediaType, code: "unsupported_media_type", zh: "请求内容须为 JSON", en: "the body must be application/json")
        case 400..<500 where error.underlyingError is DecodingError:
            // The generated code decodes query parameters and the body alike; the contract tells which was refused.
            let query = error.request.path.flatMap { $0.split(separator: "?", maxSplits: 1).dropFirst().first }.map(String.init) ?? ""
            if let (name, field) = ContractFields.shared.refusedPathParameter(operation: operationID, values: error.requestMetadata.pathParameters) {
                // A path outside the contract's values names nothing there is.
                mapped = APIError(.notFound, code: "not_found", zh: "没有这个地址：路径中的 \(name) 须为 \(field.allowed.joined(separator: "、")) 之一",
                                  en: "no such resource: \(name) must be one of \(field.allowed.joined(separator: ", "))")
            } else if let (name, field) = ContractFields.shared.refusedParameter(operation: operationID, query: query) {
                mapped = APIError.badRequest("invalid_parameter", zh: "参数 \(name) 须为 \(field.allowed.joined(separator: "、")) 之一",
                                             en: "\(name) must be one of \(field.allowed.joined(separator: ", "))")
            } else if ContractFields.shared.hasBody(operation: operationID), ["", "0"].contains(error.request.headerFields[.contentLength] ?? "") {
                mapped = APIError.badRequest("malformed_json", zh: "缺少请求内容：此操作需要 JSON 请求体（见 /openapi.yaml）",
                                             en: "the body is missing: this operation needs a JSON body (see /openapi.yaml)")
            } else {
                let said = ContractFields.shared.describe(error.underlyingError, operation: operationID)
                mapped = APIError.badRequest("malformed_json", zh: "请求内容有误：\(said.zh)", en: "malformed JSON body: \(said.en)")
            }
        case 400..<500:
            // A missing required header or parameter, an unreadable Accept: the runtime's own words name it.
            mapped = APIError(error.httpStatus, code: "invalid_request", zh: "请求无效（缺少内容或参数不合规定）：\(error.causeDescription)",
                              en: "invalid request: \(error.causeDescription)")
        default:
            Logger(label: "counterd.api").error("unhandled error in an operation",
                                                metadata: ["operation": "\(operationID)", "error": "\(error.underlyingError)"])
            mapped = APIError(.internalServerError, code: "internal", zh: "服务器内部错误", en: "internal error")
        }
        return (HTTPResponse(status: mapped.status, headerFields: mapped.httpHeaderFields), mapped.httpBody)
    }
}

extension APIError: HTTPResponseConvertible {
    public var httpStatus: HTTPResponse.Status { status }

    public var httpHeaderFields: HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if let allow { headers[.allow] = allow }
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return headers
    }

    public var httpBody: HTTPBody? { HTTPBody(bodyData) }

    /// `{"error": {"code", "message_zh", "message_en"}}`.
    var bodyData: Data {
        (try? JSON.encoder.encode(WireAnswer(error: .init(code: code, zh: messageZh, en: messageEn)))) ?? Data("{}".utf8)
    }
}
