import Codecs
import Logging
import Metrics

/// Where a scanned code goes: the kiosk's appointment check-in, for the kiosk the scanner stands at.
public typealias ScanSink = @Sendable (_ code: String, _ binding: DeviceBinding) async -> Void

/// Appointment scanners: codes from a keyboard-emulating scanner (evdev events) or a serial one (lines),
/// each handed to the check-in. Garbage (unknown keys, binary bytes, overlong input) is dropped with a
/// log line and the device's dropped-frame count, and the next code reads cleanly.
public struct ScannerDriver: DeviceDriver {
    public let profile: ScannerProfile
    public let sink: ScanSink

    public init(profile: ScannerProfile, sink: @escaping ScanSink) {
        self.profile = profile
        self.sink = sink
    }

    public func run(_ connection: any ByteConnection, context: DriverContext) async throws {
        var events = EvdevDecoder()
        var keys = KeyboardScanAssembler(terminator: profile.terminator, maxLength: profile.maxLength, extraKeys: profile.keys)
        var lines = LineScanAssembler(maxLength: profile.maxLength)
        for try await chunk in connection.inbound {
            context.received(chunk.count)
            var results: [ScanResult] = []
            switch profile.wire {
            case .evdev:
                for e in events.feed(chunk) where e.type == InputEvent.evKey && e.keyAction != .repeated {
                    results += keys.key(e.code, down: e.keyAction == .down)
                }
            case .serial:
                results = lines.feed(chunk)
            }
            for r in results {
                switch r {
                case .code(let code):
                    Counter(label: "counterd_scanner_codes_total", dimensions: [("device", context.binding.id)]).increment()
                    await sink(code, context.binding)
                case .garbage(let why):
                    context.droppedFrame("scanner input is not a code: \(why)")
                }
            }
        }
        throw LinkError.endOfFile
    }
}
