import Foundation

/// Who a token speaks for.
public enum Role: String, Sendable, CaseIterable, Codable {
    /// Takes tickets.
    case kiosk
    /// One window: its clerk console, caller keypad and evaluator.
    case window
    /// Read-only: hall state and the event stream.
    case display
    /// Reports, plus everything a display reads.
    case manager
}
