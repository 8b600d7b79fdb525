import Dispatch
import Foundation
import Synchronization

/// A non-blocking file descriptor read through one shared epoll-driven dispatch queue: no thread per
/// device. Closing cancels the source, which closes the descriptor.
public final class FDConnection: ByteConnection {
    static let queue = DispatchQueue(label: "counterd.devices.io")

    public let inbound: AsyncThrowingStream<[UInt8], any Error>
    private let continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation
    private let fd: Int32
    private let source: SourceBox
    private let readSize: Int
    private let afterWrite: (@Sendable (_ fd: Int32, _ bytes: Int, _ started: ContinuousClock.Instant) async -> Void)?
    private let life = Lifecycle()
    /// A serial line's settings, for a driver that takes the line over (`takeOver`).
    private let serial: (settings: SerialSettings, pseudo: Bool)?

    final class Lifecycle: Sendable {
        struct State {
            var closed = false
            /// The descriptor belongs to whoever took it over: cancelling the source must not close it.
            var handedOver = false
            var onClose: (@Sendable () -> Void)?
        }
        let m = Mutex(State())
    }

    /// - Parameters:
    ///   - readSize: bytes per read(2); for hidraw a read returns exactly one report.
    ///   - afterWrite: runs after each write, given the byte count and when the write started: a serial
    ///     line waits there until the bytes are on the wire, then its RS-485 turn-around delay.
    public init(fd: Int32, readSize: Int = 4096,
                afterWrite: (@Sendable (_ fd: Int32, _ bytes: Int, _ started: ContinuousClock.Instant) async -> Void)? = nil,
                serial: (settings: SerialSettings, pseudo: Bool)? = nil) {
        self.fd = fd
        self.serial = serial
        self.readSize = readSize
        self.afterWrite = afterWrite
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        (inbound, continuation) = AsyncThrowingStream.makeStream(bufferingPolicy: .unbounded)
        let raw = DispatchSource.makeReadSource(fileDescriptor: fd, queue: Self.queue)
        source = SourceBox(raw)
        raw.setCancelHandler { [fd, life] in
            if !life.m.withLock({ $0.handedOver }) { _ = Glibc.close(fd) }
        }
        raw.setEventHandler { [weak self] in self?.drain() }
        continuation.onTermination = { [weak self] _ in self?.close() }
        raw.resume()
    }

    deinit { close() }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: readSize)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, readSize) }
            if n > 0 {
                continuation.yield(Array(buffer[0..<n]))
                continue
            }
            if n == 0 {
                finish(LinkError.endOfFile)
                return
            }
            switch errno {
            case EAGAIN, EWOULDBLOCK: return
            case EINTR: continue
            default:
                finish(LinkError.readFailed(errno: errno))
                return
            }
        }
    }

    private func finish(_ error: any Error) {
        continuation.finish(throwing: error)
        close()
    }

    public func write(_ bytes: [UInt8]) async throws {
        let started = ContinuousClock.now
        var offset = 0
        var waited = 0
        while offset < bytes.count {
            if life.m.withLock({ $0.closed || $0.handedOver }) { throw LinkError.closed }
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                offset += n
                continue
            }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                // A device that does not drain for 2 s is treated as dead, not waited on forever.
                waited += 1
                if waited > 400 { throw LinkError.writeTimeout }
                try await Task.sleep(for: .milliseconds(5))
                continue
            }
            if n < 0 && errno == EINTR { continue }
            throw LinkError.writeFailed(errno: n < 0 ? errno : EIO)
        }
        if let afterWrite { await afterWrite(fd, bytes.count, started) }
    }

    public func close() {
        let (wasOpen, handedOver, onClose) = life.m.withLock { l in
            defer { l.closed = true }
            return (!l.closed, l.handedOver, l.onClose)
        }
        guard wasOpen else { return }
        if !handedOver { source.source.cancel() }
        continuation.finish()
        onClose?()
    }

    /// Hands a serial line's descriptor to a driver that reads and writes it itself, on a thread of its
    /// own (the Modbus master): this connection stops reading it, and `close()` then calls `onClose`,
    /// which must end that use and close the descriptor. Nil for anything but an open serial line.
    func takeOver(onClose: @escaping @Sendable () -> Void) -> SerialDescriptor? {
        guard let serial else { return nil }
        let ok = life.m.withLock { l -> Bool in
            guard !l.closed, !l.handedOver else { return false }
            l.handedOver = true
            l.onClose = onClose
            return true
        }
        guard ok else { return nil }
        source.source.cancel()
        // A read already under way on the queue finishes before the descriptor changes hands.
        Self.queue.sync {}
        return SerialDescriptor(fd: fd, settings: serial.settings, pseudo: serial.pseudo)
    }
}

/// Dispatch sources are thread-safe to cancel from anywhere, but not marked Sendable.
final class SourceBox: @unchecked Sendable {
    let source: any DispatchSourceRead
    init(_ source: any DispatchSourceRead) { self.source = source }
}
