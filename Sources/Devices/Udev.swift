import CUdev
import Dispatch
import Foundation
import Logging
import Synchronization

/// libudev: enumeration by subsystem and a hotplug monitor on the "udev" netlink group.
public final class Udev: Sendable {
    /// The subsystems counter hardware appears under.
    public static let subsystems = ["tty", "hidraw", "input", "usbmisc"]

    private let handle: Mutex<OpaquePointer?>

    public init?() {
        guard let u = udev_new() else { return nil }
        handle = Mutex(u)
    }

    deinit { handle.withLock { h in if let h { udev_unref(h) } } }

    /// Whether a udev daemon manages /dev here. Containers often have none: then hotplug events never
    /// come and counterd relies on enumeration plus configured fixed paths.
    public static var daemonRunning: Bool {
        FileManager.default.fileExists(atPath: "/run/udev/control")
    }

    /// Devices with a node in the given subsystems.
    public func enumerate(subsystems: [String] = Udev.subsystems) -> [UdevDevice] {
        handle.withLock { h -> [UdevDevice] in
            guard let h, let e = udev_enumerate_new(h) else { return [] }
            defer { udev_enumerate_unref(e) }
            for s in subsystems { udev_enumerate_add_match_subsystem(e, s) }
            udev_enumerate_scan_devices(e)
            var out: [UdevDevice] = []
            var entry = udev_enumerate_get_list_entry(e)
            while let current = entry {
                if let path = udev_list_entry_get_name(current), let d = udev_device_new_from_syspath(h, path) {
                    if let device = Self.convert(d), device.devnode != nil { out.append(device) }
                    udev_device_unref(d)
                }
                entry = udev_list_entry_get_next(current)
            }
            return out.sorted { $0.syspath < $1.syspath }
        }
    }

    static func string(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0) } }

    static func convert(_ d: OpaquePointer) -> UdevDevice? {
        guard let syspath = string(udev_device_get_syspath(d)) else { return nil }
        var props: [String: String] = [:]
        var entry = udev_device_get_properties_list_entry(d)
        while let e = entry {
            if let k = string(udev_list_entry_get_name(e)) { props[k] = string(udev_list_entry_get_value(e)) ?? "" }
            entry = udev_list_entry_get_next(e)
        }
        // Without udevd (or on umockdev's first add) ID_* may be missing: read them from the USB parent.
        if props["ID_VENDOR_ID"] == nil, let usb = udev_device_get_parent_with_subsystem_devtype(d, "usb", "usb_device") {
            props["ID_VENDOR_ID"] = string(udev_device_get_sysattr_value(usb, "idVendor"))
            props["ID_MODEL_ID"] = string(udev_device_get_sysattr_value(usb, "idProduct"))
            if props["ID_SERIAL_SHORT"] == nil { props["ID_SERIAL_SHORT"] = string(udev_device_get_sysattr_value(usb, "serial")) }
        }
        return UdevDevice(syspath: syspath, subsystem: string(udev_device_get_subsystem(d)) ?? "",
                          devnode: string(udev_device_get_devnode(d)), properties: props)
    }

    /// Hotplug events for the given subsystems. One dispatch source on the netlink socket serves all
    /// devices; the stream ends when cancelled.
    public func monitor(subsystems: [String] = Udev.subsystems) -> AsyncStream<UdevEvent>? {
        let made: (OpaquePointer, Int32)? = handle.withLock { h in
            guard let h, let m = udev_monitor_new_from_netlink(h, "udev") else { return nil }
            for s in subsystems { udev_monitor_filter_add_match_subsystem_devtype(m, s, nil) }
            guard udev_monitor_enable_receiving(m) == 0 else {
                udev_monitor_unref(m)
                return nil
            }
            return (m, udev_monitor_get_fd(m))
        }
        guard let (monitor, fd) = made else { return nil }
        let box = MonitorBox(monitor)
        let (stream, continuation) = AsyncStream<UdevEvent>.makeStream()
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: DispatchQueue(label: "counterd.udev"))
        source.setEventHandler {
            while let d = udev_monitor_receive_device(box.monitor) {
                let action = Self.string(udev_device_get_action(d)).flatMap(UdevEvent.Action.init(rawValue:)) ?? .other
                if let device = Self.convert(d) { continuation.yield(UdevEvent(action: action, device: device)) }
                udev_device_unref(d)
            }
        }
        source.setCancelHandler { udev_monitor_unref(box.monitor) }
        let cancel = SourceBox(source)
        continuation.onTermination = { _ in cancel.source.cancel() }
        source.resume()
        return stream
    }
}

/// Carries the monitor pointer into the dispatch handlers; only the monitor's serial queue touches it.
private final class MonitorBox: @unchecked Sendable {
    let monitor: OpaquePointer
    init(_ m: OpaquePointer) { monitor = m }
}
