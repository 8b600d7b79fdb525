/// What the answers to DLE EOT 1, 2 and 4 say. Each answer is one byte with bit 1 and bit 4 set and
/// bits 0 and 7 clear (`0xx1xx10`); a byte without that pattern is not a status answer.
public struct PrinterStatus: Sendable, Equatable {
    public var offline = false
    public var coverOpen = false
    public var paperNearEnd = false
    public var paperOut = false
    /// DLE EOT 2 bit 6: an error occurred (autocutter jam or an unrecoverable error).
    public var cutterError = false
    /// DLE EOT 2 bit 5: printing stopped because the paper ran out.
    public var stoppedForPaper = false

    public init() {}

    /// True when the byte has the fixed bits of a DLE EOT answer.
    public static func isStatusByte(_ b: UInt8) -> Bool { b & 0b1001_0011 == 0b0001_0010 }

    /// Reads the three answers; nil when any is not a status byte.
    public static func decode(printer: UInt8, offlineCause: UInt8, paper: UInt8) -> PrinterStatus? {
        guard isStatusByte(printer), isStatusByte(offlineCause), isStatusByte(paper) else { return nil }
        var s = PrinterStatus()
        s.offline = printer & 0x08 != 0
        s.coverOpen = offlineCause & 0x04 != 0
        s.stoppedForPaper = offlineCause & 0x20 != 0
        s.cutterError = offlineCause & 0x40 != 0
        s.paperNearEnd = paper & 0x0C != 0
        s.paperOut = paper & 0x60 != 0 || s.stoppedForPaper
        return s
    }

    /// Whether a ticket can be printed now: paper near its end still prints (it is a warning).
    public var canPrint: Bool { !offline && !coverOpen && !paperOut && !cutterError }

    /// What is wrong, most serious first; empty when nothing is.
    public var problems: [PrinterProblem] {
        var out: [PrinterProblem] = []
        if coverOpen { out.append(.coverOpen) }
        if paperOut { out.append(.paperOut) }
        if cutterError { out.append(.cutterError) }
        if offline && out.isEmpty { out.append(.offline) }
        if paperNearEnd && !paperOut { out.append(.paperNearEnd) }
        return out
    }

    /// The problems that stop a ticket from printing: all but the paper-near-end warning.
    public var faults: [PrinterProblem] { problems.filter(\.stopsPrinting) }
}

/// One thing a printer reports as wrong.
public enum PrinterProblem: String, Sendable, Equatable, CaseIterable {
    case coverOpen = "cover_open"
    case paperOut = "paper_out"
    case cutterError = "cutter_error"
    case offline = "printer_offline"
    case paperNearEnd = "paper_near_end"

    /// Whether a ticket cannot be printed while it lasts; paper near its end is a warning only.
    public var stopsPrinting: Bool { self != .paperNearEnd }

    public var zh: String {
        switch self {
        case .coverOpen: "打印机盖未关"
        case .paperOut: "打印纸已用完"
        case .cutterError: "切纸刀故障"
        case .offline: "打印机离线"
        case .paperNearEnd: "打印纸即将用完"
        }
    }

    public var en: String {
        switch self {
        case .coverOpen: "cover open"
        case .paperOut: "paper out"
        case .cutterError: "cutter error"
        case .offline: "printer offline"
        case .paperNearEnd: "paper near end"
        }
    }
}

/// Automatic status back (ASB, enabled by GS a): 4-byte packets a printer sends by itself when its status
/// changes. The first byte has bits 0, 1 and 7 clear and bit 4 set (a DLE EOT answer has bit 1 set, so the
/// two never mix); the other three have bits 4 and 7 clear.
public struct AutomaticStatusParser: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    public static func isFirstByte(_ b: UInt8) -> Bool { b & 0b1001_0011 == 0b0001_0000 }

    /// Feeds bytes; returns every complete packet decoded. Bytes that are not part of a packet are skipped.
    public mutating func feed(_ bytes: [UInt8]) -> [PrinterStatus] {
        var out: [PrinterStatus] = []
        for b in bytes {
            if pending.isEmpty {
                if Self.isFirstByte(b) { pending = [b] }
                continue
            }
            guard b & 0b1001_0000 == 0 else {
                // Not a continuation byte: start over (it may begin the next packet).
                pending = Self.isFirstByte(b) ? [b] : []
                continue
            }
            pending.append(b)
            if pending.count == 4 {
                if let s = Self.decode(pending) { out.append(s) }
                pending = []
            }
        }
        return out
    }

    /// Epson's ASB layout: byte 1 bit 3 offline, bit 5 cover open; byte 2 bit 3 autocutter error, bits 5/6
    /// unrecoverable / auto-recoverable error; byte 3 bits 0–1 paper near end, bits 2–3 paper end.
    public static func decode(_ p: [UInt8]) -> PrinterStatus? {
        guard p.count == 4, isFirstByte(p[0]) else { return nil }
        var s = PrinterStatus()
        s.offline = p[0] & 0x08 != 0
        s.coverOpen = p[0] & 0x20 != 0
        s.cutterError = p[1] & 0x08 != 0 || p[1] & 0x20 != 0
        s.paperNearEnd = p[2] & 0x03 != 0
        s.paperOut = p[2] & 0x0C != 0
        return s
    }

    /// The packet a printer in `s` would send (for simulators and tests).
    public static func encode(_ s: PrinterStatus) -> [UInt8] {
        [0x10 | (s.offline ? 0x08 : 0) | (s.coverOpen ? 0x20 : 0),
         s.cutterError ? 0x08 : 0,
         (s.paperNearEnd || s.paperOut ? 0x03 : 0) | (s.paperOut ? 0x0C : 0),
         0x00]
    }
}
