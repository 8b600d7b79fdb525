import Access
import HTTPTypes
import OpenAPIRuntime

/// Checks the permission `HallAPIService.access` names for the operation, for the principal `Authorize` found.
struct OperationAccess: ServerMiddleware {
    let deps: WebDependencies
    let table: [String: Permission]

    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?) {
        let principal = try RequestPrincipal.required
        guard let permission = table[operationID] else {
            throw APIError(.forbidden, code: "forbidden", zh: "该操作尚未设置访问权限，任何人都不能调用：请报告此问题",
                           en: "operation \(operationID) has no permission set, so no one may call it")
        }
        try deps.check(principal, permission)
        return try await next(request, body, metadata)
    }
}

/// The principal of the request being answered, for code that runs below Hummingbird's context (the generated
/// server's handlers). Set by `Authorize` around the rest of the request.
enum RequestPrincipal {
    @TaskLocal static var current: Principal?

    static var required: Principal {
        get throws(APIError) {
            guard let current else { throw APIError.unauthorized }
            return current
        }
    }
}
