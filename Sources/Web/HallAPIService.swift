import Access
import HallAPI
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime

/// The operations generated from `openapi.yaml` (HallAPI), answered with the hall's dependencies. Each tag's
/// operations live in an extension named after the tag (`CaseOperations.swift` …).
struct HallAPIService: APIProtocol {
    let deps: WebDependencies

    /// Who may call each generated operation. One table instead of a check in each handler; a generated
    /// operation missing from it is refused for everyone (and `GeneratedAPITests.everyGeneratedOperationHasItsPermission` fails).
    static let access: [String: Permission] = [
        "cases": .reports,
        "caseContact": .cases, "caseRectify": .cases, "caseClose": .cases, "caseAssign": .cases,
        "casePhone": .revealPhone,
        "listTokens": .administer, "newToken": .administer, "revokeToken": .administer, "resetClerkPIN": .administer,
        "report": .reports, "platform": .reports,
    ]

    /// Adds the generated routes: `Authorize` finds who is asking (token or session cookie + CSRF) before the
    /// generated code runs, `OperationAccess` checks the operation's permission, `APIErrorMapping` gives every
    /// failure — a malformed body the generated code refused included — the API's error shape.
    static func register(on router: Router<HallRequestContext>, _ deps: WebDependencies) {
        let group = router.group().add(middleware: Authorize(deps))
        do {
            try HallAPIService(deps: deps).registerHandlers(
                on: group, configuration: HallAPIService.configuration,
                middlewares: [APIErrorMapping(), OperationAccess(deps: deps, table: access), BodyLimit()])
        } catch {
            // registerHandlers throws only for a server URL it cannot parse; ours is "/".
            preconditionFailure("the generated API could not be registered: \(error)")
        }
    }

    /// Dates as the hand-written handlers write them: ISO 8601 in UTC, whole seconds.
    static let configuration = Configuration(dateTranscoder: .iso8601)
}
