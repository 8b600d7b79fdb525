import Codecs
import Foundation
import Testing

/// Display frames against byte vectors written from the protocol descriptions in issue #4.
@Suite struct DisplayCodecTests {
    @Test func qsystemFrame() {
        #expect(QSystemFrame.encode(address: 0x05, text: "A012") == [0x01, 0x05, 0x41, 0x30, 0x31, 0x32, 0x07])
        // Framing bytes and characters ASCII lacks never reach the board: they become '?'.
        #expect(QSystemFrame.encode(address: 1, text: "A\u{07}1号") == [0x01, 0x01, 0x41, 0x3F, 0x31, 0x3F, 0x07])
    }

    @Test func stripScreenWindowAndHallVariants() {
        // AA ADDR BB 51 54 CK 01 00 99 00 63 <text> FF; CK = sum of bytes 6… through the text, mod 256.
        // 01+00+99+00+63+41+30+31+32 = 0x1D1 → D1.
        #expect(StripScreenFrame.encode(address: 0x01, text: "A012")
                == [0xAA, 0x01, 0xBB, 0x51, 0x54, 0xD1, 0x01, 0x00, 0x99, 0x00, 0x63, 0x41, 0x30, 0x31, 0x32, 0xFF])
        // The hall screen has 08 02 in bytes 6–7: 08+02+99+00+63+41+30+31+32 = 0x1DA → DA.
        #expect(StripScreenFrame.encode(address: 0x01, text: "A012", variant: .hall)
                == [0xAA, 0x01, 0xBB, 0x51, 0x54, 0xDA, 0x08, 0x02, 0x99, 0x00, 0x63, 0x41, 0x30, 0x31, 0x32, 0xFF])
        // GBK: 请 C7 EB, 号 BA C5. Sum 01+00+99+00+63+C7+EB+BA+C5 = 0x42E → 2E.
        #expect(StripScreenFrame.encode(address: 0x02, text: "请号")
                == [0xAA, 0x02, 0xBB, 0x51, 0x54, 0x2E, 0x01, 0x00, 0x99, 0x00, 0x63, 0xC7, 0xEB, 0xBA, 0xC5, 0xFF])
    }

    @Test func stripScreenChecksumsAreIsolatedAndNamed() {
        let frame: [UInt8] = [0xAA, 0x01, 0xBB, 0x51, 0x54, 0x00, 0x01, 0x00, 0x99, 0x00, 0x63, 0x41, 0xFF]
        #expect(StripScreenFrame.Checksum.sumFrom6.compute(frame) == 0x3E)            // 01+99+63+41 = 0x13E
        let xorExpected: UInt8 = 0x01 ^ 0x99 ^ 0x63 ^ 0x41  // = 0xBA
        #expect(StripScreenFrame.Checksum.xorFrom6.compute(frame) == xorExpected)
        #expect(StripScreenFrame.Checksum.sumFrom1.compute(frame) == 0x9F)  // 01+BB+51+54+01+99+63+41 = 0x29F
        let xor = StripScreenFrame.encode(address: 1, text: "A", checksum: .xorFrom6)
        #expect(xor[5] == xorExpected)
    }

    @Test func stripScreenNeverSendsBrokenOrFrameEndingBytes() {
        // 𠀀 needs four bytes in GB18030 (not GBK); the emoji is in no Chinese charset; both become '?'.
        let frame = StripScreenFrame.encode(address: 1, text: "𠀀😀号")
        #expect(Array(frame[11..<(frame.count - 1)]) == [0x3F, 0x3F, 0xBA, 0xC5])
        #expect(frame.dropLast().allSatisfy { $0 != 0xFF })
    }

    @Test func alphaSignWriteText() {
        // NUL×5 SOH 'Z' "00" STX 'A' 'A' [ESC ' ' mode] text EOT
        #expect(AlphaSignFrame.writeText("A012 3", mode: nil)
                == [0, 0, 0, 0, 0, 0x01, 0x5A, 0x30, 0x30, 0x02, 0x41, 0x41, 0x41, 0x30, 0x31, 0x32, 0x20, 0x33, 0x04])
        #expect(AlphaSignFrame.writeText("A012", mode: .hold)
                == [0, 0, 0, 0, 0, 0x01, 0x5A, 0x30, 0x30, 0x02, 0x41, 0x41, 0x1B, 0x20, 0x62, 0x41, 0x30, 0x31, 0x32, 0x04])
        #expect(AlphaSignFrame.writeText("A\u{04}号").suffix(4) == [0x41, 0x3F, 0x3F, 0x04])
    }

    /// The same packets from the alphasign package on PyPI (an independent implementation, in .venv).
    @Test func alphaSignMatchesThePyPIImplementation() async throws {
        let python = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".venv/bin/python")
        try #require(FileManager.default.isExecutableFile(atPath: python.path), "no test virtualenv: run `make test`")
        // alphasign 0.9 is written for Python 2: its package __init__ does not import on Python 3, but its
        // text and packet modules do once its directory is on the path.
        let script = """
            import importlib.util, sys
            sys.path.insert(0, importlib.util.find_spec("alphasign").submodule_search_locations[0])
            import text, modes
            for data, mode in [("A012 3", modes.HOLD), ("A012", modes.ROTATE), ("WIN 12", modes.FLASH)]:
                print(str(text.Text(data, mode=mode)).encode("latin-1").hex())
            """
        let p = Process()
        p.executableURL = python
        p.arguments = ["-c", script]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        let ours: [[UInt8]] = [AlphaSignFrame.writeText("A012 3", mode: .hold), AlphaSignFrame.writeText("A012", mode: .rotate),
                               AlphaSignFrame.writeText("WIN 12", mode: .flash)]
        #expect(lines == ours.map { $0.map { String(format: "%02x", $0) }.joined() })
    }

    @Test func modbusLEDNumbersAndLetters() {
        let number = ModbusLEDFrame.requests(unit: 3, text: "0012", digits: 4, valueRegister: 0, segmentRegister: 0x10)
        #expect(number == [.writeSingle(unit: 3, address: 0, value: 12)])
        #expect(number[0].bytes.prefix(6) == [0x03, 0x06, 0x00, 0x00, 0x00, 0x0C])
        let letters = ModbusLEDFrame.requests(unit: 3, text: "A012", digits: 4, valueRegister: 0, segmentRegister: 0x10)
        #expect(letters == [.writeMultiple(unit: 3, address: 0x10, values: [0x77, 0x3F, 0x06, 0x5B])])
        #expect(letters[0].bytes.prefix(15) == [0x03, 0x10, 0x00, 0x10, 0x00, 0x04, 0x08, 0x00, 0x77, 0x00, 0x3F, 0x00, 0x06, 0x00, 0x5B])
        // Right-aligned, and a letter a seven-segment digit cannot draw is blank.
        #expect(ModbusLEDFrame.requests(unit: 1, text: "K1", digits: 4, valueRegister: 0, segmentRegister: 0x10)
                == [.writeMultiple(unit: 1, address: 0x10, values: [0, 0, 0, 0x06])])
    }

    @Test func textFittingNeverSplitsACharacter() {
        #expect(DisplayText.cells("请A012号") == 8)
        #expect(DisplayText.truncate("请A012号到3号窗口", width: 7) == "请A012")
        #expect(DisplayText.truncate("请A012号到3号窗口", width: 9) == "请A012号")
        #expect(DisplayText.truncate("请A012号到3号窗口", width: 10) == "请A012号到")
    }
}
