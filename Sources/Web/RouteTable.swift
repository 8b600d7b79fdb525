import Hummingbird
import Synchronization

/// The router's (path, method) pairs, so a request for a known path with a method it does not have is
/// answered 405 with `Allow`, not 404. Filled once the router has all its routes.
final class RouteTable: Sendable {
    /// Each route's path segments as the router describes them: "api", "{window}", "*" …
    private let routes = Mutex<[(path: [String], method: HTTPRequest.Method)]>([])

    func fill<Context>(from router: Router<Context>) {
        let described = router.routes.map { (path: $0.path.components.map(\.description), method: $0.method) }
        routes.withLock { $0 = described }
    }

    /// The methods routed for `path`, sorted; empty when no route has that path.
    func methods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        let found: [String] = routes.withLock { routes in
            routes.filter { Self.matches($0.path, segments) }.map { $0.method.rawValue }
        }
        return Set(found).sorted().compactMap { HTTPRequest.Method($0) }
    }

    private static func matches(_ pattern: [String], _ segments: [Substring]) -> Bool {
        guard pattern.count == segments.count else { return false }
        // A segment with a {parameter} or a wildcard matches any segment; others match exactly.
        return zip(pattern, segments).allSatisfy { p, s in p == "*" || p.contains("{") || p == s }
    }
}
