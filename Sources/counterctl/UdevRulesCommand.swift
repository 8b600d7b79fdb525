import ArgumentParser
import Devices
import Foundation
import HallConfig

struct UdevRulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "udev-rules",
        abstract: "Print udev rules that tag the configured devices (for /etc/udev/rules.d/61-counterd-devices.rules).",
        discussion: "Devices are pinned by serial number or physical USB port (ID_PATH), never by a bare VID:PID shared by every adapter of that model.")

    @Option(name: .shortAndLong, help: "Config file.") var config: String = CounterdConfig.defaultPath
    @Flag(help: "Do not look at the devices plugged in now; use only the config.") var offline = false

    func run() async throws {
        let cfg: CounterdConfig
        do { cfg = try CounterdConfig.load(path: config) } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(78)
        }
        let present = offline ? [] : (Udev()?.enumerate() ?? [])
        print(UdevRules.render(bindings: cfg.devices, present: present), terminator: "")
    }
}

/// Writes the per-hall rules file. The common part (group, mode, symlink, ModemManager opt-out) is in
/// udev/62-counterd.rules and applies to every device these rules tag.
enum UdevRules {
    static func render(bindings: [DeviceBinding], present: [UdevDevice]) -> String {
        var out = """
            # 61-counterd-devices.rules — written by `counterctl udev-rules` from the counterd config.
            # Tags each configured device with COUNTERD_ROLE / COUNTERD_WINDOW; 62-counterd.rules does the rest.
            ACTION=="remove", GOTO="counterd_devices_end"
            SUBSYSTEM!="tty|hidraw|input|usbmisc", GOTO="counterd_devices_end"
            ENV{ID_PATH}=="", IMPORT{builtin}="path_id"
            SUBSYSTEMS=="usb", ENV{ID_SERIAL_SHORT}=="", IMPORT{builtin}="usb_id"

            """
        for b in bindings where b.usesUdev {
            guard let subsystem = b.transport.subsystem else { continue }
            let window = b.window.map(String.init) ?? ""
            var keys = ["SUBSYSTEM==\"\(subsystem)\""]
            if b.transport == .evdev { keys.append("KERNEL==\"event*\"") }
            let found = present.first { DeviceMatcher.matches(b, $0) }
            if let p = b.match.idPath ?? (b.match.serial == nil ? found?.idPath : nil) { keys.append("ENV{ID_PATH}==\"\(p)\"") }
            if let s = b.match.serial { keys.append("ENV{ID_SERIAL_SHORT}==\"\(s)\"") }
            if let v = b.match.vidPid {
                let parts = v.split(separator: ":")
                keys.append("ATTRS{idVendor}==\"\(parts[0])\"")
                keys.append("ATTRS{idProduct}==\"\(parts[1])\"")
            }
            let pinned = keys.contains { $0.hasPrefix("ENV{ID_PATH}") || $0.hasPrefix("ENV{ID_SERIAL_SHORT}") }
            out += "\n# \(b.id): \(b.role.rawValue)\(b.window.map { " at window \($0)" } ?? "") (\(b.transport.rawValue))"
            if found == nil { out += " — not plugged in now" }
            out += "\n"
            let rule = (keys + ["ENV{COUNTERD_ROLE}=\"\(b.role.rawValue)\"", "ENV{COUNTERD_WINDOW}=\"\(window)\"",
                                "ENV{COUNTERD_DEVICE}=\"\(b.id)\""]).joined(separator: ", ")
            if pinned {
                out += rule + "\n"
            } else {
                out += "# not written: \(b.id) is matched only by \(b.match.criteria.sorted().joined(separator: " ")), which would claim\n"
                out += "# every such adapter on this machine. Plug it in and run again, or add id_path or serial to its config.\n"
                out += "# " + rule + "\n"
            }
        }
        out += "\nLABEL=\"counterd_devices_end\"\n"
        return out
    }

}
