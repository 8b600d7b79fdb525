import Foundation
import Logging

public enum Parity: String, Sendable, Codable, CaseIterable {
    case none, even, odd

    /// "8N1", "8E1", "8O1".
    public var frameName: String {
        switch self {
        case .none: "8N1"
        case .even: "8E1"
        case .odd: "8O1"
        }
    }
}

public struct SerialSettings: Sendable, Equatable, Codable {
    public var baud: Int
    public var parity: Parity
    /// RS-485 half duplex: wait after each write until sent, then this long before listening.
    public var turnaroundMilliseconds: Int

    public init(baud: Int = 9600, parity: Parity = .none, turnaroundMilliseconds: Int = 0) {
        self.baud = baud
        self.parity = parity
        self.turnaroundMilliseconds = turnaroundMilliseconds
    }

    public static let supportedBauds = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200]

    /// Bits on the wire per byte: start, 8 data, parity if any, stop.
    public var bitsPerCharacter: Int { parity == .none ? 10 : 11 }

    /// How long `bytes` take on the wire at this speed and character format.
    public func wireTime(bytes: Int) -> Duration {
        .microseconds(Int((Double(bytes * bitsPerCharacter) / Double(max(1, baud)) * 1_000_000).rounded(.up)))
    }

    var speed: speed_t? {
        switch baud {
        case 1200: speed_t(B1200)
        case 2400: speed_t(B2400)
        case 4800: speed_t(B4800)
        case 9600: speed_t(B9600)
        case 19200: speed_t(B19200)
        case 38400: speed_t(B38400)
        case 57600: speed_t(B57600)
        case 115200: speed_t(B115200)
        default: nil
        }
    }
}

/// A serial tty in raw mode, opened exclusively (TIOCEXCL).
public struct SerialLink: ByteLink {
    public let path: String
    public let settings: SerialSettings
    let logger: Logger

    public init(path: String, settings: SerialSettings = SerialSettings(), logger: Logger = Logger(label: "counterd.serial")) {
        self.path = path
        self.settings = settings
        self.logger = logger
    }

    public var address: String { "\(path) \(settings.baud) \(settings.parity.frameName)" }

    static let TIOCEXCL: UInt = 0x540C

    public func open() async throws -> any ByteConnection {
        let fd = Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            throw LinkError.open(path: path, errno: e, holders: PortHolders.find(path: path))
        }
        do {
            try configure(fd)
        } catch {
            Glibc.close(fd)
            throw error
        }
        let settings = self.settings
        // A pseudo-terminal (tests, the demo, umockdev) has no UART: its output is gone at once.
        let pseudo = ttyname(fd).map { String(cString: $0).hasPrefix("/dev/pts/") } ?? false
        // A write returns when the bytes are in the kernel's buffer, that is when transmission starts. Every
        // silence the protocols need (a display's frame gap, Modbus's 3.5 characters, RS-485 turn-around)
        // counts from the end of transmission: so a write ends when the UART has sent the last byte
        // (tcdrain), and not before the frame's wire time at this speed — a pseudo-terminal drains at once.
        let settle: @Sendable (Int32, Int, ContinuousClock.Instant) async -> Void = { fd, count, started in
            let wire = settings.wireTime(bytes: count)
            if !pseudo { await Self.drain(fd, atMost: wire + .seconds(1)) }
            let end = started + wire
            if ContinuousClock.now < end { try? await Task.sleep(until: end, clock: .continuous) }
            if settings.turnaroundMilliseconds > 0 { try? await Task.sleep(for: .milliseconds(settings.turnaroundMilliseconds)) }
        }
        return FDConnection(fd: fd, afterWrite: settle, serial: (settings, pseudo))
    }

    /// tcdrain(3) off the concurrency pool (it blocks while the UART sends), given up after `limit`: a line
    /// that never drains must not hold the driver forever.
    static func drain(_ fd: Int32, atMost limit: Duration) async {
        final class Once: @unchecked Sendable {
            private let lock = NSLock()
            private var continuation: CheckedContinuation<Void, Never>?
            init(_ c: CheckedContinuation<Void, Never>) { continuation = c }
            func resume() {
                lock.lock()
                let c = continuation
                continuation = nil
                lock.unlock()
                c?.resume()
            }
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let once = Once(c)
            DispatchQueue.global().async {
                _ = tcdrain(fd)
                once.resume()
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(limit.components.seconds * 1_000_000_000
                + limit.components.attoseconds / 1_000_000_000))) { once.resume() }
        }
    }

    func configure(_ fd: Int32) throws {
        if ioctl(fd, Self.TIOCEXCL) != 0 {
            logger.debug("TIOCEXCL not supported", metadata: ["path": "\(path)", "errno": "\(errno)"])
        }
        var t = termios()
        guard tcgetattr(fd, &t) == 0 else { throw LinkError.configure(path: path, what: "termios", errno: errno) }
        cfmakeraw(&t)
        guard let speed = settings.speed else { throw LinkError.configure(path: path, what: "speed \(settings.baud)", errno: EINVAL) }
        cfsetispeed(&t, speed)
        cfsetospeed(&t, speed)
        t.c_cflag |= tcflag_t(CLOCAL) | tcflag_t(CREAD) | tcflag_t(CS8)
        t.c_cflag &= ~(tcflag_t(CSTOPB) | tcflag_t(CRTSCTS))
        var withParity = t
        switch settings.parity {
        case .none: withParity.c_cflag &= ~tcflag_t(PARENB)
        case .even: withParity.c_cflag |= tcflag_t(PARENB); withParity.c_cflag &= ~tcflag_t(PARODD)
        case .odd: withParity.c_cflag |= tcflag_t(PARENB) | tcflag_t(PARODD)
        }
        withUnsafeMutableBytes(of: &withParity.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        if tcsetattr(fd, TCSANOW, &withParity) != 0 {
            let e = errno
            // Pseudo-terminals (and umockdev's emulated ttys) cannot keep parity: run 8N1 and say so.
            guard settings.parity != .none, e == EINVAL else { throw LinkError.configure(path: path, what: "termios", errno: e) }
            logger.warning("parity not supported by this port (a pseudo-terminal?); using 8N1", metadata: ["path": "\(path)"])
            t.c_cflag &= ~(tcflag_t(PARENB) | tcflag_t(PARODD))
            withUnsafeMutableBytes(of: &t.c_cc) { cc in
                cc[Int(VMIN)] = 1
                cc[Int(VTIME)] = 0
            }
            guard tcsetattr(fd, TCSANOW, &t) == 0 else { throw LinkError.configure(path: path, what: "termios", errno: errno) }
        }
        tcflush(fd, TCIOFLUSH)
    }
}
