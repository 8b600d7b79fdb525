import Testing
@testable import Codecs

@Suite struct ModbusRTUTests {
    @Test func crcOfTheTextbookRequest() {
        // Read 10 holding registers from unit 1 at 0: CRC 0xCDC5, sent C5 CD.
        #expect(ModbusRTU.Request.readHolding(unit: 1, address: 0, count: 10).bytes == [0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xC5, 0xCD])
        // Read 2 input registers from unit 1: the well-known frame 01 04 00 00 00 02 71 CB.
        #expect(ModbusRTU.Request.readInput(unit: 1, address: 0, count: 2).bytes == [0x01, 0x04, 0x00, 0x00, 0x00, 0x02, 0x71, 0xCB])
    }

    @Test func requestsAndResponses() {
        let read = ModbusRTU.Request.readInput(unit: 3, address: 0, count: 2)
        let response: [UInt8] = {
            let pdu: [UInt8] = [0x03, 0x04, 0x04, 0x00, 0x07, 0x00, 0x05]
            let c = ModbusRTU.crc16(pdu)
            return pdu + [UInt8(c & 0xFF), UInt8(c >> 8)]
        }()
        guard case .success((let r, let used)) = ModbusRTU.decode(response, for: read) else {
            Issue.record("valid response rejected")
            return
        }
        #expect(r == .registers([7, 5]) && used == 9)
        // Fed in pieces: needs more until whole.
        for cut in 1..<response.count {
            if case .failure(let e) = ModbusRTU.decode(Array(response.prefix(cut)), for: read) { #expect(e == .needMore) }
        }
        var corrupt = response
        corrupt[4] ^= 0x01
        #expect(ModbusRTU.decode(corrupt, for: read).failureValue == .badCRC)
        #expect(ModbusRTU.decode([0x09] + response.dropFirst(), for: read).failureValue == .wrongUnit(9))
        // Exception response.
        let exPDU: [UInt8] = [0x03, 0x84, 0x02]
        let c = ModbusRTU.crc16(exPDU)
        #expect(ModbusRTU.decode(exPDU + [UInt8(c & 0xFF), UInt8(c >> 8)], for: read).successValue?.0 == .exception(code: 2))
        // Writes echo address and value / count.
        let write = ModbusRTU.Request.writeSingle(unit: 3, address: 0x10, value: 1)
        #expect(write.bytes.prefix(6) == [0x03, 0x06, 0x00, 0x10, 0x00, 0x01])
        #expect(ModbusRTU.decode(write.bytes, for: write).successValue?.0 == .written)
        let multi = ModbusRTU.Request.writeMultiple(unit: 2, address: 0x20, values: [0xD5C5, 0xC3F4])
        #expect(multi.bytes.prefix(11) == [0x02, 0x10, 0x00, 0x20, 0x00, 0x02, 0x04, 0xD5, 0xC5, 0xC3, 0xF4])
    }

    @Test func gb2312NamesInRegisters() {
        #expect(GBText.encode("张敏") == [0xD5, 0xC5, 0xC3, 0xF4])
        #expect(GBText.encode("A张😀") == [0x41, 0xD5, 0xC5, 0x3F])
        #expect(GBText.encode("张敏", maxBytes: 3) == [0xD5, 0xC5])
        let regs = GBText.registers(GBText.encode("张敏"), count: 16)
        #expect(regs.count == 16 && regs[0] == 0xD5C5 && regs[1] == 0xC3F4 && regs[2...].allSatisfy { $0 == 0 })
        #expect(LinuxKey.codes["KEY_F9"] == 67 && LinuxKey.codes["KEY_1"] == 2 && LinuxKey.codes["KEY_KP5"] == 76)
    }
}

extension Result {
    var failureValue: Failure? { if case .failure(let e) = self { e } else { nil } }
    var successValue: Success? { if case .success(let v) = self { v } else { nil } }
}
