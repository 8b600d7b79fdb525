import Codecs
import HallModel

/// A model of evaluator keypad, as described by a profile file under profiles/: how its presses arrive
/// and which rating level each one means. Supporting a new model is a new file, not new code.
public struct EvaluatorProfile: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Keyboard-emulating USB keypad, read through evdev (grabbed).
        case evdev
        /// USB HID keypad with vendor reports, read through hidraw.
        case hidraw
        /// RS-485 multi-drop keypads, polled over Modbus RTU.
        case modbus
    }

    public var id: String
    public var name: String
    public var kind: Kind
    /// evdev: key code → level.
    public var keys: [UInt16: RatingLevel]
    /// hidraw: the report id (first byte; nil if the device sends none), the offset of the key byte, and value → level.
    public var reportID: UInt8?
    public var keyOffset: Int
    public var values: [UInt8: RatingLevel]
    /// modbus: register map.
    public var counterRegister: UInt16
    public var keyRegister: UInt16
    public var promptRegister: UInt16
    public var nameRegister: UInt16
    public var nameRegisters: Int
    public var pollIntervalMilliseconds: Int
    /// How often a Modbus keypad whose window awaits no rating is polled: its press counter keeps a press
    /// until read, so a slow poll loses nothing, and an idle hall's lines cost little CPU. Every
    /// `pollIntervalMilliseconds` from the service's end until the rating (or the next call).
    public var idlePollIntervalMilliseconds: Int
    /// A fixed reply timeout; nil: the reply's wire time at the line's speed plus `turnaroundMilliseconds`.
    public var timeoutMilliseconds: Int?
    /// How long the device may take to start its reply after the request has left the wire.
    public var turnaroundMilliseconds: Int

    public init(id: String, name: String, kind: Kind, keys: [UInt16: RatingLevel] = [:], reportID: UInt8? = nil, keyOffset: Int = 0,
                values: [UInt8: RatingLevel] = [:], counterRegister: UInt16 = 0, keyRegister: UInt16 = 1, promptRegister: UInt16 = 0x10,
                nameRegister: UInt16 = 0x20, nameRegisters: Int = 16, pollIntervalMilliseconds: Int = 50, idlePollIntervalMilliseconds: Int = 3000,
                timeoutMilliseconds: Int? = nil, turnaroundMilliseconds: Int = 50) {
        self.id = id
        self.name = name
        self.kind = kind
        self.keys = keys
        self.reportID = reportID
        self.keyOffset = keyOffset
        self.values = values
        self.counterRegister = counterRegister
        self.keyRegister = keyRegister
        self.promptRegister = promptRegister
        self.nameRegister = nameRegister
        self.nameRegisters = nameRegisters
        self.pollIntervalMilliseconds = pollIntervalMilliseconds
        self.idlePollIntervalMilliseconds = idlePollIntervalMilliseconds
        self.timeoutMilliseconds = timeoutMilliseconds
        self.turnaroundMilliseconds = turnaroundMilliseconds
    }

    /// How long to wait for the reply to `request` once it is on the wire at `baud`.
    public func replyTimeout(for request: ModbusRTU.Request, baud: Int) -> Duration {
        ModbusTiming.replyTimeout(for: request, baud: baud, turnaroundMilliseconds: turnaroundMilliseconds, fixedMilliseconds: timeoutMilliseconds)
    }

    /// The levels this model can produce: a four-key model never produces 非常不满意.
    public var levels: Set<RatingLevel> {
        switch kind {
        case .evdev: Set(keys.values)
        case .hidraw, .modbus: Set(values.values)
        }
    }
}

/// The prompt an evaluator shows (Modbus holding register 0x10 by default).
public enum EvaluatorPrompt: UInt16, Sendable {
    case idle = 0
    case pleaseRate = 1
    case thankYou = 2
    case outOfService = 3
}
