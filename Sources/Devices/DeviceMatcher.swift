/// Decides which configured binding, if any, a udev device is.
public struct DeviceMatcher: Sendable {
    public let bindings: [DeviceBinding]

    public init(bindings: [DeviceBinding]) { self.bindings = bindings }

    public static func matches(_ b: DeviceBinding, _ d: UdevDevice) -> Bool {
        guard b.usesUdev, !b.match.isEmpty, let subsystem = b.transport.subsystem, d.subsystem == subsystem else { return false }
        // evdev: only the eventN node, not the legacy mouse/js nodes under the same input device.
        if b.transport == .evdev, !(d.devnode ?? "").contains("/event") { return false }
        let m = b.match
        if m.udevRole {
            guard d.counterdRole == b.role.rawValue, d.counterdWindow == b.window else { return false }
        }
        if let p = m.idPath, d.idPath != p { return false }
        if let s = m.serial, d.serial != s { return false }
        if let v = m.vidPid, d.vidPid != v { return false }
        if let path = m.path, d.devnode != path, !(d.properties["DEVLINKS"] ?? "").split(separator: " ").contains(Substring(path)) {
            return false
        }
        return true
    }

    public enum Outcome: Sendable, Equatable {
        case none
        case bound(DeviceBinding)
        /// More than one binding claims the device: it is used for none of them.
        case ambiguous([String])
    }

    public func match(_ d: UdevDevice) -> Outcome {
        let hits = bindings.filter { Self.matches($0, d) }
        switch hits.count {
        case 0: return .none
        case 1: return .bound(hits[0])
        default: return .ambiguous(hits.map(\.id))
        }
    }

    /// Pairs of bindings that could claim the same device: same transport and one's criteria a subset of
    /// the other's (any device matching the larger set also matches the smaller).
    public static func staticConflicts(_ bindings: [DeviceBinding]) -> [(String, String)] {
        func criteria(_ b: DeviceBinding) -> Set<String> {
            var c = b.match.criteria
            if c.remove("udev_role") != nil { c.insert("udev_role=\(b.role.rawValue)/\(b.window ?? 0)") }
            return c
        }
        var out: [(String, String)] = []
        for i in bindings.indices {
            for j in bindings.indices where j > i {
                let a = bindings[i], b = bindings[j]
                guard a.transport == b.transport, a.usesUdev else { continue }
                let ca = criteria(a), cb = criteria(b)
                if ca.isSubset(of: cb) || cb.isSubset(of: ca) { out.append((a.id, b.id)) }
            }
        }
        return out
    }
}
