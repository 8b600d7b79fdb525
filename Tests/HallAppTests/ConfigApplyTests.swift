import Access
import Foundation
import HallApp
import HallConfig
import HallModel
import HallRuntime
import Logging
import Prometheus
import Testing

/// The hall's composition root and its reload path, in process: `HallApp.build` from a config file, then new
/// configs applied to the running hall — a window added, a category with a waiting ticket removed (refused, and
/// nothing changes), a token rotated — as SIGHUP and the setup pages do.
@Suite struct ConfigApplyTests {
    static func toml(windows: [Int], categories: [String], token: String) -> String {
        var text = "[hall]\nname = \"重载测试大厅\"\n"
        for (i, c) in categories.enumerated() {
            text += "[[categories]]\ncode = \"\(c)\"\nname = \"类别\(c)\"\nprefix = \"\(["A", "B", "C"][i])\"\n"
        }
        let codes = categories.map { "\"\($0)\"" }.joined(separator: ", ")
        for w in windows { text += "[[windows]]\nnumber = \(w)\ncategories = [\(codes)]\n" }
        text += "[[clerks]]\nid = \"c1\"\nname = \"张敏\"\n"
        text += "[[tokens]]\nrole = \"manager\"\nsha256 = \"\(AccessControl.hash(token))\"\n"
        return text
    }

    @Test func aReloadAddsAWindowRefusesStrandingATicketAndRotatesAToken() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hallapp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("counterd.toml")
        try Self.toml(windows: [1], categories: ["a", "b"], token: "old-token").write(to: file, atomically: true, encoding: .utf8)
        var options = HallOptions(configPath: file.path)
        options.useUdev = false
        options.profilesDirectory = dir.appendingPathComponent("profiles").path
        options.guidesDirectory = dir.appendingPathComponent("guides").path
        options.overrides = { [dir] cfg in
            cfg.database.path = dir.appendingPathComponent("counterd.sqlite").path
            cfg.server.runtimeDirectory = dir.appendingPathComponent("run").path
            cfg.server.port = 0
        }
        var logger = Logger(label: "test.hallapp")
        logger.logLevel = .warning
        let app = try await HallApp.build(options: options, registry: PrometheusCollectorRegistry(), logger: logger)
        #expect(await app.hall.setup.windows.map(\.number) == [1])
        #expect(app.web.access.principal(token: "old-token")?.role == .manager)

        // A ticket waits in category b.
        try await app.hall.execute(.issueTicket(category: "b", priority: false), source: "test")
        #expect(await app.hall.state.waiting.count == 1)

        // Window 2 added, category b kept, the token rotated: applied, and recorded in the log.
        try Self.toml(windows: [1, 2], categories: ["a", "b"], token: "new-token").write(to: file, atomically: true, encoding: .utf8)
        #expect(await app.reload())
        #expect(await app.hall.setup.windows.map(\.number) == [1, 2])
        #expect(app.web.access.principal(token: "new-token")?.role == .manager)
        #expect(app.web.access.principal(token: "old-token") == nil, "the old token still works after the rotation")
        #expect(try app.hall.store.events(after: 0).contains { $0.record.kind == .setupChanged })

        // Category b removed while its ticket waits: refused as a whole, so window 3 and the token change do not happen either.
        var stranding = try CounterdConfig.load(path: file.path)
        stranding.setup.categories.removeAll { $0.code == "b" }
        stranding.setup.windows = stranding.setup.windows.map { ServiceWindow(number: $0.number, name: $0.name, categories: ["a"]) }
            + [ServiceWindow(number: 3, name: "3号窗口", categories: ["a"])]
        stranding.tokens = [TokenEntry(role: .manager, sha256: AccessControl.hash("third-token"))]
        let refused = await app.apply(stranding)
        #expect(!refused.isEmpty && refused.contains { $0.contains("b") }, "\(refused)")
        let kept = await app.hall.setup
        #expect(kept.windows.map(\.number) == [1, 2] && kept.category("b") != nil)
        #expect(app.web.access.principal(token: "third-token") == nil && app.web.access.principal(token: "new-token") != nil)
        #expect(await app.hall.state.waiting.count == 1)

        // A file that does not parse is refused by reload, and the running config stays.
        try "[hall\nname = ".write(to: file, atomically: true, encoding: .utf8)
        #expect(await !app.reload())
        #expect(await app.hall.setup.windows.map(\.number) == [1, 2])
    }
}
