import Dispatch
import Foundation

/// A pseudo-terminal pair: the simulated device owns the master side; counterd opens `path` like a
/// serial port. Incoming bytes are delivered on a dispatch queue, no thread per device.
public final class PseudoTerminal: @unchecked Sendable {
    public let path: String
    let master: Int32
    private let slave: Int32
    private var source: (any DispatchSourceRead)?

    public init(onBytes: @escaping @Sendable ([UInt8]) -> Void) throws {
        var m: Int32 = 0, s: Int32 = 0
        var name = [CChar](repeating: 0, count: 128)
        guard openpty(&m, &s, &name, nil, nil) == 0 else { throw POSIXError(.EMFILE) }
        var t = termios()
        tcgetattr(s, &t)
        cfmakeraw(&t)
        tcsetattr(s, TCSANOW, &t)
        master = m
        // Kept open so the pair survives counterd closing and reopening its side.
        slave = s
        path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        _ = fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK)
        let src = DispatchSource.makeReadSource(fileDescriptor: m, queue: DispatchQueue(label: "counterd.simulator"))
        src.setEventHandler {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(m, $0.baseAddress, 4096) }
                if n <= 0 { return }
                onBytes(Array(buffer[0..<n]))
            }
        }
        src.resume()
        source = src
    }

    public func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            offset += n
        }
    }

    deinit {
        source?.cancel()
        close(master)
        close(slave)
    }
}
