import Foundation
import HallModel
import Hummingbird

extension WebDependencies {
    /// The hall's business day now.
    func today() async -> String { await hall.engine.calendar.day(of: hall.now) }

    /// `from` … `to` (default: today … `from`), validated: a 400 that names the parameters.
    func range(from: String?, to: String?) async throws -> (String, String) {
        let today = await today()
        let from = from ?? today
        let to = to ?? from
        try validateRange(self, from: from, to: to)
        return (from, to)
    }
}

/// A range from the query parameters `from` and `to`: a 400 that names them.
func validateRange(_ deps: WebDependencies, from: String, to: String) throws {
    do {
        try deps.reports.validate(from: from, to: to)
    } catch {
        throw APIError.badRequest("invalid_range", zh: error.messageZh, en: error.message(from: "from", to: "to"))
    }
}

/// ?from=&to= (default: today), validated.
func range(_ request: Request, _ deps: WebDependencies) async throws -> (String, String) {
    try await deps.range(from: request.uri.queryParameters.get("from"), to: request.uri.queryParameters.get("to"))
}
