import Foundation
import HallAPI
import Hummingbird
import HTTPTypes
import NIOCore

/// The page files (`Sources/Web/Pages/`), as compiled into the binary by SwiftPM.
enum Page {
    static let kiosk = PackageResources.kiosk_html
    static let console = PackageResources.console_html
    static let evaluator = PackageResources.evaluator_html
    static let rate = PackageResources.rate_html
    static let dashboard = PackageResources.dashboard_html
    static let login = PackageResources.login_html
    static let admin = PackageResources.admin_html
    static let guide = PackageResources.guide_html
    static let commonCSS = PackageResources.common_css
    static let commonJS = PackageResources.common_js
    static let displayTemplate = String(decoding: PackageResources.display_mustache, as: UTF8.self)
    static let openAPI = HallAPIDocument.yaml
    /// Each page's script, at /assets/NAME.js: no page has an inline script, so the policy forbids them.
    static let scripts: [String: [UInt8]] = [
        "common.js": PackageResources.common_js, "kiosk.js": PackageResources.kiosk_js, "console.js": PackageResources.console_js,
        "evaluator.js": PackageResources.evaluator_js, "rate.js": PackageResources.rate_js, "dashboard.js": PackageResources.dashboard_js,
        "login.js": PackageResources.login_js, "admin.js": PackageResources.admin_js, "guide.js": PackageResources.guide_js,
        "display.js": PackageResources.display_js,
    ]

    /// Sent with every page: scripts and everything else from this server only, no inline or eval'd script,
    /// no framing by other sites. Inline styles stay allowed (the pages' layout uses them).
    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// A page or asset, never cached: a hall updates counterd and every screen shows the new version.
    static func response(_ bytes: [UInt8], type: String = "text/html; charset=utf-8") -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        if type.hasPrefix("text/html") {
            headers[HTTPField.Name("Content-Security-Policy")!] = contentSecurityPolicy
            headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func response(_ text: String, type: String = "text/html; charset=utf-8") -> Response {
        response(Array(text.utf8), type: type)
    }
}
