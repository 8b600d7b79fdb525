/// The 电子监察 sweep: which open matters are yellow (黄牌) and which red (红牌) today, in one pass. Due days are kept
/// with the matters (they move only when a clock stop ends), so the sweep compares days: one calendar walk per
/// sweep, none per matter. Agrees with `MatterSignal.of` for every due day (`MatterSweepTests`).
public enum MatterSweep {
    public struct Open: Sendable, Equatable {
        public var projectNo: String
        public var dueDay: String
        /// A clock stop is open: the matter is not running late.
        public var stopped: Bool

        public init(projectNo: String, dueDay: String, stopped: Bool = false) {
            self.projectNo = projectNo
            self.dueDay = dueDay
            self.stopped = stopped
        }
    }

    /// Indices into `open` of the yellow and the red matters.
    public static func signals(_ open: [Open], today: String, calendar: WorkingCalendar,
                               yellowWorkingDays: Int = 1) -> (yellow: [Int], red: [Int]) {
        // Due before the (n+1)-th working day after today ⇔ at most n working days left: yellow.
        let beyondYellow = calendar.adding(workingDays: max(0, yellowWorkingDays) + 1, to: today)
        var yellow: [Int] = [], red: [Int] = []
        for (i, m) in open.enumerated() where !m.stopped {
            if m.dueDay < today {
                red.append(i)
            } else if m.dueDay < beyondYellow {
                yellow.append(i)
            }
        }
        return (yellow, red)
    }
}
