import Foundation

/// The JSON bodies the API reads, one named type each, so that a fuzzer and the corpus test reach every one
/// of them (they were local to their routes). Each is decoded by `JSON.body` with the API's decoder.
enum Bodies {
    // PeopleRoutes
    struct KioskTicket: Decodable, Sendable {
        var category: String
        var priority: Bool?
        var priorityReason: String?
        var requestId: String?
        var print: Bool?
        /// 叫号提醒: the citizen's mobile number, used once for the turn-near message and deleted that night.
        var phone: String?
    }
    // PeopleRoutes
    struct ReprintPIN: Decodable, Sendable { var pin: String }
    // SuperviseRoutes
    struct MoveTicket: Decodable, Sendable {
        var toCategory: String?
        var toWindow: Int?
    }
    // SuperviseRoutes
    struct Notice: Decodable, Sendable {
        var text: String
        var until: Date?
    }
    // CitizenRoutes
    struct CheckIn: Decodable, Sendable {
        var code: String
        var requestId: String?
        var print: Bool?
    }
    // AdminRoutes
    struct SetupSection: Decodable, Sendable { var toml: String }
    // APIRoutes
    struct IssueTicket: Decodable, Sendable {
        var category: String
        var priority: Bool?
    }
    // APIRoutes
    struct SignIn: Decodable, Sendable {
        var clerk: String
        var pin: String?
    }
    // APIRoutes
    struct CallBack: Decodable, Sendable { var ticket: String? }
    // APIRoutes
    struct CallTicket: Decodable, Sendable { var ticket: String }
    // APIRoutes
    struct Requeue: Decodable, Sendable { var ticket: String }
    // APIRoutes
    struct Transfer: Decodable, Sendable {
        var category: String?
        var window: Int?
    }
    // APIRoutes
    struct Finish: Decodable, Sendable {
        var outcome: String?
        var projectNo: String?
    }
    struct ReasonsExtend: Decodable, Sendable {
        var ticket: String
    }
    struct RatingReasons: Decodable, Sendable {
        var ticket: String
        var reasons: [String]?
        var comment: String?
        var phone: String?
    }
    // AccountRoutes
    struct Login: Decodable, Sendable {
        var login: String
        var password: String
    }
}
