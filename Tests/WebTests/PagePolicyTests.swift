import Foundation
import Testing

/// Every page is served with a Content-Security-Policy that allows script and everything else from this
/// server only and no inline script, and no page has any: each script is a file under /assets/. (The
/// Chromium tests run every page under that policy; a blocked script would fail them.)
@Suite struct PagePolicyTests {
    static let pages = ["/kiosk", "/console/window/1", "/evaluator/window/1", "/r/x", "/dashboard", "/login", "/admin", "/guide/a",
                        "/display/hall", "/display/tv", "/display/window/1"]

    /// `<script>` elements that execute and carry their code inline (a JSON data block executes nothing).
    static func inlineScripts(_ html: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: "<script([^>]*)>([^<]*)</script>", options: [])
        return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap { m in
            let attributes = String(html[Range(m.range(at: 1), in: html)!])
            let body = String(html[Range(m.range(at: 2), in: html)!])
            if attributes.contains("src=") && body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return nil }
            if attributes.contains("application/json") { return nil }
            return attributes + body.prefix(40)
        }
    }

    @Test func everyPageHasThePolicyAndNoInlineScript() async throws {
        try await TestServer.with { s in
            for path in Self.pages {
                let r = try await s.call("GET", path, token: nil)
                #expect(r.status == 200, "\(path)")
                let csp = r.headers["content-security-policy"] ?? ""
                #expect(csp.contains("script-src 'self';") && csp.contains("default-src 'self'")
                        && csp.contains("frame-ancestors 'none'"), "\(path): \(csp)")
                #expect(!csp.components(separatedBy: "script-src")[1].split(separator: ";")[0].contains("unsafe"), "\(path): \(csp)")
                #expect(Self.inlineScripts(r.text).isEmpty, "\(path) has an inline script: \(Self.inlineScripts(r.text))")
                // Every script it names is served.
                for m in try NSRegularExpression(pattern: "src=\"(/assets/[^\"]+)\"").matches(in: r.text, range: NSRange(r.text.startIndex..., in: r.text)) {
                    let src = String(r.text[Range(m.range(at: 1), in: r.text)!])
                    let asset = try await s.call("GET", src, token: nil)
                    #expect(asset.status == 200 && asset.headers["content-type"]?.hasPrefix("text/javascript") == true, "\(path) → \(src)")
                }
            }
            #expect(try await s.call("GET", "/assets/nope.js", token: nil).status == 404)
        }
        let district = try String(contentsOf: OpenAPITests.repo.appendingPathComponent("Sources/District/Pages/district.html"), encoding: .utf8)
        #expect(Self.inlineScripts(district).isEmpty)
    }
}
