import Devices
import Foundation
import HallModel
import Mustache

/// The browser displays counterd serves: a window screen, a hall screen and a TV layout. One page, three
/// layouts (`Pages/display.mustache`); live from /api/events (server-sent events) with automatic reconnect
/// and a full state refresh after it. Nothing is loaded from elsewhere: halls run on intranets.
enum DisplayPages {
    // The template is a file of the package: a syntax error in it is a build defect, caught by every test
    // that opens a display page.
    static let template = try! MustacheTemplate(string: Page.displayTemplate)

    enum Layout: String {
        case window, hall, tv
    }

    static func html(layout: Layout, window: Int?, templates: DisplayTemplates, calls: Int) -> String {
        struct Config: Encodable {
            var layout: String
            var window: Int?
            var calls: Int
            var call: String
            var idle: String
            var closed: String
        }
        let config = Config(layout: layout.rawValue, window: window, calls: calls, call: templates.call, idle: templates.idle,
                            closed: templates.closed)
        let json = (try? WireCoding.plainEncoder().encode(config)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        // "</" must not close the script element early.
        let safe = json.replacingOccurrences(of: "</", with: "<\\/")
        return template.render(["config": safe])
    }
}
