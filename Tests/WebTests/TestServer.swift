import Access
import Foundation
import HallConfig
import HallModel
import HallRuntime
import Hummingbird
import Logging
import Store
import Web

/// counterd's HTTP side on 127.0.0.1 with an OS-chosen port, a real SQLite file and a manual clock.
struct TestServer {
    static let setup = HallSetup(
        name: "测试大厅",
        categories: [ServiceCategory(code: "hukou", name: "户籍", prefix: "A", checklist: ["身份证", "户口簿"]),
                     ServiceCategory(code: "social", name: "社保", prefix: "B")],
        windows: [ServiceWindow(number: 1, name: "1号窗口", categories: ["hukou", "social"]),
                  ServiceWindow(number: 2, name: "2号窗口", categories: ["social"])],
        clerks: [Clerk(id: "c1", name: "张敏"), Clerk(id: "c2", name: "李娜")])

    static let tokens = [
        TokenEntry(role: .kiosk, sha256: AccessControl.hash("t-kiosk"), label: "kiosk"),
        TokenEntry(role: .display, sha256: AccessControl.hash("t-display")),
        TokenEntry(role: .manager, sha256: AccessControl.hash("t-manager")),
        TokenEntry(role: .window, window: 1, sha256: AccessControl.hash("t-window-1")),
        TokenEntry(role: .window, window: 2, sha256: AccessControl.hash("t-window-2")),
    ]

    let port: Int
    let hall: Hall
    let clock: ManualClock

    /// Runs `body` against a live server, then stops it and removes its files.
    static func with(clerkPINs: [String: String] = [:], ratings: RatingRules = RatingRules(indicators: IndicatorList.national),
                     _ body: (TestServer) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("counterd-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try EventStore(path: dir.appendingPathComponent("web.sqlite").path)
        let clock = ManualClock(Date(timeIntervalSince1970: 1_795_395_600))
        let hall = try Hall(setup: setup, store: store, clock: clock)
        let deps = WebDependencies(hall: hall, access: AccessControl(tokens: tokens, clerkPINs: clerkPINs), reports: Reports(store: store, setup: setup), ratings: ratings)
        var logger = Logger(label: "test.http")
        logger.logLevel = .warning
        let (ports, portFeed) = AsyncStream<Int>.makeStream()
        let app = makeWebApplication(deps, host: "127.0.0.1", port: 0, logger: logger) { port in portFeed.yield(port) }
        let server = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        let result = await Result { try await body(TestServer(port: port, hall: hall, clock: clock)) }
        // End event streams first, so the server has no open request to wait for.
        hall.hub.finishAll()
        server.cancel()
        _ = await server.result
        try result.get()
    }

    func call(_ method: String, _ path: String, token: String?, json: String? = nil) async throws -> HTTPResult {
        if let json { return try await RawHTTP.request(port: port, method, path, token: token, json: json) }
        return try await RawHTTP.request(port: port, method, path, token: token)
    }
}
