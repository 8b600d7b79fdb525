import Foundation
import Hummingbird
import NIOCore

/// The pages people use: the ticket kiosk, the clerk console, the window's tablet evaluator and the phone
/// rating page behind the ticket's QR code, with their shared assets. The files live in `Pages/` and are
/// compiled into the binary. Each page reads its token from ?token= (the phone page's token is in its path).
func addPeoplePages(_ router: Router<HallRequestContext>, _ deps: WebDependencies) {
    router.get("/kiosk") { _, _ in Page.response(Page.kiosk) }
    router.get("/console/window/:window") { _, _ in Page.response(Page.console) }
    router.get("/evaluator/window/:window") { _, _ in Page.response(Page.evaluator) }
    router.get("/r/:token") { _, _ in Page.response(Page.rate) }
    router.get("/assets/common.css") { _, _ in Page.response(Page.commonCSS, type: "text/css; charset=utf-8") }
    router.get("/assets/:script") { _, context in
        guard let name = context.parameters.get("script"), let bytes = Page.scripts[name] else {
            throw APIError(.notFound, code: "not_found", zh: "没有这个文件", en: "no such asset")
        }
        return Page.response(bytes, type: "text/javascript; charset=utf-8")
    }
}
