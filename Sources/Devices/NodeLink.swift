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
    /// _IOR('H', 0x03, struct hidraw_devinfo)
    static let HIDIOCGRAWINFO: UInt = 0x8008_4803

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

    /// Bus type and VID:PID of a hidraw node.
    public static func hidrawInfo(path: String) -> (bus: UInt32, vendor: UInt16, product: UInt16)? {
        let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        var info = [UInt8](repeating: 0, count: 8)
        guard info.withUnsafeMutableBytes({ ioctl(fd, HIDIOCGRAWINFO, $0.baseAddress!) }) == 0 else { return nil }
        let bus = UInt32(info[0]) | UInt32(info[1]) << 8 | UInt32(info[2]) << 16 | UInt32(info[3]) << 24
        return (bus, UInt16(info[4]) | UInt16(info[5]) << 8, UInt16(info[6]) | UInt16(info[7]) << 8)
    }
}
