import ArgumentParser
import Devices
import Exports
import Foundation
import HallConfig
import HallRuntime

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Whether counterd runs, and its queues, windows and devices (from its runtime directory).",
        discussion: "Exit 0 when counterd runs and answers, 3 when it is not running, 1 when it has stopped updating its status.")

    @Flag(help: "Print JSON.") var json = false
    @Option(name: .shortAndLong, help: "Config file.") var config: String = CounterdConfig.defaultPath
    @Option(help: "Runtime directory of counterd; overrides [server] runtime_dir.") var runtimeDir: String?

    struct Output: Encodable {
        var running: Bool
        var answering: Bool
        var problem: String?
        var status: ServiceStatus?
        var devices: [DeviceHealth]
    }

    func run() async throws {
        let dir = runtimeDir ?? (try? CounterdConfig.load(path: config))?.server.runtimeDirectory ?? "/run/counterd"
        let statusPath = dir + "/status.json"
        let devices = (try? DeviceStatusFile.read(path: dir + "/devices.json"))?.devices ?? []
        let status = try? ServiceStatus.decoder.decode(ServiceStatus.self, from: Data(contentsOf: URL(fileURLWithPath: statusPath)))
        let now = Date()
        var out = Output(running: false, answering: false, status: status, devices: devices)
        if let status {
            out.running = kill(status.pid, 0) == 0 || errno == EPERM
            let age = now.timeIntervalSince(status.updatedAt)
            out.answering = out.running && age <= ServiceStatus.staleSeconds
            if !out.running {
                out.problem = "counterd is not running (pid \(status.pid) is gone; its status file is stale)"
            } else if !out.answering {
                out.problem = "counterd (pid \(status.pid)) has not updated its status for \(Int(age)) s"
            }
        } else {
            out.problem = "counterd is not running (no status file at \(statusPath))"
        }

        if json {
            let e = ServiceStatus.encoder
            print(String(decoding: try e.encode(out), as: UTF8.self))
        } else {
            print(Self.render(out, now: now), terminator: "")
        }
        if !out.running { throw ExitCode(3) }
        if !out.answering { throw ExitCode(1) }
    }

    /// A window's state as the hall's people say it (`WindowState.phase`).
    static let windowStates = ["closed": "未开窗", "idle": "空闲", "serving": "办理中", "paused": "暂停", "awaiting_rating": "等待评价"]

    /// The 好差评 platform push in two or three lines.
    static func platform(_ p: PlatformStatus, now: Date) -> String {
        func ago(_ d: Date?) -> String { d.map { ReportFormatter.duration(max(0, now.timeIntervalSince($0))) + " ago" } ?? "never" }
        var text = "好差评 platform: "
        if !p.configured {
            text += "not configured ([platform]); \(p.pending) records kept for it (counterctl export haocaiping writes them)\n"
            return text
        }
        text += "\(p.transport ?? "-") \(p.profile ?? "") \(p.url ?? "")\n"
        if p.transport == "file" {
            // A file-drop hall uploads by hand: records waiting for the next export are its normal state, not an outage.
            text += "  手工上报 file drop: \(p.pending) 条待导出上传 records to export (counterctl export haocaiping), accepted \(p.accepted)\n"
            return text
        }
        let oldest = p.oldestPendingSeconds.map { ReportFormatter.duration($0) } ?? "-"
        text += "  pending \(p.pending) (oldest \(oldest))    accepted \(p.accepted)    rejected \(p.rejected)    last accepted \(ago(p.lastAcceptedAt))\n"
        if let problem = p.problem { text += "  PROBLEM \(problem.rawValue): \(p.message ?? "")\n" }
        if p.backlogAlert { text += "  ALERT: the oldest record has waited longer than [platform] alert_after_minutes\n" }
        return text
    }

    static func render(_ out: Output, now: Date) -> String {
        guard let s = out.status, out.running else { return (out.problem ?? "counterd is not running") + "\n" }
        var text = ""
        let up = ReportFormatter.duration(now.timeIntervalSince(s.startedAt))
        text += "counterd: \(out.answering ? "running" : "NOT ANSWERING") (pid \(s.pid), up \(up))\n"
        if let problem = out.problem { text += "  \(problem)\n" }
        text += "大厅 hall: \(s.hall)    营业日 day: \(s.day.isEmpty ? "-" : s.day)    events: \(s.events)\n"
        text += "listen: http://\(s.listen)    config: \(s.config)    database: \(s.database)\n\n"
        var queues = TextTable(headers: ["业务 category", "名称", "等候 waiting", "最长等候 longest"], alignments: [.left, .left, .right, .right])
        for q in s.queues {
            queues.rows.append([q.category, q.name, String(q.waiting), q.waiting == 0 ? "-" : ReportFormatter.duration(Double(q.longestWaitSeconds))])
        }
        text += queues.render() + "\n"
        var windows = TextTable(headers: ["窗口 window", "名称", "状态 state", "人员 clerk", "当前号 ticket"], alignments: [.right, .left, .left, .left, .left])
        for w in s.windows {
            windows.rows.append([String(w.number), w.name, Self.windowStates[w.state] ?? w.state, w.clerk ?? "-", w.ticket ?? "-"])
        }
        text += windows.render()
        if let p = s.platform { text += "\n" + platform(p, now: now) }
        if let d = s.district {
            let lag = d.lagSeconds.map { ReportFormatter.duration($0) } ?? "-"
            text += "\ndistrict: \(d.url) as \(d.hallId): acknowledged \(d.acked)/\(d.last) (lag \(d.lagEvents) events, \(lag))"
            if let since = d.offlineSince { text += ", offline since \(ReportFormatter.duration(now.timeIntervalSince(since))) ago" }
            if let p = d.problem { text += "\n  PROBLEM \(p): \(d.message ?? "")" }
            text += "\n"
        }
        let connected = out.devices.filter { $0.state == .connected }.count
        text += "\ndevices: \(connected)/\(out.devices.count) connected"
        let down = out.devices.filter { $0.state != .connected }
        if !down.isEmpty { text += " — not connected: " + down.map { "\($0.id) (\($0.state.rawValue))" }.joined(separator: ", ") }
        return text + "\n"
    }
}
