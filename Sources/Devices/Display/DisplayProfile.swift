import Codecs

/// One model of LED screen, from a profile file (`kind = "display"`): its protocol, addressing,
/// character set, width and the minimum gap between frames on its bus.
public struct DisplayProfile: Sendable, Equatable {
    public enum Wire: String, Sendable, CaseIterable {
        /// QSystem-style board: `01 ADDR text 07`.
        case qsystem
        /// Chinese window/strip screen `AA ADDR BB 51 54 CK …`; hall screens on it use the `08 02` variant.
        case strip
        /// Alpha Sign Communications Protocol, write TEXT file.
        case alphasign
        /// Modbus RTU numeric LED display (LED-485 style).
        case modbusLED = "modbus-led"
    }

    public var id: String
    public var name: String
    public var wire: Wire
    public var charset: DisplayCharset
    /// Screen width in cells (an ASCII character is one cell, a Han character two).
    public var width: Int
    public var overflow: DisplayOverflow
    public var minimumGapMilliseconds: Int
    /// Resend what a screen shows this often: write-only screens forget it when power-cycled.
    public var refreshSeconds: Int
    public var checksum: StripScreenFrame.Checksum
    public var alphaType: String
    public var alphaMode: AlphaSignFrame.Mode?
    /// Modbus LED: digit positions, the FC06 value register and the first FC16 segment register.
    public var digits: Int
    public var valueRegister: UInt16
    public var segmentRegister: UInt16
    /// Modbus LED: a fixed reply timeout; nil: the reply's wire time plus `turnaroundMilliseconds`.
    public var timeoutMilliseconds: Int?
    public var turnaroundMilliseconds: Int
    /// Attempts per frame on screens that answer (Modbus) before the screen counts as dead.
    public var retries: Int

    public init(id: String, name: String? = nil, wire: Wire, charset: DisplayCharset? = nil, width: Int = 16,
                overflow: DisplayOverflow = .truncate, minimumGapMilliseconds: Int? = nil, refreshSeconds: Int = 60,
                checksum: StripScreenFrame.Checksum = .sumFrom6, alphaType: String = "Z", alphaMode: AlphaSignFrame.Mode? = .hold,
                digits: Int = 4, valueRegister: UInt16 = 0, segmentRegister: UInt16 = 0x10, timeoutMilliseconds: Int? = nil,
                turnaroundMilliseconds: Int = 50, retries: Int = 2) {
        self.id = id
        self.name = name ?? id
        self.wire = wire
        self.charset = charset ?? (wire == .strip ? .gbk : .ascii)
        self.width = width
        self.overflow = overflow
        self.minimumGapMilliseconds = minimumGapMilliseconds ?? {
            switch wire {
            case .qsystem: QSystemFrame.minimumGapMilliseconds
            case .strip: StripScreenFrame.minimumGapMilliseconds
            case .alphasign: 100
            case .modbusLED: 20
            }
        }()
        self.refreshSeconds = refreshSeconds
        self.checksum = checksum
        self.alphaType = alphaType
        self.alphaMode = alphaMode
        self.digits = digits
        self.valueRegister = valueRegister
        self.segmentRegister = segmentRegister
        self.timeoutMilliseconds = timeoutMilliseconds
        self.turnaroundMilliseconds = turnaroundMilliseconds
        self.retries = retries
    }

    /// Modbus LED: how long to wait for the reply to `request` once it is on the wire at `baud`.
    public func replyTimeout(for request: ModbusRTU.Request, baud: Int) -> Duration {
        ModbusTiming.replyTimeout(for: request, baud: baud, turnaroundMilliseconds: turnaroundMilliseconds, fixedMilliseconds: timeoutMilliseconds)
    }

    /// The text a screen of this profile gets for `content`, by the documented rule: the full text when
    /// its charset can show it and it fits (or the screen scrolls); otherwise the short form ("A012-3");
    /// otherwise the short form cut at the last whole character that fits. What the charset still lacks
    /// becomes '?' when encoded.
    public func fit(_ content: ScreenContent) -> String {
        if shows(content.text) && (overflow == .scroll || DisplayText.cells(content.text) <= width) { return content.text }
        let short = content.short ?? content.text
        if overflow == .scroll || DisplayText.cells(short) <= width { return short }
        return DisplayText.truncate(short, width: width)
    }

    /// Whether every character of `text` exists in the profile's charset.
    public func shows(_ text: String) -> Bool {
        !DisplayText.encode(text, charset: charset, replacement: 0).contains(0)
    }

    /// What goes on the wire to show `content` on the screen at `address`.
    public func frame(address: UInt8, content: ScreenContent, hallScreen: Bool) -> DisplayFrame {
        let text = fit(content)
        switch wire {
        case .qsystem:
            return .bytes(QSystemFrame.encode(address: address, text: text, charset: charset))
        case .strip:
            return .bytes(StripScreenFrame.encode(address: address, text: text, variant: hallScreen ? .hall : .window,
                                                  checksum: checksum, charset: charset))
        case .alphasign:
            let hex = String(address, radix: 16, uppercase: true)
            return .bytes(AlphaSignFrame.writeText(text, type: alphaType, address: hex.count == 1 ? "0" + hex : hex, mode: alphaMode))
        case .modbusLED:
            return .modbus(ModbusLEDFrame.requests(unit: address, text: content.digits ?? text, digits: digits,
                                                   valueRegister: valueRegister, segmentRegister: segmentRegister))
        }
    }
}

/// Bytes for a write-only screen, or Modbus requests for one that answers.
public enum DisplayFrame: Sendable, Equatable {
    case bytes([UInt8])
    case modbus([ModbusRTU.Request])
}

/// What one screen should show.
public struct ScreenContent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case call, idle, closed
    }
    public var kind: Kind
    public var text: String
    /// A shorter form for narrow screens.
    public var short: String?
    /// What a numeric screen shows (the ticket number).
    public var digits: String?

    public init(kind: Kind, text: String, short: String? = nil, digits: String? = nil) {
        self.kind = kind
        self.text = text
        self.short = short
        self.digits = digits
    }
}
