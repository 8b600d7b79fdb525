import Foundation
import HallModel
import Testing

@Suite struct OpenAPITests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// (method, path) pairs listed under `paths:` in the document.
    static func operations(_ yaml: String) -> [(String, String)] {
        var out: [(String, String)] = []
        var path: String?
        for line in yaml.split(separator: "\n") {
            if line.hasPrefix("  /") && line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if let p = path, line.hasPrefix("    "), !line.hasPrefix("     "),
                      let m = ["get", "post", "put", "delete"].first(where: { line == "    \($0):" }) {
                out.append((m.uppercased(), p))
            } else if line.hasPrefix("components:") {
                break
            }
        }
        return out
    }

    @Test func everyDocumentedOperationIsRouted() async throws {
        try await TestServer.with { s in
            let doc = try await s.call("GET", "/openapi.yaml", token: nil)
            #expect(doc.status == 200 && doc.headers["content-type"]?.hasPrefix("application/yaml") == true)
            let ops = Self.operations(doc.text)
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
        let text = try String(contentsOf: Self.repo.appendingPathComponent("Sources/Web/openapi.yaml"), encoding: .utf8)
        let start = try #require(text.range(of: "    Event:\n"))
        let enumStart = try #require(text.range(of: "enum: [", range: start.upperBound..<text.endIndex))
        let enumEnd = try #require(text.range(of: "]", range: enumStart.upperBound..<text.endIndex))
        let documented = text[enumStart.upperBound..<enumEnd.lowerBound].split(whereSeparator: { ", \n".contains($0) }).map(String.init)
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
