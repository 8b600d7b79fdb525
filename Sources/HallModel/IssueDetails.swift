/// What a new ticket carries besides its category: why it is a priority ticket, and the appointment it
/// was taken for.
public struct IssueDetails: Sendable, Equatable, Codable {
    /// The 绿色通道 reason (老年人, 残疾人 …, or 预约); nil for an ordinary ticket.
    public var priorityReason: String?
    /// The appointment code checked in with this ticket; one ticket per code and day.
    public var appointment: String?

    public init(priorityReason: String? = nil, appointment: String? = nil) {
        self.priorityReason = priorityReason
        self.appointment = appointment
    }

    /// The reason appointment check-ins carry.
    public static let appointmentReason = "预约"
}
