import Devices
import HallConfig
import HallModel

/// Picks the driver for each configured device from its role and profile.
public struct DriverFactory: Sendable {
    public let hall: any HallGateway
    public let profiles: ProfileLibrary
    public let templates: DisplayTemplates
    /// Where the kiosk's print jobs meet the printer drivers.
    public let room: PrinterRoom
    /// Where scanned appointment codes go (the kiosk's check-in); nil: scanners only count their input.
    public var scans: ScanSink?

    public init(hall: any HallGateway, profiles: ProfileLibrary, templates: DisplayTemplates = DisplayTemplates(),
                room: PrinterRoom = PrinterRoom()) {
        self.hall = hall
        self.room = room
        self.profiles = profiles
        self.templates = templates
    }

    public func driver(for b: DeviceBinding) -> any DeviceDriver {
        switch b.role {
        case .caller:
            return CallerKeypadDriver(windows: b.addressWindows, hall: hall)
        case .evaluator:
            guard let name = b.profile, let profile = profiles.profiles[name] else { return CountingDriver() }
            switch profile.kind {
            case .modbus:
                return ModbusEvaluatorBusDriver(profile: profile, bus: b.addressWindows, hall: hall, baud: b.serial.baud)
            case .evdev, .hidraw:
                guard let window = b.window else { return CountingDriver() }
                return KeyEvaluatorDriver(profile: profile, window: window, hall: hall)
            }
        case .windowDisplay, .hallDisplay:
            guard let name = b.profile, let profile = profiles.displays[name] else { return CountingDriver() }
            return DisplayBusDriver(profile: profile, screens: b.screens, templates: templates, hall: hall, baud: b.serial.baud)
        case .printer:
            let profile = b.profile.flatMap { profiles.printers[$0] }
            return PrinterDriver(room: room, statusBack: profile?.statusBack ?? false)
        case .scanner:
            guard let name = b.profile, let profile = profiles.scanners[name], let scans else { return CountingDriver() }
            return ScannerDriver(profile: profile, sink: scans)
        }
    }

    /// Config problems only the profile library can see.
    public func check(_ bindings: [DeviceBinding]) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        for (i, b) in bindings.enumerated() {
            guard let name = b.profile else { continue }
            if b.role == .printer {
                if profiles.printers[name] == nil {
                    issues.append(ConfigIssue(path: "devices[\(i)].profile", message: "no printer profile \"\(name)\" (have: \(profiles.printers.keys.sorted().joined(separator: ", ")))"))
                }
                continue
            }
            if b.role == .scanner {
                if let p = profiles.scanners[name] {
                    let expected: TransportKind = p.wire == .evdev ? .evdev : .serial
                    if b.transport != expected && b.transport != .replay && !(p.wire == .serial && b.transport == .tcp) {
                        issues.append(ConfigIssue(path: "devices[\(i)].transport", message: "scanner profile \(name) is for transport \(expected.rawValue)"))
                    }
                } else {
                    issues.append(ConfigIssue(path: "devices[\(i)].profile", message: "no scanner profile \"\(name)\" (have: \(profiles.scanners.keys.sorted().joined(separator: ", ")))"))
                }
                continue
            }
            if b.role == .windowDisplay || b.role == .hallDisplay {
                if profiles.displays[name] == nil {
                    issues.append(ConfigIssue(path: "devices[\(i)].profile", message: "no display profile \"\(name)\" (have: \(profiles.displays.keys.sorted().joined(separator: ", ")))"))
                } else if ![.serial, .tcp, .replay].contains(b.transport) {
                    issues.append(ConfigIssue(path: "devices[\(i)].transport", message: "a display is on serial or tcp"))
                } else if b.screens.isEmpty {
                    issues.append(ConfigIssue(path: "devices[\(i)]", message: "say which screens: window (+ address), or bus = [{address = 1, window = 3}, …]"))
                }
                continue
            }
            guard let p = profiles.profiles[name] else {
                issues.append(ConfigIssue(path: "devices[\(i)].profile", message: "no profile \"\(name)\" (have: \(profiles.profiles.keys.sorted().joined(separator: ", ")))"))
                continue
            }
            let expected: TransportKind = switch p.kind {
            case .evdev: .evdev
            case .hidraw: .hidraw
            case .modbus: .serial
            }
            if b.transport != expected && b.transport != .replay {
                issues.append(ConfigIssue(path: "devices[\(i)].transport", message: "profile \(name) is for transport \(expected.rawValue)"))
            }
        }
        return issues
    }
}
