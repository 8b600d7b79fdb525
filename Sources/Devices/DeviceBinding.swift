/// What a device does in the hall.
public enum DeviceRole: String, Sendable, Codable, CaseIterable {
    case evaluator
    case caller
    case windowDisplay = "window-display"
    case hallDisplay = "hall-display"
    case printer
    /// A code scanner at a kiosk: appointment QR/barcodes (预约取号).
    case scanner
}

/// How a device is reached.
public enum TransportKind: String, Sendable, Codable, CaseIterable {
    case serial, hidraw, evdev, usblp, tcp, replay

    /// The udev subsystem whose nodes this transport opens.
    public var subsystem: String? {
        switch self {
        case .serial: "tty"
        case .hidraw: "hidraw"
        case .evdev: "input"
        case .usblp: "usbmisc"
        case .tcp, .replay: nil
        }
    }
}

/// How the config recognises a device. Every criterion given must hold.
public struct DeviceMatch: Sendable, Equatable, Codable, Hashable {
    /// COUNTERD_ROLE / COUNTERD_WINDOW set by our udev rules match the binding's role and window.
    public var udevRole: Bool = false
    /// ID_PATH: the physical USB port.
    public var idPath: String?
    /// ID_SERIAL_SHORT.
    public var serial: String?
    /// "1a86:7523"
    public var vidPid: String?
    /// A fixed node, e.g. /dev/counterd/evaluator-3 or /dev/ttyS0.
    public var path: String?

    public init(udevRole: Bool = false, idPath: String? = nil, serial: String? = nil, vidPid: String? = nil, path: String? = nil) {
        self.udevRole = udevRole
        self.idPath = idPath
        self.serial = serial
        self.vidPid = vidPid?.lowercased()
        self.path = path
    }

    /// The criteria as key=value pairs, for subset checks.
    public var criteria: Set<String> {
        var s = Set<String>()
        if udevRole { s.insert("udev_role") }
        if let idPath { s.insert("id_path=\(idPath)") }
        if let serial { s.insert("serial=\(serial)") }
        if let vidPid { s.insert("vid_pid=\(vidPid)") }
        if let path { s.insert("path=\(path)") }
        return s
    }

    public var isEmpty: Bool { criteria.isEmpty }

    /// Generic USB-serial bridges sold by the million: a bare VID:PID of these names every such adapter.
    public static let genericUSBSerial: Set<String> = ["1a86:7523", "1a86:5523", "10c4:ea60", "0403:6001", "067b:2303"]

    public var isBareGeneric: Bool {
        guard let vidPid else { return false }
        return Self.genericUSBSerial.contains(vidPid) && idPath == nil && serial == nil && path == nil && !udevRole
    }
}

/// One configured device: its role, window, transport and how to recognise it.
public struct DeviceBinding: Sendable, Equatable, Codable {
    public var id: String
    public var role: DeviceRole
    public var window: Int?
    public var transport: TransportKind
    public var match: DeviceMatch
    public var serial: SerialSettings
    /// For tcp: host:port.
    public var host: String?
    /// For replay: the recording file.
    public var recording: String?
    /// Bus address for multi-drop devices (Modbus RTU, caller keypads); used by the drivers.
    public var address: Int?
    /// Model profile for the drivers.
    public var profile: String?
    /// Multi-drop bus: device address → window (Modbus evaluators, caller keypads on one line).
    public var bus: [Int: Int]
    /// For a scanner: the kiosk token's label whose screen shows the check-in.
    public var kiosk: String?

    public init(id: String, role: DeviceRole, window: Int? = nil, transport: TransportKind, match: DeviceMatch = DeviceMatch(),
                serial: SerialSettings = SerialSettings(), host: String? = nil, recording: String? = nil,
                address: Int? = nil, profile: String? = nil, bus: [Int: Int] = [:]) {
        self.id = id
        self.role = role
        self.window = window
        self.transport = transport
        self.match = match
        self.serial = serial
        self.host = host
        self.recording = recording
        self.address = address
        self.profile = profile
        self.bus = bus
    }

    /// Address → window for the drivers: the bus map, or the one address (default 1) at `window`.
    public var addressWindows: [UInt8: Int] {
        if !bus.isEmpty { return Dictionary(uniqueKeysWithValues: bus.map { (UInt8(clamping: $0.key), $0.value) }) }
        guard let window else { return [:] }
        return [UInt8(clamping: address ?? 1): window]
    }

    /// Screen address → window for display drivers; window 0 is a hall screen (every screen of a
    /// hall-display binding is one).
    public var screens: [UInt8: Int] {
        var map = addressWindows
        if map.isEmpty, role == .hallDisplay { map = [UInt8(clamping: address ?? 1): 0] }
        return role == .hallDisplay ? map.mapValues { _ in 0 } : map
    }

    /// Whether this binding is found through udev (as opposed to a TCP host or a recording).
    public var usesUdev: Bool { transport.subsystem != nil }
}
