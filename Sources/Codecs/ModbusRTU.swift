/// Modbus RTU framing as a master (counterd) uses it: requests out, responses in, CRC-16/MODBUS on both.
public enum ModbusRTU {
    /// CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF), sent low byte first.
    public static func crc16(_ bytes: some Sequence<UInt8>) -> UInt16 {
        var crc: UInt16 = 0xFFFF
        for b in bytes {
            crc ^= UInt16(b)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xA001 : crc >> 1 }
        }
        return crc
    }

    static func withCRC(_ pdu: [UInt8]) -> [UInt8] {
        let c = crc16(pdu)
        return pdu + [UInt8(c & 0xFF), UInt8(c >> 8)]
    }

    public enum Function: UInt8, Sendable {
        case readHoldingRegisters = 0x03
        case readInputRegisters = 0x04
        case writeSingleRegister = 0x06
        case writeMultipleRegisters = 0x10
    }

    /// A request and what its response must look like.
    public struct Request: Sendable, Equatable {
        public var unit: UInt8
        public var function: Function
        public var address: UInt16
        /// Registers to read, or the values to write.
        public var count: UInt16
        public var values: [UInt16]

        public static func readInput(unit: UInt8, address: UInt16, count: UInt16) -> Request {
            Request(unit: unit, function: .readInputRegisters, address: address, count: count, values: [])
        }

        public static func readHolding(unit: UInt8, address: UInt16, count: UInt16) -> Request {
            Request(unit: unit, function: .readHoldingRegisters, address: address, count: count, values: [])
        }

        public static func writeSingle(unit: UInt8, address: UInt16, value: UInt16) -> Request {
            Request(unit: unit, function: .writeSingleRegister, address: address, count: 1, values: [value])
        }

        public static func writeMultiple(unit: UInt8, address: UInt16, values: [UInt16]) -> Request {
            Request(unit: unit, function: .writeMultipleRegisters, address: address, count: UInt16(values.count), values: values)
        }

        /// The request frame, CRC included.
        public var bytes: [UInt8] {
            var pdu: [UInt8] = [unit, function.rawValue, UInt8(address >> 8), UInt8(address & 0xFF)]
            switch function {
            case .readHoldingRegisters, .readInputRegisters:
                pdu += [UInt8(count >> 8), UInt8(count & 0xFF)]
            case .writeSingleRegister:
                pdu += [UInt8(values[0] >> 8), UInt8(values[0] & 0xFF)]
            case .writeMultipleRegisters:
                pdu += [UInt8(count >> 8), UInt8(count & 0xFF), UInt8(values.count * 2)]
                for v in values { pdu += [UInt8(v >> 8), UInt8(v & 0xFF)] }
            }
            return withCRC(pdu)
        }

        /// Length of a normal response to this request.
        public var responseLength: Int {
            switch function {
            case .readHoldingRegisters, .readInputRegisters: 5 + Int(count) * 2
            case .writeSingleRegister, .writeMultipleRegisters: 8
            }
        }
    }

    public enum Response: Sendable, Equatable {
        case registers([UInt16])
        case written
        case exception(code: UInt8)
    }

    public enum DecodeError: Error, Sendable, Equatable {
        case needMore
        case badCRC
        case wrongUnit(UInt8)
        case wrongFunction(UInt8)
        case malformed
    }

    /// Decodes the response to `request` from the start of `bytes` (which may hold more). Returns the
    /// response and how many bytes it used.
    public static func decode(_ bytes: [UInt8], for request: Request) -> Result<(Response, Int), DecodeError> {
        guard bytes.count >= 5 else { return .failure(.needMore) }
        guard bytes[0] == request.unit else { return .failure(.wrongUnit(bytes[0])) }
        if bytes[1] == request.function.rawValue | 0x80 {
            guard crc16(bytes[0..<3]) == UInt16(bytes[3]) | UInt16(bytes[4]) << 8 else { return .failure(.badCRC) }
            return .success((.exception(code: bytes[2]), 5))
        }
        guard bytes[1] == request.function.rawValue else { return .failure(.wrongFunction(bytes[1])) }
        let length = request.responseLength
        switch request.function {
        case .readHoldingRegisters, .readInputRegisters:
            guard Int(bytes[2]) == Int(request.count) * 2 else { return .failure(.malformed) }
        default:
            break
        }
        guard bytes.count >= length else { return .failure(.needMore) }
        let crc = UInt16(bytes[length - 2]) | UInt16(bytes[length - 1]) << 8
        guard crc16(bytes[0..<(length - 2)]) == crc else { return .failure(.badCRC) }
        switch request.function {
        case .readHoldingRegisters, .readInputRegisters:
            var regs: [UInt16] = []
            for k in 0..<Int(request.count) { regs.append(UInt16(bytes[3 + 2 * k]) << 8 | UInt16(bytes[4 + 2 * k])) }
            return .success((.registers(regs), length))
        case .writeSingleRegister, .writeMultipleRegisters:
            guard bytes[2] == UInt8(request.address >> 8), bytes[3] == UInt8(request.address & 0xFF) else { return .failure(.malformed) }
            return .success((.written, length))
        }
    }

    /// Time a frame of `bytes` takes on the wire plus the 3.5-character silence that ends it.
    public static func frameSeconds(bytes: Int, baud: Int, bitsPerChar: Int = 10) -> Double {
        Double((Double(bytes) + 3.5) * Double(bitsPerChar)) / Double(baud)
    }
}

