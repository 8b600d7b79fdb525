import Codecs
import Devices
import Foundation
import HallConfig
import HallModel
import LogFormat
import Store
import Web

/// One decoder of outside bytes, as a fuzz target: `run` takes any bytes and returns the properties the
/// input broke (empty when none). It must never trap, hang or grow without bound, whatever the bytes.
///
/// Streaming decoders are also checked for the property their drivers rely on: the same bytes give the
/// same results whether they arrive in one read or one byte at a time.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// Caller keypad frames (`CallerFrameDecoder`).
    case caller
    /// Modbus RTU: a request (what a peer on the bus may send) and a reply to a read of the evaluator's
    /// registers.
    case modbus
    /// evdev `input_event` records (keyboard-emulating keypads and scanners).
    case evdev
    /// hidraw vendor reports; the first two bytes choose the report ID and key offset.
    case hid
    /// Printer status: DLE EOT answers and automatic status back (ASB) packets.
    case printer
    /// Scanners: a keyboard scanner's key events (two bytes a key) and a serial scanner's lines.
    case scanner
    /// Recorded device sessions (`counterd-recording 1`).
    case recording
    /// counterd.toml.
    case config
    /// The profile files (evaluator, printer, display, scanner, platform), service guides and the
    /// indicator list: the first byte chooses which.
    case profile
    /// Every JSON request body of the API.
    case json
    /// A batch of a hall's log as the district reads it (JSON and `text/x-counterd-log`), each event decoded.
    case logbatch
    /// A voice pack's WAV files.
    case wav

    public func run(_ bytes: [UInt8]) -> [String] {
        switch self {
        case .caller: Self.caller(bytes)
        case .modbus: Self.modbus(bytes)
        case .evdev: Self.evdev(bytes)
        case .hid: Self.hid(bytes)
        case .printer: Self.printer(bytes)
        case .scanner: Self.scanner(bytes)
        case .recording: Self.recording(bytes)
        case .config: Self.config(bytes)
        case .profile: Self.profile(bytes)
        case .json: Self.json(bytes)
        case .logbatch: Self.logbatch(bytes)
        case .wav: Self.wav(bytes)
        }
    }

    /// The streaming property: what a fresh `decoder` gives for `bytes` in one read equals what it gives
    /// fed in pieces — one byte at a time, or 2 to 7 bytes (the first byte of the input chooses), so the
    /// fuzzer tries every way a driver's reads can split a frame. Nil when it holds, else what differed.
    public static func chunking<D, T: Equatable>(_ bytes: [UInt8], _ decoder: D, _ feed: (inout D, [UInt8]) -> [T]) -> String? {
        var whole = decoder
        let a = feed(&whole, bytes)
        var split = decoder
        var b: [T] = []
        let step = 1 + Int(bytes.first ?? 0) % 7
        var i = 0
        while i < bytes.count {
            b += feed(&split, Array(bytes[i..<min(bytes.count, i + step)]))
            i += step
        }
        return a == b ? nil : "\(a.count) results in one read, \(b.count) in reads of \(step)"
    }

    static func caller(_ bytes: [UInt8]) -> [String] {
        var broken: [String] = []
        if let d = chunking(bytes, CallerFrameDecoder(), { $0.feed($1).compactMap(\.frame) }) { broken.append("caller: \(d)") }
        var whole = CallerFrameDecoder()
        _ = whole.feed(bytes)
        if whole.buffered > 4 + CallerFrame.maxLength + 2 { broken.append("caller: \(whole.buffered) bytes kept, more than one frame") }
        return broken
    }

    static let modbusReads: [ModbusRTU.Request] = [
        .readInput(unit: 1, address: 0, count: 2), .readHolding(unit: 7, address: 0x10, count: 1),
        .writeSingle(unit: 3, address: 0x10, value: 5), .writeMultiple(unit: 2, address: 0x20, values: [1, 2, 3]),
    ]

    static func modbus(_ bytes: [UInt8]) -> [String] {
        var broken: [String] = []
        if case .success(let (_, used)) = ModbusRTU.parseRequest(bytes), used > bytes.count || used <= 0 {
            broken.append("modbus: request used \(used) of \(bytes.count) bytes")
        }
        guard let first = bytes.first else { return broken }
        let request = modbusReads[Int(first) % modbusReads.count]
        let reply = Array(bytes.dropFirst())
        if case .success(let (_, used)) = ModbusRTU.decode(reply, for: request), used > reply.count || used <= 0 {
            broken.append("modbus: reply used \(used) of \(reply.count) bytes")
        }
        return broken
    }

    static func evdev(_ bytes: [UInt8]) -> [String] {
        chunking(bytes, EvdevDecoder(), { $0.feed($1) }).map { ["evdev: \($0)"] } ?? []
    }

    static func hid(_ bytes: [UInt8]) -> [String] {
        guard bytes.count >= 2 else { return [] }
        let id: UInt8? = bytes[0] == 0 ? nil : bytes[0]
        let offset = Int(bytes[1] % 16)
        let report = Array(bytes.dropFirst(2))
        if case .key(let v) = HIDReport.read(report, reportID: id, keyOffset: offset), v == 0 { return ["hid: key value 0 is a release"] }
        return []
    }

    static func printer(_ bytes: [UInt8]) -> [String] {
        var i = 0
        while i + 3 <= bytes.count {
            if let s = PrinterStatus.decode(printer: bytes[i], offlineCause: bytes[i + 1], paper: bytes[i + 2]) { _ = s.problems; _ = s.canPrint }
            i += 3
        }
        return chunking(bytes, AutomaticStatusParser(), { $0.feed($1) }).map { ["printer (ASB): \($0)"] } ?? []
    }

    static func scanner(_ bytes: [UInt8]) -> [String] {
        var keys = KeyboardScanAssembler(extraKeys: [57: " "])
        var broken: [String] = []
        var i = 0
        while i + 2 <= bytes.count {
            for r in keys.key(UInt16(bytes[i]), down: bytes[i + 1] & 1 == 1) {
                if case .code(let c) = r, c.count > keys.maxLength { broken.append("scanner: a code of \(c.count) characters passed") }
            }
            i += 2
        }
        if let d = chunking(bytes, LineScanAssembler(), { $0.feed($1) }) { broken.append("scanner (lines): \(d)") }
        return broken
    }

    static func recording(_ bytes: [UInt8]) -> [String] {
        guard let r = try? SessionRecording(text: String(decoding: bytes, as: UTF8.self)) else { return [] }
        _ = r.records.reduce(0) { $0 + $1.bytes.count }
        return []
    }

    static func config(_ bytes: [UInt8]) -> [String] {
        switch ConfigParser.parse(String(decoding: bytes, as: UTF8.self)) {
        case .success: []
        case .failure(let f): f.issues.isEmpty ? ["config: refused without naming a problem"] : []
        }
    }

    static func profile(_ bytes: [UInt8]) -> [String] {
        guard let first = bytes.first else { return [] }
        let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
        let issues: [ConfigIssue]?
        switch first % 7 {
        case 0: issues = ProfileLibrary.parse(text).failure?.issues
        case 1: issues = ProfileLibrary.parsePrinter(text).failure?.issues
        case 2: issues = ProfileLibrary.parseDisplay(text).failure?.issues
        case 3: issues = ProfileLibrary.parseScanner(text).failure?.issues
        case 4: issues = PlatformProfileFile.parse(text).failure?.issues
        case 5: issues = ServiceGuide.parse(text, category: "hukou").failure?.issues
        default: issues = IndicatorList.parse(text).failure?.issues
        }
        return issues?.isEmpty == true ? ["profile: refused without naming a problem"] : []
    }

    static let rules = RatingRules(indicators: IndicatorList.national)
    static let setup = HallSetup(name: "fuzz", categories: [ServiceCategory(code: "hukou", name: "户籍", prefix: "A")],
                                 windows: [ServiceWindow(number: 1, name: "1", categories: ["hukou"])], clerks: [])
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    static func json(_ bytes: [UInt8]) -> [String] {
        RequestBodyProbe.decodeEvery(bytes, rules: rules, setup: setup, now: now)
        return []
    }

    static func logbatch(_ bytes: [UInt8]) -> [String] {
        let decoder = EventCoding.decoder()
        for lineFormat in [false, true] {
            guard let batch = try? LogBatch.parse(bytes, lineFormat: lineFormat) else { continue }
            for e in batch.events.prefix(100) { _ = try? decoder.decode(EventRecord.self, from: Data(e.payload.utf8)) }
        }
        return []
    }

    static func wav(_ bytes: [UInt8]) -> [String] {
        guard let audio = try? WAVAudio.parse(bytes) else { return [] }
        return audio.samples.count * 2 > bytes.count ? ["wav: \(audio.samples.count) samples from \(bytes.count) bytes"] : []
    }
}

extension CallerFrameDecoder.Output {
    var frame: CallerFrame? { if case .frame(let f, _) = self { f } else { nil } }
}

extension Result {
    var failure: Failure? { if case .failure(let f) = self { f } else { nil } }
}
