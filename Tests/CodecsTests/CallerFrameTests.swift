import HallModel
import Testing
@testable import Codecs

@Suite struct CallerFrameTests {
    /// Vectors written out from the protocol description, checksums by hand.
    @Test func hostFramesMatchTheDescription() {
        // Beep: FF 68 02 02 68 ADDR 03 CS 16, CS = 01 + 03.
        #expect(CallerFrame.beep(address: 1).bytes == [0xFF, 0x68, 0x02, 0x02, 0x68, 0x01, 0x03, 0x04, 0x16])
        // Ticket A012 at keypad 1: digits 0 1 2; CS = 01 + 02 + 0A×3 + 00 + 01 + 02 = 0x24.
        #expect(CallerFrame.showTicket(address: 1, number: "A012").bytes
                == [0xFF, 0x68, 0x08, 0x08, 0x68, 0x01, 0x02, 0x0A, 0x0A, 0x0A, 0x00, 0x01, 0x02, 0x24, 0x16])
        // Waiting count 7 at keypad 0x12: blanks, blanks, 7; CS = 0x12 + 0x02 + 0x0A×5 + 0x07 = 0x4D.
        #expect(CallerFrame.show(address: 0x12, number: 7).bytes
                == [0xFF, 0x68, 0x08, 0x08, 0x68, 0x12, 0x02, 0x0A, 0x0A, 0x0A, 0x0A, 0x0A, 0x07, 0x4D, 0x16])
        #expect(CallerFrame.show(address: 1, number: 123).data == [0x0A, 0x0A, 0x0A, 1, 2, 3])
        #expect(CallerFrame.showTicket(address: 1, number: "B1007").data == [0x0A, 0x0A, 0x0A, 0, 0, 7])
    }

    @Test func keypadActions() {
        #expect(CallerAction.from(data: [0x0C]) == .call)
        #expect(CallerAction.from(data: [0x0D]) == .recall)
        #expect(CallerAction.from(data: [0x0B]) == .evaluate)
        #expect(CallerAction.from(data: [0x12]) == .pause)
        #expect(CallerAction.from(data: [0x13]) == .transfer)
        #expect(CallerAction.from(data: [6, 0x0F]) == .noShow)
        #expect(CallerAction.from(data: [0, 0x0F]) == .park)
        #expect(CallerAction.from(data: [3, 0x0F]) == .callBack)
        #expect(CallerAction.from(data: [5, 0x0F]) == nil)
        #expect(CallerAction.from(data: [0x0F]) == nil)
        #expect(CallerAction.from(data: [0x44]) == nil)
        #expect(CallerAction.from(data: []) == nil)
    }

    static let call: [UInt8] = [0xFF, 0x68, 0x03, 0x03, 0x68, 0x01, 0x01, 0x0C, 0x0E, 0x16]
    static let noShow: [UInt8] = [0xFF, 0x68, 0x04, 0x04, 0x68, 0x02, 0x01, 0x06, 0x0F, 0x18, 0x16]

    @Test func decodesWholeAndByteByByte() {
        let stream = Self.call + Self.noShow + CallerFrame.beep(address: 9).bytes
        var whole = CallerFrameDecoder()
        let a = whole.feed(stream)
        var single = CallerFrameDecoder()
        var b: [CallerFrameDecoder.Output] = []
        for byte in stream { b += single.feed([byte]) }
        #expect(a == b)
        #expect(a == [.frame(CallerFrame(address: 1, function: 1, data: [0x0C]), raw: Self.call),
                      .frame(CallerFrame(address: 2, function: 1, data: [6, 0x0F]), raw: Self.noShow),
                      .frame(CallerFrame(address: 9, function: 3, data: []), raw: CallerFrame.beep(address: 9).bytes)])
        #expect(whole.buffered == 0 && single.buffered == 0)
        // Without the preamble the frame still decodes, and the echo is what was sent.
        var bare = CallerFrameDecoder()
        #expect(bare.feed(Array(Self.call.dropFirst())) == [.frame(CallerFrame(address: 1, function: 1, data: [0x0C]), raw: Array(Self.call.dropFirst()))])
    }

    @Test func everyMalformedVariantIsDroppedAndCounted() {
        var d = CallerFrameDecoder()
        // Truncated: nothing yet, waits for the rest.
        #expect(d.feed(Array(Self.call.prefix(6))).isEmpty)
        #expect(d.feed(Array(Self.call.dropFirst(6))) == [.frame(CallerFrame(address: 1, function: 1, data: [0x0C]), raw: Self.call)])
        // Bad checksum: dropped whole.
        var badCS = Self.call
        badCS[8] = 0x0F
        #expect(d.feed(badCS) == [.error(.badChecksum(expected: 0x0E, got: 0x0F))])
        // Wrong end byte.
        var badEnd = Self.call
        badEnd[9] = 0x17
        let e = d.feed(badEnd + Self.call)
        #expect(e.first == .error(.badEnd(0x17)))
        #expect(e.last == .frame(CallerFrame(address: 1, function: 1, data: [0x0C]), raw: Self.call))
        // LEN bytes that disagree are not a frame start; an absurd LEN is reported.
        // 68 03 04 is not a start (LEN differs): three bytes of garbage; the last 68 waits for more.
        #expect(d.feed([0x68, 0x03, 0x04, 0x68]) == [.error(.garbage(count: 3))])
        var d2 = CallerFrameDecoder()
        #expect(d2.feed([0xFF, 0x68, 0xF0, 0xF0, 0x68]).first == .error(.badLength(0xF0)))
        // Garbage between frames.
        var d3 = CallerFrameDecoder()
        let out = d3.feed([0x00, 0x13, 0x37] + Self.call + [0x99, 0x16] + Self.noShow)
        #expect(out.filter { if case .frame = $0 { true } else { false } }.count == 2)
        #expect(out.contains(.error(.garbage(count: 3))) && out.contains(.error(.garbage(count: 2))))
    }

    @Test func aMebibyteOfRandomBytesWithFramesInside() {
        var rng = SplitMix(seed: 645)
        var stream: [UInt8] = []
        var planted = 0
        while stream.count < 1 << 20 {
            let n = Int(rng.next() % 4000)
            // Random bytes never contain 0x68 here, so no random run can fake a frame start.
            stream += (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }.map { $0 == 0x68 ? 0x67 : $0 }
            stream += planted % 2 == 0 ? Self.call : Self.noShow
            planted += 1
        }
        var d = CallerFrameDecoder()
        var frames = 0
        var chunkStart = 0
        while chunkStart < stream.count {
            let size = Int(rng.next() % 700) + 1
            for o in d.feed(Array(stream[chunkStart..<min(chunkStart + size, stream.count)])) {
                if case .frame = o { frames += 1 }
            }
            chunkStart += size
        }
        #expect(frames == planted)
        #expect(d.buffered < 80)
        // Pure noise including start bytes: never traps, never grows without bound.
        var noise = CallerFrameDecoder()
        for _ in 0..<256 { _ = noise.feed((0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next()) }) }
        #expect(noise.buffered < 80)
    }
}
