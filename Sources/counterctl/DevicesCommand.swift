import ArgumentParser
import Devices
import Exports
import Foundation
import HallConfig
import HallModel

struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "Device health from the running counterd, or (--scan) what udev sees now and which binding each device is.")

    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Enumerate devices through udev now instead of reading counterd's status.") var scan = false
    @Option(name: .shortAndLong, help: "Config file.") var config: String = CounterdConfig.defaultPath
    @Option(help: "Runtime directory of counterd; overrides [server] runtime_dir.") var runtimeDir: String?

    func run() async throws {
        let cfg = try? CounterdConfig.load(path: config)
        if scan {
            try printScan(bindings: cfg?.devices ?? [])
            return
        }
        let dir = runtimeDir ?? cfg?.server.runtimeDirectory ?? "/run/counterd"
        let path = dir + "/devices.json"
        guard FileManager.default.fileExists(atPath: path) else {
            FileHandle.standardError.write(Data("no device status at \(path): is counterd running?\n".utf8))
            throw ExitCode(1)
        }
        if json {
            print(try String(contentsOfFile: path, encoding: .utf8))
            return
        }
        let status = try DeviceStatusFile.read(path: path)
        let now = Date()
        var t = TextTable(headers: ["设备", "角色", "窗口", "地址", "状态", "持续", "最后数据", "错误", "丢帧", "连接", "警告", "最后错误"],
                          alignments: [.left, .left, .right, .left, .left, .right, .right, .right, .right, .right, .left, .left])
        for d in status.devices {
            t.rows.append([d.id, d.role, d.window.map(String.init) ?? "-", d.address, d.state.rawValue,
                           ReportFormatter.duration(now.timeIntervalSince(d.since)),
                           d.lastByteAt.map { ReportFormatter.duration(now.timeIntervalSince($0)) + " ago" } ?? "-",
                           String(d.errors), String(d.droppedFrames), String(d.connects), d.warning ?? "", d.lastError ?? ""])
        }
        print(t.render(), terminator: "")
        if status.devices.contains(where: { $0.state != .connected }) { throw ExitCode(3) }
    }

    struct ScanRow: Encodable {
        var node: String
        var subsystem: String
        var vidPid: String?
        var serial: String?
        var idPath: String?
        var counterdRole: String?
        var counterdWindow: Int?
        var binding: String?
        var ambiguous: [String]?
        var heldBy: [String]?
        /// hidraw nodes: bus and VID:PID from the kernel (HIDIOCGRAWINFO).
        var hid: String?
    }

    func printScan(bindings: [DeviceBinding]) throws {
        guard let udev = Udev() else {
            FileHandle.standardError.write(Data("libudev is not usable here\n".utf8))
            throw ExitCode(1)
        }
        let matcher = DeviceMatcher(bindings: bindings)
        var rows: [ScanRow] = []
        for d in udev.enumerate() {
            var row = ScanRow(node: d.devnode ?? "-", subsystem: d.subsystem, vidPid: d.vidPid, serial: d.serial, idPath: d.idPath,
                              counterdRole: d.counterdRole, counterdWindow: d.counterdWindow)
            switch matcher.match(d) {
            case .none: break
            case .bound(let b): row.binding = b.id
            case .ambiguous(let ids): row.ambiguous = ids
            }
            if d.subsystem == "hidraw", let node = d.devnode {
                row.hid = NodeLink.hidrawInfo(path: node)?.description
            }
            if d.subsystem == "tty", let node = d.devnode {
                let holders = PortHolders.find(path: node)
                if !holders.isEmpty { row.heldBy = holders.map(\.description) }
            }
            rows.append(row)
        }
        if json {
            print(String(decoding: try WireCoding.statusFileEncoder().encode(rows), as: UTF8.self))
        } else {
            var t = TextTable(headers: ["node", "subsystem", "vid:pid", "serial", "ID_PATH", "role", "binding"],
                              alignments: Array(repeating: .left, count: 7))
            for r in rows {
                let binding = r.binding ?? r.ambiguous.map { "AMBIGUOUS " + $0.joined(separator: ",") } ?? "-"
                let role = r.counterdRole.map { "\($0)/\(r.counterdWindow.map(String.init) ?? "-")" } ?? "-"
                t.rows.append([r.node, r.subsystem, r.vidPid ?? "-", r.serial ?? "-", r.idPath ?? "-", role,
                               binding + (r.heldBy.map { " (held by \($0.joined(separator: ", ")))" } ?? "")])
            }
            print(t.render(), terminator: "")
            if !Udev.daemonRunning { print("note: no udev daemon runs here; properties come from sysfs only") }
        }
        if rows.contains(where: { $0.ambiguous != nil }) { throw ExitCode(65) }
    }
}
