import Codecs
import Dispatch
import Foundation
import Synchronization

/// An ESC/POS receipt printer, on a pseudo-terminal (`SimulatedPrinter()`) or as a network printer on
/// 127.0.0.1 (`SimulatedPrinter.network()`, raw port-9100 style): answers DLE EOT 1, 2 and 4 from its
/// paper and cover state, in the order the bytes arrive as a real printer does, and keeps every other byte
/// as printed data. It can drop the connection in the middle of a ticket or right after a cut.
public final class SimulatedPrinter: Sendable {
    public struct State: Sendable, Equatable {
        public var paperNearEnd = false
        public var paperOut = false
        public var coverOpen = false
        public var cutterError = false
        /// A printer that does not answer status requests at all.
        public var mute = false
        /// Network printer: close the connection once this many printed bytes have arrived (a cable pulled
        /// mid-ticket). Cleared when it fires.
        public var dropAfterPrintedBytes: Int?
        /// Network printer: close the connection right after the next cut (GS V). Cleared when it fires.
        public var dropAfterCut = false

        public init(paperNearEnd: Bool = false, paperOut: Bool = false, coverOpen: Bool = false, cutterError: Bool = false,
                    mute: Bool = false, dropAfterPrintedBytes: Int? = nil, dropAfterCut: Bool = false) {
            self.paperNearEnd = paperNearEnd
            self.paperOut = paperOut
            self.coverOpen = coverOpen
            self.cutterError = cutterError
            self.mute = mute
            self.dropAfterPrintedBytes = dropAfterPrintedBytes
            self.dropAfterCut = dropAfterCut
        }
    }

    private struct Inner {
        var settings = State()
        var printed: [UInt8] = []
        var pending: [UInt8] = []
        /// When the first printed byte arrived after `clearPrinted()`, for "tap → first byte" measurements.
        var firstPrintedAt: ContinuousClock.Instant?
        var connections = 0
        /// GS a n with n ≠ 0 received: status changes are sent unasked (ASB).
        var statusBack = false
    }

    private let state = Mutex(Inner())
    private let terminal = Mutex<PseudoTerminal?>(nil)
    private let server = Mutex<TCPPeerServer?>(nil)
    private let current = Mutex<TCPPeerServer.Connection?>(nil)

    /// A printer on a pseudo-terminal (serial or USB-serial printers).
    public init() throws {
        let pty = try PseudoTerminal { [weak self] bytes in
            guard let self else { return }
            let (replies, _) = self.received(bytes)
            if !replies.isEmpty { self.terminal.withLock { $0?.write(replies) } }
        }
        terminal.withLock { $0 = pty }
    }

    private init(network: Void) throws {
        let srv = try TCPPeerServer()
        server.withLock { $0 = srv }
        srv.start { [weak self] bytes, connection in
            guard let self else { return }
            self.current.withLock { $0 = connection }
            let (replies, drop) = self.received(bytes)
            if !replies.isEmpty { connection.write(replies) }
            if drop { connection.close() }
        } onAccept: { [weak self] in
            self?.state.withLock { $0.connections += 1 }
        }
    }

    /// A network printer listening on 127.0.0.1 (an ephemeral port: `port`).
    public static func network() throws -> SimulatedPrinter { try SimulatedPrinter(network: ()) }

    /// The pty path (serial printers).
    public var path: String { terminal.withLock { $0?.path ?? "" } }
    /// The TCP port (network printers).
    public var port: Int { server.withLock { $0?.port ?? 0 } }
    public var printed: [UInt8] { state.withLock { $0.printed } }
    /// Connections accepted so far (network printers).
    public var connections: Int { state.withLock { $0.connections } }
    /// When printed data first arrived after `clearPrinted()`.
    public var firstPrintedByteAt: ContinuousClock.Instant? { state.withLock { $0.firstPrintedAt } }

    /// Changes the paper, cover or fault state; a printer with automatic status back on says so at once.
    public func set(_ change: (inout State) -> Void) {
        let packet = state.withLock { s -> [UInt8]? in
            change(&s.settings)
            return s.statusBack ? AutomaticStatusParser.encode(Self.status(s.settings)) : nil
        }
        if let packet { send(packet) }
    }

    /// Whether the driver turned automatic status back on (GS a).
    public var statusBackEnabled: Bool { state.withLock { $0.statusBack } }

    static func status(_ s: State) -> PrinterStatus {
        var p = PrinterStatus()
        p.paperNearEnd = s.paperNearEnd
        p.paperOut = s.paperOut
        p.coverOpen = s.coverOpen
        p.cutterError = s.cutterError
        p.offline = s.paperOut || s.coverOpen || s.cutterError
        return p
    }

    private func send(_ bytes: [UInt8]) {
        if let connection = current.withLock({ $0 }) {
            connection.write(bytes)
        } else {
            terminal.withLock { $0?.write(bytes) }
        }
    }

