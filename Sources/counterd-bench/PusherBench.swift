import Delivery
import Foundation
import HallConfig
import HallModel
import HallRuntime
import Hummingbird
import Logging
import ServiceLifecycle
import Store

/// (h) The 好差评 pusher: N ratings already in the outbox, delivered one at a time to a local HTTP endpoint
/// (Hummingbird on 127.0.0.1 answering {"code":200}) in the offline-report-json shape, each acceptance
/// written (synchronous=FULL) before the next record is read. Records per second from the first send to
/// the empty outbox.
enum PusherBench {
    static func run(dir: String, records: Int, platforms: String) async throws {
        let path = dir + "/pusher.sqlite"
        Bench.fresh(path)
        let store = try EventStore(path: path, sync: .full)
        let day = "2026-12-01"
        let at = Date(timeIntervalSince1970: 1_795_996_800)
        var events: [EventRecord] = []
        for i in 0..<records {
            let number = "A\(String(format: "%04d", i + 1))"
            let bad = i % 10 == 0
            var r = TicketRated(window: i % 20 + 1, ticket: "\(day)/\(number)", number: number, clerk: "c\(i % 20 + 1)", category: "a",
                                servedDay: day, level: bad ? .dissatisfied : .verySatisfied)
            r.channel = .tablet
            if bad { r.reasons = ["213", "214"] }
            events.append(EventRecord(at: at.addingTimeInterval(Double(i)), day: day, .ticketRated(r)))
        }
        for chunk in stride(from: 0, to: events.count, by: 5_000) {
            _ = try store.claimAppender().appendNow(Array(events[chunk..<min(events.count, chunk + 5_000)]))
        }
        guard case .success(let profile) = PlatformProfileFile.load("offline-report-json", directory: platforms) else {
            print("(h) pusher: no offline-report-json profile in \(platforms)")
            return
        }
        let setup = HallSetup(name: "bench", categories: [ServiceCategory(code: "a", name: "甲", prefix: "A", taskCode: "330102-A-1")],
                              windows: (1...20).map { ServiceWindow(number: $0, name: "\($0)号窗口", categories: ["a"]) },
                              clerks: (1...20).map { Clerk(id: "c\($0)", name: "\($0)") },
                              identity: HallIdentity(areaCode: "330102", deptCode: "11330102MB1234567X"))

        let received = Received()
        let router = Router()
        router.post("/api/evaluation") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 64 * 1024)
            await received.add()
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: #"{"code":200,"msg":"success"}"#)))
        }
        let port = Port()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { await port.set($0.localAddress?.port ?? 0) }, logger: Logger(label: "bench.platform"))
        let server = Task { try await app.runService() }
        while await port.value == 0 { try await Task.sleep(for: .milliseconds(10)) }

        let health = PlatformHealth()
        let pusher = PlatformPusher(store: store, builder: PlatformRecordBuilder(store: store, setup: setup, profile: profile, indicators: IndicatorList.national),
                                    target: .init(url: "http://127.0.0.1:\(await port.value)/api/evaluation"), hub: EventHub(), health: health,
                                    wallClock: { SystemClock().now() })
        let start = ContinuousClock.now
        let push = Task { try await pusher.run() }
        while try store.outboxSummary().pending > 0 { try await Task.sleep(for: .milliseconds(20)) }
        let seconds = (ContinuousClock.now - start).seconds
        push.cancel()
        server.cancel()
        let got = await received.count
        print("""
            (h) 好差评 pusher, \(records) ratings in the outbox → local HTTP endpoint (Hummingbird, 127.0.0.1), offline-report-json, \
            synchronous=FULL:
                \(got) POSTs accepted in \(String(format: "%.2f", seconds)) s = \(Int(Double(records) / seconds)) records/s, \
            \(String(format: "%.2f", seconds * 1000 / Double(records))) ms per record (read, build, POST, write the acceptance)
            """)
    }

    actor Received {
        private(set) var count = 0
        func add() { count += 1 }
    }

    actor Port {
        private(set) var value = 0
        func set(_ p: Int) { value = p }
    }
}
