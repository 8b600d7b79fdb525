import Codecs
import Foundation
import Testing

/// Code scanners: keyboard-mode (evdev key events, the recorded fixture) and serial (lines), fed byte by
/// byte and in one piece; garbage is reported and never becomes a code.
@Suite struct ScanAssemblerTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/umockdev/evdev-scanner-code.evemu")

    /// The evemu recording as the kernel's input_event bytes.
    static func recordedBytes() throws -> [UInt8] {
        let text = try String(contentsOf: fixture, encoding: .utf8)
        var out: [UInt8] = []
        for line in text.split(separator: "\n") where line.hasPrefix("E: ") {
            let f = line.split(separator: " ")
            out += InputEvent(type: UInt16(f[2], radix: 16)!, code: UInt16(f[3], radix: 16)!, value: Int32(f[4])!).bytes
        }
        return out
    }

    static func keys(_ bytes: [UInt8], chunk: Int) -> [ScanResult] {
        var decoder = EvdevDecoder()
        var scanner = KeyboardScanAssembler()
        var out: [ScanResult] = []
        var i = 0
        while i < bytes.count {
            let piece = Array(bytes[i..<min(bytes.count, i + chunk)])
            i += chunk
            for e in decoder.feed(piece) where e.type == InputEvent.evKey && e.keyAction != .repeated {
                out += scanner.key(e.code, down: e.keyAction == .down)
            }
        }
        return out
    }

    @Test func theRecordedScanIsTwoCodesByteByByteAndInOnePiece() throws {
        let bytes = try Self.recordedBytes()
        // An unknown code first (the daemon test's bad case), then the booked one.
        #expect(Self.keys(bytes, chunk: 1) == [.code("AP-0000-0000"), .code("AP-8812-3456")])
        #expect(Self.keys(bytes, chunk: bytes.count) == [.code("AP-0000-0000"), .code("AP-8812-3456")])
    }

    @Test func unknownKeysAndOverlongInputAreGarbageAndTheNextCodeIsClean() {
        var s = KeyboardScanAssembler(maxLength: 4)
        func type(_ codes: [UInt16]) -> [ScanResult] { codes.flatMap { s.key($0, down: true) + s.key($0, down: false) } }
        // KEY_F1 (59) is not a code character.
        #expect(type([2, 59, 3, 28]) == [.garbage("key 59 is not in the scanner's key map")])
        #expect(type([2, 3, 4, 5, 6, 28]) == [.garbage("longer than 4 characters")])
        #expect(type([2, 3, 28]) == [.code("12")])
        // Enter alone is nothing; Shift makes capitals and the underscore.
        #expect(type([28]).isEmpty)
        #expect(s.key(42, down: true).isEmpty)
        #expect(type([30, 12]).isEmpty)
        #expect(s.key(42, down: false).isEmpty)
        #expect(type([30, 28]) == [.code("A_a")])
    }

    @Test func serialLinesInEveryEndingAndGarbage() {
        let input = Array("AP-1\r\nAP-2\nAP-3\r".utf8) + [0x41, 0x00, 0x42, 0x0A] + Array(String(repeating: "9", count: 70).utf8) + [0x0D] + Array("AP-4\n".utf8)
        let expected: [ScanResult] = [.code("AP-1"), .code("AP-2"), .code("AP-3"), .garbage("byte 0x0 is not printable text"),
                                      .garbage("longer than 64 characters"), .code("AP-4")]
        var whole = LineScanAssembler()
        #expect(whole.feed(input) == expected)
        var bytewise = LineScanAssembler()
        #expect(input.flatMap { bytewise.feed([$0]) } == expected)
    }
}
