import Foundation

/// A numbered ticket joined the queue.
public struct TicketIssued: TicketPayload {
    /// The ticket's id: business day and number, "2026-11-23/A012".
    public var ticket: String
    /// The number as printed: "A012".
    public var number: String
    /// The ticket's category code.
    public var category: String
    /// Green channel (绿色通道).
    public var priority: Bool
    /// When the citizen held the ticket: the wait counts from here.
    public var issuedAt: Date
    /// Daily sequence of the number (the 12 of A012). Absent when a reservation was confirmed (the reservation took the sequence), and in logs written before print-before-issue.
    public var sequence: Int?
    /// Why it is a priority ticket (老年人, 预约 …); absent for ordinary tickets and in older logs.
    public var priorityReason: String?
    /// The appointment code it was taken for.
    public var appointment: String?
    /// The wait the hall estimated when the ticket was taken, seconds (nil: no window served the category).
    public var estimatedWaitSeconds: Double?

    public init(ticket: String, number: String, category: String, priority: Bool, issuedAt: Date, sequence: Int? = nil,
                priorityReason: String? = nil, appointment: String? = nil, estimatedWaitSeconds: Double? = nil) {
        self.priorityReason = priorityReason
        self.appointment = appointment
        self.estimatedWaitSeconds = estimatedWaitSeconds
        self.ticket = ticket
        self.number = number
        self.category = category
        self.priority = priority
        self.issuedAt = issuedAt
        self.sequence = sequence
    }
}

/// A kiosk took the next number and is printing it.
public struct TicketReserved: TicketPayload {
    public var ticket: String
    public var number: String
    public var category: String
    public var priority: Bool
    public var sequence: Int
    public var issuedAt: Date
    public var priorityReason: String?
    public var appointment: String?
    public var estimatedWaitSeconds: Double?
}

/// A reserved number that was never printed.
public struct TicketVoided: TicketPayload {
    public var ticket: String
    public var number: String
    public var category: String
    /// The printer's reason ("paper_out", "interrupted" …).
    public var reason: String
}

/// A window called the next ticket.
public struct TicketCalled: TicketAtWindowPayload {
    public var window: Int
    /// The clerk on duty (config id).
    public var clerk: String
    public var ticket: String
    public var number: String
    public var category: String
    public var priority: Bool
    public var issuedAt: Date
    /// Issued → this call.
    public var waitSeconds: Double

    public init(window: Int, clerk: String, ticket: String, number: String, category: String, priority: Bool, issuedAt: Date, waitSeconds: Double) {
        self.window = window
        self.clerk = clerk
        self.ticket = ticket
        self.number = number
        self.category = category
        self.priority = priority
        self.issuedAt = issuedAt
        self.waitSeconds = waitSeconds
    }
}

/// A ticket at a window, and nothing more: parked (挂起) or called back.
public struct TicketAtWindow: TicketAtWindowPayload {
    public var window: Int
    public var clerk: String
    public var ticket: String
    public var number: String
    public var category: String
}

/// The ticket in service was called again.
public struct TicketRecalled: TicketAtWindowPayload {
    public var window: Int
    public var clerk: String
    public var ticket: String
    public var number: String
    public var category: String
    /// Recalls so far, this one included.
    public var recalls: Int
}

/// The citizen did not come (过号).
public struct TicketNoShow: TicketAtWindowPayload {
    public var window: Int
    public var clerk: String
    public var ticket: String
    public var number: String
    public var category: String
    /// "manual" or "recall_limit".
    public var reason: String
    public var recalls: Int
}

/// The ticket went back to the queue under another category and/or for one window.
public struct TicketTransferred: TicketAtWindowPayload {
    public var window: Int
    public var clerk: String
    public var ticket: String
    public var number: String
    public var category: String
    /// Its category from now on (the same one when only a window was named).
    public var toCategory: String
    /// The one window that may call it, if named.
    public var toWindow: Int?
}

/// A service ended; the window now awaits the rating.
public struct TicketFinished: TicketAtWindowPayload {
    public var window: Int
    public var clerk: String
    public var ticket: String
    public var number: String
    public var category: String
    public var outcome: Outcome
    /// Issued → first call.
    public var waitSeconds: Double
    /// Last call → finish.
    public var serviceSeconds: Double
    public var recalls: Int
    /// When the wait for the rating ends.
    public var deadline: Date
    /// 办件编号: typed by the clerk or generated (absent in older logs).
    public var projectNo: String?

    public init(window: Int, clerk: String, ticket: String, number: String, category: String, outcome: Outcome, waitSeconds: Double, serviceSeconds: Double, recalls: Int, deadline: Date, projectNo: String? = nil) {
        self.projectNo = projectNo
        self.window = window
        self.clerk = clerk
        self.ticket = ticket
        self.number = number
        self.category = category
        self.outcome = outcome
        self.waitSeconds = waitSeconds
        self.serviceSeconds = serviceSeconds
        self.recalls = recalls
        self.deadline = deadline
    }
}
