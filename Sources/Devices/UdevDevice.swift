/// A device as udev describes it: its node and the properties our matching uses.
public struct UdevDevice: Sendable, Equatable, Codable {
    public var syspath: String
    public var subsystem: String
    /// DEVNAME, e.g. /dev/ttyUSB0
    public var devnode: String?
    public var properties: [String: String]

    public init(syspath: String, subsystem: String, devnode: String?, properties: [String: String]) {
        self.syspath = syspath
        self.subsystem = subsystem
        self.devnode = devnode
        self.properties = properties
    }

    public var vendorID: String? { properties["ID_VENDOR_ID"]?.lowercased() }
    public var modelID: String? { properties["ID_MODEL_ID"]?.lowercased() }
    /// "1a86:7523"
    public var vidPid: String? {
        guard let v = vendorID, let m = modelID else { return nil }
        return "\(v):\(m)"
    }
    public var serial: String? { properties["ID_SERIAL_SHORT"] }
    /// The physical port: stable for a device that stays on the same USB socket.
    public var idPath: String? { properties["ID_PATH"] }
    public var counterdRole: String? { properties["COUNTERD_ROLE"] }
    public var counterdWindow: Int? { properties["COUNTERD_WINDOW"].flatMap(Int.init) }
}

/// A hotplug notification.
public struct UdevEvent: Sendable, Equatable {
    public enum Action: String, Sendable { case add, remove, change, bind, unbind, other }
    public var action: Action
    public var device: UdevDevice
}
