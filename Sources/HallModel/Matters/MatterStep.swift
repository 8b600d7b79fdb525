import Foundation

/// What happens to an accepted matter: a 环节, a clock stop begun or ended, 办结, 出件.
public enum MatterStep: Sendable, Equatable, Codable {
    case stage(Matter.Stage)
    case stopStarted(kind: ClockStop.Kind, reason: String)
    case stopEnded
    case completed(by: String, result: Matter.Result, reason: String?)
    case delivered(Matter.Delivery)
}

/// Why a step was refused; nothing of it is kept. Each names the field and says how to put it right.
public enum MatterRefusal: Error, Sendable, Equatable {
    case beforeAcceptance(field: String)
    case beforeCompletion(field: String)
    case inTheFuture(field: String)
    case alreadyCompleted
    case notCompleted
    case alreadyDelivered
    case stopAlreadyOpen
    case noOpenStop
    case stopOpenAtCompletion
    case reasonNeeded(field: String)
    case stageEndsBeforeStart

    public var code: String {
        switch self {
        case .beforeAcceptance: "before_acceptance"
        case .beforeCompletion: "before_completion"
        case .inTheFuture: "time_in_future"
        case .alreadyCompleted: "already_completed"
        case .notCompleted: "not_completed"
        case .alreadyDelivered: "already_delivered"
        case .stopAlreadyOpen: "stop_already_open"
        case .noOpenStop: "no_open_stop"
        case .stopOpenAtCompletion: "stop_open"
        case .reasonNeeded: "reason_needed"
        case .stageEndsBeforeStart: "stage_ends_before_start"
        }
    }

    public var messageZh: String {
        switch self {
        case .beforeAcceptance(let f): "\(f) 早于受理时间：请核对时间"
        case .beforeCompletion(let f): "\(f) 早于办结时间：出件须在办结之后"
        case .inTheFuture(let f): "\(f) 晚于现在：请核对时间"
        case .alreadyCompleted: "该办件已办结，不能再记录办理步骤"
        case .notCompleted: "该办件尚未办结，不能出件：请先记录办结"
        case .alreadyDelivered: "该办件已出件"
        case .stopAlreadyOpen: "该办件已在特别程序中：请先结束当前特别程序"
        case .noOpenStop: "该办件没有进行中的特别程序，无法结束"
        case .stopOpenAtCompletion: "特别程序尚未结束，不能办结：请先结束特别程序"
        case .reasonNeeded(let f): "不予办理须写明理由（\(f)）"
        case .stageEndsBeforeStart: "环节结束时间早于开始时间"
        }
    }

    public var messageEn: String {
        switch self {
        case .beforeAcceptance(let f): "\(f) is before the matter was accepted"
        case .beforeCompletion(let f): "\(f) is before the matter was completed"
        case .inTheFuture(let f): "\(f) is in the future"
        case .alreadyCompleted: "the matter is completed already"
        case .notCompleted: "the matter is not completed yet: record 办结 first"
        case .alreadyDelivered: "the result was delivered already"
        case .stopAlreadyOpen: "a special procedure is open already: end it first"
        case .noOpenStop: "no special procedure is open"
        case .stopOpenAtCompletion: "a special procedure is still open: end it before completing"
        case .reasonNeeded(let f): "a denial needs its written reason (\(f))"
        case .stageEndsBeforeStart: "the stage ends before it starts"
        }
    }
}

extension Matter {
    /// The matter after `step` at `at` (on business day `day`), or the refusal: steps keep their order (nothing
    /// after 出件, no 办结 while the clock stands still, an end only of an open stop), no time before 受理 or after
    /// `now`, and a 不予 carries its reason (an 电子监察 rule).
    public func applying(_ step: MatterStep, at: Date, day: String, now: Date) throws(MatterRefusal) -> Matter {
        if at < acceptedAt { throw .beforeAcceptance(field: "at") }
        if at > now.addingTimeInterval(60) { throw .inTheFuture(field: "at") }
        var m = self
        switch step {
        case .stage(let stage):
            guard completion == nil else { throw .alreadyCompleted }
            if stage.start < acceptedAt { throw .beforeAcceptance(field: "start") }
            if let end = stage.end {
                if end < stage.start { throw .stageEndsBeforeStart }
                if end > now.addingTimeInterval(60) { throw .inTheFuture(field: "end") }
            }
            m.stages.append(stage)
        case .stopStarted(let kind, let reason):
            guard completion == nil else { throw .alreadyCompleted }
            guard openStop == nil else { throw .stopAlreadyOpen }
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw .reasonNeeded(field: "reason") }
            m.stops.append(ClockStop(kind: kind, reason: reason, startDay: day))
        case .stopEnded:
            guard completion == nil else { throw .alreadyCompleted }
            guard let i = stops.lastIndex(where: { $0.endDay == nil }) else { throw .noOpenStop }
            m.stops[i].endDay = day
        case .completed(let by, let result, let reason):
            guard completion == nil else { throw .alreadyCompleted }
            guard openStop == nil else { throw .stopOpenAtCompletion }
            if result == .denied && (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty { throw .reasonNeeded(field: "reason") }
            m.completion = Completion(at: at, day: day, by: by, result: result, reason: reason)
        case .delivered(let delivery):
            guard let c = completion else { throw .notCompleted }
            guard self.delivery == nil else { throw .alreadyDelivered }
            if at < c.at { throw .beforeCompletion(field: "at") }
            m.delivery = delivery
            m.deliveredAt = at
        }
        return m
    }
}