extension ModbusRTU {
    /// Slave side: parses a request from the start of `bytes` (for simulators). Returns the request and
    /// the bytes it used; `.needMore` until a whole frame is there.
    public static func parseRequest(_ bytes: [UInt8]) -> Result<(Request, Int), DecodeError> {
        guard bytes.count >= 8 else { return .failure(.needMore) }
        let unit = bytes[0]
        let address = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
        let word = UInt16(bytes[4]) << 8 | UInt16(bytes[5])
        var length = 8
        let request: Request
        switch bytes[1] {
        case Function.readHoldingRegisters.rawValue: request = .readHolding(unit: unit, address: address, count: word)
        case Function.readInputRegisters.rawValue: request = .readInput(unit: unit, address: address, count: word)
        case Function.writeSingleRegister.rawValue: request = .writeSingle(unit: unit, address: address, value: word)
        case Function.writeMultipleRegisters.rawValue:
            guard bytes.count >= 7 else { return .failure(.needMore) }
            let byteCount = Int(bytes[6])
            guard byteCount == Int(word) * 2, word <= 123 else { return .failure(.malformed) }
            length = 9 + byteCount
            guard bytes.count >= length else { return .failure(.needMore) }
            let values = (0..<Int(word)).map { UInt16(bytes[7 + 2 * $0]) << 8 | UInt16(bytes[8 + 2 * $0]) }
            request = .writeMultiple(unit: unit, address: address, values: values)
        default:
            return .failure(.wrongFunction(bytes[1]))
        }
        let crc = UInt16(bytes[length - 2]) | UInt16(bytes[length - 1]) << 8
        guard crc16(bytes[0..<(length - 2)]) == crc else { return .failure(.badCRC) }
        return .success((request, length))
    }

    /// Slave side: the normal response to `request` (registers for reads).
    public static func response(to request: Request, registers: [UInt16] = []) -> [UInt8] {
        switch request.function {
        case .readHoldingRegisters, .readInputRegisters:
            var pdu: [UInt8] = [request.unit, request.function.rawValue, UInt8(registers.count * 2)]
            for r in registers { pdu += [UInt8(r >> 8), UInt8(r & 0xFF)] }
            return withCRC(pdu)
        case .writeSingleRegister:
            return withCRC([request.unit, 0x06, UInt8(request.address >> 8), UInt8(request.address & 0xFF),
                            UInt8(request.values[0] >> 8), UInt8(request.values[0] & 0xFF)])
        case .writeMultipleRegisters:
            return withCRC([request.unit, 0x10, UInt8(request.address >> 8), UInt8(request.address & 0xFF),
                            UInt8(request.count >> 8), UInt8(request.count & 0xFF)])
        }
    }
}
