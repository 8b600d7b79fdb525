import Foundation
import Logging

/// A device node that is not a tty: hidraw (one read is one report), evdev (grabbed, so keypad presses
/// never reach the clerk's desktop), or a USB printer-class node (/dev/usb/lp*).
public struct NodeLink: ByteLink {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case hidraw, evdev, usblp
    }

    public let path: String
    public let kind: Kind
    let logger: Logger

    public init(path: String, kind: Kind, logger: Logger = Logger(label: "counterd.node")) {
        self.path = path
        self.kind = kind
        self.logger = logger
    }

    public var address: String { "\(kind.rawValue) \(path)" }

    /// _IOW('E', 0x90, int)
    static let EVIOCGRAB: UInt = 0x4004_4590

    public func open() async throws -> any ByteConnection {
        let flags = kind == .evdev ? O_RDONLY : O_RDWR
        let fd = Glibc.open(path, flags | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw LinkError.open(path: path, errno: errno, holders: PortHolders.find(path: path)) }
        switch kind {
        case .evdev:
            var on: Int32 = 1
            if ioctl(fd, Self.EVIOCGRAB, &on) != 0 {
                let e = errno
                Glibc.close(fd)
                // EBUSY: another program (a desktop session, another counterd) has grabbed it.
                throw LinkError.configure(path: path, what: "exclusive grab (EVIOCGRAB)", errno: e)
            }
            // Whole input_event records only: 24 bytes each on 64-bit.
            return FDConnection(fd: fd, readSize: 24 * 64)
        case .hidraw:
            return FDConnection(fd: fd, readSize: 4096)
        case .usblp:
            return FDConnection(fd: fd, readSize: 1024)
        }
    }
}
