import Codecs
import HallModel
import Logging
import Metrics

/// Evaluators whose presses arrive as input: keyboard-emulating keypads (evdev, grabbed) and HID
/// keypads with vendor reports (hidraw, one read = one report). Each press is a rating command for the
/// evaluator's window; it counts only once the Hall has committed it.
public struct KeyEvaluatorDriver: DeviceDriver {
    public let profile: EvaluatorProfile
    public let window: Int
    public let hall: any HallGateway

    public init(profile: EvaluatorProfile, window: Int, hall: any HallGateway) {
        self.profile = profile
        self.window = window
        self.hall = hall
    }

    public func run(_ connection: any ByteConnection, context: DriverContext) async throws {
        var decoder = EvdevDecoder()
        for try await chunk in connection.inbound {
            StageTrace.shared.mark("driver got the bytes", window)
            context.received(chunk.count)
            switch profile.kind {
            case .evdev:
                for e in decoder.feed(chunk) where e.type == InputEvent.evKey && e.keyAction == .down {
                    if let level = profile.keys[e.code] {
                        await EvaluatorPress.submit(level, window: window, hall: hall, context: context)
                    } else {
                        context.droppedFrame("key \(LinuxKey.name(of: e.code) ?? String(e.code)) is not in profile \(profile.id)")
                    }
                }
            case .hidraw:
                if let level = decode(report: chunk, context: context) {
                    await EvaluatorPress.submit(level, window: window, hall: hall, context: context)
                }
            case .modbus:
                context.droppedFrame("profile \(profile.id) is a Modbus profile, not a key profile")
            }
        }
        throw LinkError.endOfFile
    }

    /// The level a HID report means; nil for key-release reports (value 0) and anything unknown.
    func decode(report: [UInt8], context: DriverContext) -> RatingLevel? {
        switch HIDReport.read(report, reportID: profile.reportID, keyOffset: profile.keyOffset) {
        case .released: return nil
        case .refused(let why):
            context.droppedFrame(why)
            return nil
        case .key(let value):
            guard let level = profile.values[value] else {
                context.droppedFrame("key value \(value) is not in profile \(profile.id)")
                return nil
            }
            return level
        }
    }
}

/// One rating press from any evaluator: sent to the Hall, logged with its outcome, counted.
enum EvaluatorPress {
    static func submit(_ level: RatingLevel, window: Int, hall: any HallGateway, context: DriverContext) async {
        let result = await hall.execute(.rate(window: window, level: level), source: "evaluator:\(context.binding.id)")
        let outcome: String
        switch result {
        case .success(let events):
            if let rated = events.rating {
                outcome = "rated"
                context.logger.debug("rating stored", metadata: ["device": "\(context.binding.id)", "window": "\(window)",
                                                                "ticket": "\(rated.ticket)", "level": "\(level.rawValue)"])
            } else {
                outcome = events.ignoredRating?.reason.rawValue ?? "ignored"
                context.logger.info("rating press not stored", metadata: ["device": "\(context.binding.id)", "window": "\(window)",
                                                                        "reason": "\(outcome)", "level": "\(level.rawValue)"])
            }
        case .failure(let e):
            outcome = "error"
            context.logger.error("rating press failed", metadata: ["device": "\(context.binding.id)", "window": "\(window)", "error": "\(e)"])
        }
        Counter(label: "counterd_evaluator_presses_total", dimensions: [("device", context.binding.id), ("outcome", outcome)]).increment()
    }
}
