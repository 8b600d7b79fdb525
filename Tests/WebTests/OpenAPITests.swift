import Foundation
import HallModel
import Testing
import Yams

@Suite struct OpenAPITests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The document as a YAML parser reads it.
    static func document(_ yaml: String) throws -> [String: Any] {
        try #require(try Yams.load(yaml: yaml) as? [String: Any], "openapi.yaml is not a YAML mapping")
    }

    /// (method, path) pairs under `paths:`, as a parser reads them (anchors and aliases resolved).
    static func operations(_ yaml: String) throws -> [(String, String)] {
        let paths = try #require(try document(yaml)["paths"] as? [String: Any])
        return paths.flatMap { path, item in
            ((item as? [String: Any]) ?? [:]).keys.filter { ["get", "post", "put", "patch", "delete"].contains($0) }.map { ($0.uppercased(), path) }
        }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
    }

    @Test func everyDocumentedOperationIsRouted() async throws {
        try await TestServer.with { s in
            let doc = try await s.call("GET", "/openapi.yaml", token: nil)
            #expect(doc.status == 200 && doc.headers["content-type"]?.hasPrefix("application/yaml") == true)
            let ops = try Self.operations(doc.text)
            #expect(ops.count == 69)
            for (method, path) in ops where path != "/api/events" {
                let concrete = path.replacingOccurrences(of: "{window}", with: "1").replacingOccurrences(of: "{scope}", with: "windows")
                    .replacingOccurrences(of: "{token}", with: "2026-11-23-A001.00")
                    .replacingOccurrences(of: "{id}", with: "2026-11-23-A001").replacingOccurrences(of: "{file}", with: "windows.csv")
                    .replacingOccurrences(of: "{ticket}", with: "2026-11-23%2FA001").replacingOccurrences(of: "{section}", with: "categories")
                    .replacingOccurrences(of: "{clerk}", with: "c1").replacingOccurrences(of: "{category}", with: "a")
                let manager = ["/api/reports", "/api/appointments", "/api/cases", "/api/dashboard", "/api/alerts", "/api/export", "/api/audit", "/api/tickets/"].contains { concrete.hasPrefix($0) }
                let token = concrete.hasPrefix("/api/windows") ? "t-window-1" : manager ? "t-manager" : "t-kiosk"
                let r = try await s.call(method, concrete, token: token, json: method == "POST" ? "{}" : nil)
                #expect(r.errorCode != "not_found" && r.status != 405, "\(method) \(path) is documented but answered \(r.status)")
            }
            let (status, _) = try await RawHTTP.events(port: s.port, path: "/api/events?after=0", token: "t-display", count: 0)
            #expect(status == 200)
        }
    }

    /// An independent validator (openapi-spec-validator, from the test virtualenv that `make test` creates).
    /// The event kinds the document promises are exactly the kinds there are: a client that switches on
    /// them meets none it was not told of.
    @Test func theDocumentedEventKindsAreTheModelsKinds() throws {
        let text = try String(contentsOf: Self.repo.appendingPathComponent("Sources/HallAPI/openapi.yaml"), encoding: .utf8)
        let schemas = try #require((try Self.document(text)["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let kind = try #require(((schemas["Event"] as? [String: Any])?["properties"] as? [String: Any])?["kind"] as? [String: Any])
        let documented = try #require(kind["enum"] as? [String])
        #expect(Set(documented) == Set(EventKind.allCases.map(\.rawValue)))
    }

    @Test func documentPassesAnIndependentValidator() async throws {
        let python = Self.repo.appendingPathComponent(".venv/bin/python")
        try #require(FileManager.default.isExecutableFile(atPath: python.path),
                     "no test virtualenv at .venv: run `make test` (it creates it) before `swift test`")
        try await TestServer.with { s in
            let doc = try await s.call("GET", "/openapi.yaml", token: nil)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-\(UUID().uuidString).yaml")
            try doc.body.write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let r = try await Command.run(python, ["-m", "openapi_spec_validator", file.path])
            #expect(r.status == 0, "\(r.out)\(r.err)")
        }
    }
}
