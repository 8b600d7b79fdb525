import HTTPTypes
import OpenAPIRuntime

/// The generated operations read at most 64 KiB of body, as the hand-routed ones do (`JSON.body`): the runtime
/// itself collects a JSON body of any size into memory.
struct BodyLimit: ServerMiddleware {
    static let maxBytes = 64 * 1024

    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?) {
        guard let body else { return try await next(request, nil, metadata) }
        if let length = request.headerFields[.contentLength].flatMap(Int.init), length > Self.maxBytes { throw Self.tooLarge }
        let bytes: HTTPBody.ByteChunk
        do { bytes = try await HTTPBody.ByteChunk(collecting: body, upTo: Self.maxBytes) } catch { throw Self.tooLarge }
        return try await next(request, HTTPBody(bytes), metadata)
    }

    static let tooLarge = APIError(.contentTooLarge, code: "body_too_large", zh: "请求内容过大（上限 64 KB）", en: "request body too large (at most 64 KiB)")
}
