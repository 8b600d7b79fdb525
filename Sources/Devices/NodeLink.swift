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

    /// What the kernel says a hidraw node is (HIDIOCGRAWINFO): bus type and VID:PID.
    public struct HIDRawInfo: Sendable, Equatable, CustomStringConvertible {
        public var bus: UInt32
        public var vendor: UInt16
        public var product: UInt16

        /// "usb:0483:5750" (bus names from linux/input.h; others as a number).
        public var description: String {
            let name = switch bus {
            case 0x03: "usb"
            case 0x05: "bluetooth"
            case 0x18: "i2c"
            default: "bus\(bus)"
            }
            func hex(_ v: UInt16) -> String { String(repeating: "0", count: 4 - String(v, radix: 16).count) + String(v, radix: 16) }
            return "\(name):\(hex(vendor)):\(hex(product))"
        }
    }

    /// HIDIOCGRAWINFO on an open hidraw descriptor; nil if the ioctl fails.
    public static func hidrawInfo(fd: Int32) -> HIDRawInfo? {
        var info = [UInt8](repeating: 0, count: 8)
        guard info.withUnsafeMutableBytes({ ioctl(fd, HIDIOCGRAWINFO, $0.baseAddress!) }) == 0 else { return nil }
        let bus = UInt32(info[0]) | UInt32(info[1]) << 8 | UInt32(info[2]) << 16 | UInt32(info[3]) << 24
        return HIDRawInfo(bus: bus, vendor: UInt16(info[4]) | UInt16(info[5]) << 8, product: UInt16(info[6]) | UInt16(info[7]) << 8)
    }

    /// HIDIOCGRAWINFO on a node, opened read-only for the query.
    public static func hidrawInfo(path: String) -> HIDRawInfo? {
        let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        return hidrawInfo(fd: fd)
    }

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
            // The kernel's own word on what was opened: logged, so a mismatched keypad shows in the log.
            if let info = Self.hidrawInfo(fd: fd) {
                logger.info("hidraw device", metadata: ["path": "\(path)", "hid": "\(info)"])
            }
            return FDConnection(fd: fd, readSize: 4096)
        case .usblp:
            return FDConnection(fd: fd, readSize: 1024)
        }
    }
}
