import GRDB
import HallModel

/// A ticket's row state in `tickets.status`; the stored strings are these raw values.
public enum TicketRecordStatus: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case waiting, called, parked, served
    case noShow = "no_show"
    case expired
}

/// A served ticket's rating in `tickets.rating_state` (nil before the service ends).
public enum RatingRecordState: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case awaiting, rated
    case notRated = "not_rated"
}

/// `cases.state`: the stored strings are `CaseState`'s raw values.
extension CaseState: DatabaseValueConvertible {}
