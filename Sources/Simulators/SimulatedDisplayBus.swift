import Codecs
import Foundation
import Synchronization

/// LED screens on one line, as counterd sees real ones: they take the frames of their wire protocol and
/// show the text. Every frame is recorded with its arrival time, its address and the text it carries, so
/// tests can check gaps, order and content. Modbus LED screens answer writes; an address that is not on
/// the line stays silent, like a dead screen.
public final class SimulatedDisplayBus: Sendable {
    public enum Wire: String, Sendable {
        case qsystem, strip, alphasign, modbusLED
    }

    public struct Frame: Sendable, Equatable {
        public var at: ContinuousClock.Instant
        public var address: UInt8
        /// The text shown (GBK decoded), or the digits/segments of a Modbus LED write.
        public var text: String
        /// Strip screens: whether the checksum (sum from byte 6) was right; the hall-screen variant flag.
        public var checksumOK: Bool
        public var hallVariant: Bool
        /// Its bytes on the wire (QSystem and strip frames).
        public var length = 0
    }

    private struct State {
        var buffer: [UInt8] = []
        var frames: [Frame] = []
        var garbage = 0
    }

    public let wire: Wire
    /// Modbus units that answer.
    public let liveUnits: Set<UInt8>
    private let state = Mutex(State())
    private let terminal = Mutex<PseudoTerminal?>(nil)

    public init(wire: Wire, liveUnits: Set<UInt8> = []) throws {
        self.wire = wire
        self.liveUnits = liveUnits
        let pty = try PseudoTerminal { [weak self] bytes in self?.received(bytes) }
        terminal.withLock { $0 = pty }
    }

    public var path: String { terminal.withLock { $0?.path ?? "" } }
    public var frames: [Frame] { state.withLock { $0.frames } }
    /// Bytes that belonged to no frame.
    public var garbage: Int { state.withLock { $0.garbage } }

    /// What each address shows now: the text of its last frame.
    public var showing: [UInt8: String] {
        var out: [UInt8: String] = [:]
        for f in frames { out[f.address] = f.text }
        return out
    }

    static func gbk(_ bytes: some Collection<UInt8>) -> String {
        String(data: Data(bytes), encoding: GBText.encoding) ?? String(decoding: bytes, as: UTF8.self)
    }

    private func received(_ bytes: [UInt8]) {
        let now = ContinuousClock.now
        var replies: [[UInt8]] = []
        state.withLock { s in
            s.buffer += bytes
            while true {
                guard let (frame, used, reply) = next(&s.buffer, now: now) else { break }
                if let frame { s.frames.append(frame) } else { s.garbage += used }
                if let reply { replies.append(reply) }
            }
        }
        for r in replies { terminal.withLock { $0?.write(r) } }
    }

    /// Takes one frame (or one garbage byte) off the front of `buffer`; nil when more bytes are needed.
    private func next(_ buffer: inout [UInt8], now: ContinuousClock.Instant) -> (Frame?, Int, [UInt8]?)? {
        guard let first = buffer.first else { return nil }
        func drop(_ n: Int) { buffer.removeFirst(n) }
        switch wire {
        case .qsystem:
            guard first == QSystemFrame.start else { drop(1); return (nil, 1, nil) }
            guard let end = buffer.firstIndex(of: QSystemFrame.end) else { return nil }
            guard end >= 2 else { drop(1); return (nil, 1, nil) }
            let f = Frame(at: now, address: buffer[1], text: Self.gbk(buffer[2..<end]), checksumOK: true, hallVariant: false, length: end + 1)
            drop(end + 1)
            return (f, end + 1, nil)
        case .strip:
            guard first == 0xAA else { drop(1); return (nil, 1, nil) }
            guard let end = buffer.firstIndex(of: StripScreenFrame.end) else { return nil }
            guard end >= 11 else { drop(1); return (nil, 1, nil) }
            let frame = Array(buffer[0...end])
            let ok = StripScreenFrame.Checksum.sumFrom6.compute(frame) == frame[5]
            let f = Frame(at: now, address: frame[1], text: Self.gbk(frame[11..<end]), checksumOK: ok, hallVariant: frame[6] == 0x08,
                          length: frame.count)
            drop(end + 1)
            return (f, end + 1, nil)
        case .alphasign:
            guard first == AlphaSignFrame.nul || first == AlphaSignFrame.soh else { drop(1); return (nil, 1, nil) }
            guard let soh = buffer.firstIndex(of: AlphaSignFrame.soh), let end = buffer.firstIndex(of: AlphaSignFrame.eot) else { return nil }
            guard let stx = buffer[soh...].firstIndex(of: AlphaSignFrame.stx), stx < end, stx + 2 < end else { drop(end + 1); return (nil, end + 1, nil) }
            var text = Array(buffer[(stx + 3)..<end])
            if text.first == AlphaSignFrame.escape { text = Array(text.dropFirst(3)) }
            let address = UInt8(String(decoding: buffer[(soh + 2)..<(soh + 4)], as: UTF8.self), radix: 16) ?? 0
            let f = Frame(at: now, address: address, text: String(decoding: text, as: UTF8.self), checksumOK: true, hallVariant: false)
            drop(end + 1)
            return (f, end + 1, nil)
        case .modbusLED:
            switch ModbusRTU.parseRequest(buffer) {
            case .failure(.needMore): return nil
            case .failure: drop(1); return (nil, 1, nil)
            case .success((let request, let used)):
                drop(used)
                guard liveUnits.contains(request.unit) else { return (nil, 0, nil) }
                let text: String
                if request.function == .writeSingleRegister {
                    text = String(request.values.first ?? 0)
                } else {
                    text = request.values.map { v in
                        SevenSegment.digits.firstIndex(of: UInt8(v)).map(String.init)
                            ?? SevenSegment.letters.first { $0.value == UInt8(v) && $0.key != "O" && $0.key != "S" }.map { String($0.key) } ?? " "
                    }.joined()
                }
                let f = Frame(at: now, address: request.unit, text: text, checksumOK: true, hallVariant: false)
                return (f, used, ModbusRTU.response(to: request))
            }
        }
    }
}