    /// Removes and returns the printed receipts that are complete (up to and including their cut, GS V),
    /// leaving a receipt still being printed.
    public func takeReceipts() -> [[UInt8]] {
        state.withLock { s in
            var out: [[UInt8]] = []
            var start = 0, i = 0
            let p = s.printed
            while i + 2 < p.count {
                if p[i] == 0x1D && p[i + 1] == 0x56 {
                    let end = i + (p[i + 2] >= 65 ? 4 : 3)
                    guard end <= p.count else { break }
                    out.append(Array(p[start..<end]))
                    start = end
                    i = end
                    continue
                }
                i += 1
            }
            if start > 0 { s.printed.removeFirst(start) }
            return out
        }
    }

    public func clearPrinted() {
        state.withLock {
            $0.printed = []
            $0.firstPrintedAt = nil
        }
    }

    /// The answer to DLE EOT n: fixed bits 0x12 plus the flags the Epson reference gives.
    static func answer(_ n: UInt8, _ s: State) -> UInt8 {
        let offline = s.paperOut || s.coverOpen || s.cutterError
        switch n {
        case 1: return 0x12 | (offline ? 0x08 : 0)
        case 2: return 0x12 | (s.coverOpen ? 0x04 : 0) | (s.paperOut ? 0x20 : 0) | (s.cutterError ? 0x40 : 0)
        case 4: return 0x12 | (s.paperNearEnd || s.paperOut ? 0x0C : 0) | (s.paperOut ? 0x60 : 0)
        default: return 0x12
        }
    }

    /// Consumes bytes in order; returns the status replies and whether to drop the connection now.
    private func received(_ bytes: [UInt8]) -> ([UInt8], Bool) {
        var replies: [UInt8] = []
        var drop = false
        state.withLock { s in
            s.pending += bytes
            while !s.pending.isEmpty && !drop {
                if s.pending[0] == 0x1D, s.pending.count >= 2, s.pending[1] == 0x61 {
                    // GS a n: automatic status back on (n ≠ 0) or off; the first packet goes out at once.
                    guard s.pending.count >= 3 else { break }
                    s.statusBack = s.pending[2] != 0
                    if s.statusBack && !s.settings.mute { replies += AutomaticStatusParser.encode(Self.status(s.settings)) }
                    s.pending.removeFirst(3)
                    continue
                }
                if s.pending[0] == 0x10 {
                    guard s.pending.count >= 3 else { break }
                    if s.pending[1] == 0x04 {
                        if !s.settings.mute { replies.append(Self.answer(s.pending[2], s.settings)) }
                        s.pending.removeFirst(3)
                        continue
                    }
                }
                if s.printed.isEmpty { s.firstPrintedAt = ContinuousClock.now }
                s.printed.append(s.pending.removeFirst())
                if let n = s.settings.dropAfterPrintedBytes, s.printed.count >= n {
                    s.settings.dropAfterPrintedBytes = nil
                    s.pending = []
                    drop = true
                }
                // GS V m: the last three bytes, looked at in place (a copy per byte made a long demo quadratic).
                let n = s.printed.count
                if s.settings.dropAfterCut, n >= 3, s.printed[n - 3] == 0x1D, s.printed[n - 2] == 0x56, s.printed[n - 1] <= 0x31 {
                    s.settings.dropAfterCut = false
                    s.pending = []
                    drop = true
                }
            }
        }
        return (replies, drop)
    }
}

/// A one-port TCP server on 127.0.0.1 for simulated network devices: one dispatch read source per
/// connection, no thread per device.
final class TCPPeerServer: @unchecked Sendable {
    final class Connection: @unchecked Sendable {
        let fd: Int32
        private let lock = NSLock()
        private var open = true
        var source: (any DispatchSourceRead)?

        init(fd: Int32) { self.fd = fd }

        func write(_ bytes: [UInt8]) {
            lock.lock()
            defer { lock.unlock() }
            guard open else { return }
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { return }
                offset += n
            }
        }

        func close() {
            lock.lock()
            defer { lock.unlock() }
            guard open else { return }
            open = false
            source?.cancel()
            shutdown(fd, Int32(SHUT_RDWR))
        }
    }

    let port: Int
    private let listener: Int32
    private let queue = DispatchQueue(label: "counterd.simulator.tcp")
    private var acceptSource: (any DispatchSourceRead)?
    private var connections: [Connection] = []

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        listener = fd
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    func start(onBytes: @escaping @Sendable ([UInt8], Connection) -> Void, onAccept: @escaping @Sendable () -> Void) {
        let src = DispatchSource.makeReadSource(fileDescriptor: listener, queue: queue)
        src.setEventHandler { [weak self] in
            guard let self else { return }
            while true {
                let c = accept(self.listener, nil, nil)
                if c < 0 { return }
                _ = fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK)
                let connection = Connection(fd: c)
                let rs = DispatchSource.makeReadSource(fileDescriptor: c, queue: self.queue)
                rs.setEventHandler {
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    while true {
                        let n = buffer.withUnsafeMutableBytes { recv(c, $0.baseAddress, 4096, 0) }
                        if n == 0 {
                            connection.close()
                            return
                        }
                        if n < 0 { return }
                        onBytes(Array(buffer[0..<n]), connection)
                    }
                }
                rs.setCancelHandler { Glibc.close(c) }
                connection.source = rs
                self.connections.append(connection)
                onAccept()
                rs.resume()
            }
        }
        src.resume()
        acceptSource = src
    }

    deinit {
        acceptSource?.cancel()
        for c in connections { c.close() }
        close(listener)
    }
}
