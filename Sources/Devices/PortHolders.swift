import Foundation

/// A process that has a device node open: the usual culprits are brltty and ModemManager grabbing
/// generic USB-serial chips (CH340, CP210x).
public struct PortHolder: Sendable, Equatable, CustomStringConvertible {
    public var pid: Int32
    public var command: String

    public var description: String { "\(command) (pid \(pid))" }

    /// What to do about a known offender.
    public var fix: String? {
        switch command {
        case "brltty":
            "brltty claims USB-serial adapters: `apt-get remove brltty`, or `systemctl mask brltty-udev.service` and replug"
        case "ModemManager":
            "ModemManager probes serial ports: install counterd's udev rules (ID_MM_DEVICE_IGNORE=1) and replug, or `systemctl stop ModemManager`"
        default:
            "stop \(command) or point it at another port"
        }
    }
}

public enum PortHolders {
    /// Processes (other than this one) with `path` open, found through /proc/PID/fd.
    public static func find(path: String, proc: String = "/proc") -> [PortHolder] {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let me = getpid()
        guard let pids = try? FileManager.default.contentsOfDirectory(atPath: proc) else { return [] }
        var out: [PortHolder] = []
        for entry in pids {
            guard let pid = Int32(entry), pid != me else { continue }
            let fdDir = "\(proc)/\(entry)/fd"
            guard let fds = try? FileManager.default.contentsOfDirectory(atPath: fdDir) else { continue }
            for fd in fds {
                if let dest = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fdDir)/\(fd)"), dest == target {
                    let comm = (try? String(contentsOfFile: "\(proc)/\(entry)/comm", encoding: .utf8))?
                        .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
                    out.append(PortHolder(pid: pid, command: comm))
                    break
                }
            }
        }
        return out
    }
}
