import Foundation
import Hummingbird
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
    static let openAPI = PackageResources.openapi_yaml

    /// A page or asset, never cached: a hall updates counterd and every screen shows the new version.
    static func response(_ bytes: [UInt8], type: String = "text/html; charset=utf-8") -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func response(_ text: String, type: String = "text/html; charset=utf-8") -> Response {
        response(Array(text.utf8), type: type)
    }
}
