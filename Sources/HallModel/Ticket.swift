import Foundation

/// A numbered ticket while it is in the hall's hands (waiting or being served).
public struct Ticket: Codable, Sendable, Equatable {
    /// Unique over all days: "2026-11-23/A001".
    public var id: String
    /// What the citizen reads: "A001".
    public var number: String
    public var day: String
    public var category: String
    /// Green-channel (绿色通道) tickets are called before all others.
    public var priority: Bool
    /// Kept through transfers: waiting statistics count from here.
    public var issuedAt: Date
    /// Set by a transfer to a named window: only that window calls it.
    public var directedWindow: Int?
    public var transfers: Int
    /// Why it is a priority ticket; nil for ordinary ones.
    public var priorityReason: String?
    /// The appointment it was taken for.
    public var appointment: String?
    /// The wait estimated when it was taken, seconds.
    public var estimatedWaitSeconds: Double?

    public init(id: String, number: String, day: String, category: String, priority: Bool, issuedAt: Date,
                directedWindow: Int? = nil, transfers: Int = 0, priorityReason: String? = nil, appointment: String? = nil,
                estimatedWaitSeconds: Double? = nil) {
        self.priorityReason = priorityReason
        self.appointment = appointment
        self.estimatedWaitSeconds = estimatedWaitSeconds
        self.id = id
        self.number = number
        self.day = day
        self.category = category
        self.priority = priority
        self.issuedAt = issuedAt
        self.directedWindow = directedWindow
        self.transfers = transfers
    }

    /// "A" + at least three digits.
    public static func number(prefix: String, sequence: Int) -> String {
        let digits = String(sequence)
        return prefix + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }
}
