/// The 效能 figures halls publish, for one set of matters (a window's, a clerk's, an item's, the hall's) over a
/// period of business days, as of `today`:
/// - 受理件: accepted in the period; 即办件 and 承诺件 (every class that is not 即办) among them; 即办率 = 即办件 / 受理件.
/// - 办结件: completed in the period; of the 承诺件 among them: 提前, 按期, 逾期;
///   按时办结率 = (提前 + 按期) / 承诺件办结, 提前办结率 = 提前 / 承诺件办结.
/// - 超期件: completed in the period late, plus those accepted by the period's end still open and overdue today.
/// - 平均办结工作日: the 承诺件 completed in the period, acceptance to completion less clock stops.
/// - 承诺提速率 = 1 − Σ working days taken / Σ 法定办结时限 (working days), over those with a legal limit in working days.
/// Rates are fractions (0…1), nil with nothing to divide by.
public struct MatterFigures: Sendable, Equatable, Codable {
    public var accepted = 0
    public var immediate = 0
    public var promised = 0
    public var completed = 0
    public var promisedCompleted = 0
    public var early = 0
    public var onTime = 0
    public var late = 0
    public var overdue = 0
    public var immediateRate: Double?
    public var onTimeRate: Double?
    public var earlyRate: Double?
    public var meanWorkingDays: Double?
    public var speedUpRate: Double?

    public init() {}

    public init(_ matters: [Matter], from: String, to: String, today: String, calendar: WorkingCalendar) {
        var taken = 0, takenCount = 0, takenForLegal = 0, legal = 0
        for m in matters {
            if m.acceptedDay >= from && m.acceptedDay <= to {
                accepted += 1
                if m.outcome == .immediate { immediate += 1 } else { promised += 1 }
                if m.completion == nil, m.signal(calendar: calendar, today: today) == .red { overdue += 1 }
            }
            guard let c = m.completion, c.day >= from, c.day <= to else { continue }
            completed += 1
            guard m.outcome != .immediate, let efficiency = m.efficiency(calendar: calendar) else { continue }
            promisedCompleted += 1
            switch efficiency {
            case .early, .immediate: early += 1
            case .onTime: onTime += 1
            case .late:
                late += 1
                overdue += 1
            }
            let days = MatterClock.workingDaysTaken(acceptedDay: m.acceptedDay, completedDay: c.day, calendar: calendar, stops: m.stops)
            taken += days
            takenCount += 1
            if let l = m.legalLimit, l.unit == .workingDays, l.amount > 0 {
                takenForLegal += days
                legal += l.amount
            }
        }
        func rate(_ n: Int, _ d: Int) -> Double? { d == 0 ? nil : Double(n) / Double(d) }
        immediateRate = rate(immediate, accepted)
        onTimeRate = rate(early + onTime, promisedCompleted)
        earlyRate = rate(early, promisedCompleted)
        meanWorkingDays = takenCount == 0 ? nil : Double(taken) / Double(takenCount)
        speedUpRate = legal == 0 ? nil : 1 - Double(takenForLegal) / Double(legal)
    }
}
