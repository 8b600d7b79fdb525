import Delivery
import Foundation
import GRDB
import HallConfig
import HallModel
import HallRuntime
@testable import Store
import Testing

/// The outbox for the 好差评 platform: written with its event, built into each profile's shape.
@Suite struct OutboxTests {
    static let platforms = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("platforms").path

    static func profile(_ name: String) throws -> PlatformProfile {
        switch PlatformProfileFile.load(name, directory: platforms) {
        case .success(let p): return p
        case .failure(let e): throw e
        }
    }

    /// A keypad 差评 with reasons added on the tablet, a tablet rating, and the 差评 case's three steps.
    static func day(_ dir: TempDir) async throws -> (EventStore, HallSetup) {
        let store = try EventStore(path: dir.path("outbox.sqlite"))
        var setup = StoreFixture.setup
        setup.identity = HallIdentity(areaCode: "330102", deptCode: "11330102MB1234567X")
        setup.categories[0].taskCode = "330102-HJ-001"
        let clock = ManualClock(StoreFixture.nine)
        let hall = try Hall(setup: setup, store: store, clock: clock)
        func at(_ t: String) { clock.set(StoreFixture.at(t)) }
        try await hall.execute(.signIn(window: 1, clerk: "c1"))
        try await hall.execute(.issueTicket(category: "hukou", priority: false))
        try await hall.execute(.issueTicket(category: "hukou", priority: false))
        try await hall.execute(.callNext(window: 1))
        at("09:10"); try await hall.execute(.finish(window: 1, outcome: .promised, projectNo: "SP-77"))
        at("09:10:05"); try await hall.execute(.rate(window: 1, level: .dissatisfied))
        at("09:10:15"); try await hall.execute(.extendReasons(window: 1, ticket: "2026-11-23/A001"))
        at("09:10:20"); try await hall.execute(.addReasons(window: 1, ticket: "2026-11-23/A001", detail: RatingDetail(reasons: ["213", "209"], comment: "慢")))
        at("09:11"); try await hall.execute(.callNext(window: 1))
        at("09:20"); try await hall.execute(.finish(window: 1, outcome: .immediate))
        at("09:20:03"); try await hall.execute(.rate(window: 1, level: .verySatisfied, detail: RatingDetail(reasons: ["517"], channel: .tablet)))
        let c = try #require(try store.badRatingCase("2026-11-23/A001")).model
        at("10:00"); try await hall.execute(.caseAction(case: c.id, action: .contact(at: StoreFixture.at("09:58"), method: "电话", citizenSaid: "希望加快"),
                                                       manager: "李主任", current: c))
        let c2 = try #require(try store.badRatingCase("2026-11-23/A001")).model
        at("11:00"); try await hall.execute(.caseAction(case: c.id, action: .rectify(note: "窗口增派人手"), manager: "李主任", current: c2))
        let c3 = try #require(try store.badRatingCase("2026-11-23/A001")).model
        at("12:00"); try await hall.execute(.caseAction(case: c.id, action: .close(note: "已整改", verdict: .satisfied), manager: "李主任", current: c3))
        return (store, setup)
    }

    @Test func everyPushedEventHasItsRecordInTheSameCommit() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (store, _) = try await Self.day(dir)
        let records = try store.outboxRecords(state: .pending)
        #expect(records.map(\.kind) == [.rating, .reasons, .rating, .caseContacted, .caseRectified, .caseClosed])
        let events = try store.events(after: 0)
        for r in records {
            let e = try #require(events.first { $0.seq == r.seq })
            #expect(OutboxRecord.kind(of: e.event) == r.kind && e.event.ticket == r.ticket)
        }
        // The keypad's rating waits for the tablet's reasons (the reasons window, 120 s, and 2 s), renewed at 09:10:15
        // while the citizen typed (10 s after the press); the tablet's rating with its reasons does not wait.
        #expect(records[0].notBeforeMs == records[0].createdAtMs + 132_000 && records[2].notBeforeMs == records[2].createdAtMs)
        // The 差评 case carries what the citizen added on the tablet.
        let c = try #require(try store.badRatingCase("2026-11-23/A001"))
        #expect(c.reasons == "213,209" && c.comment == "慢" && c.phone == nil, "\(c)")
        // An event and its record commit together: a rolled-back append leaves neither.
        let before = try store.outboxRecords(limit: 1000).count
        let rated = EventRecord(at: StoreFixture.at("13:00"), day: "2026-11-23", .ticketRated(TicketRated(
            window: 1, ticket: "2026-11-23/A009", number: "A009", clerk: "c1", category: "hukou", servedDay: "2026-11-23", level: .satisfied)))
        try await #require(throws: (any Error).self) {
            try await store.writer.write { db in
                _ = try EventStore.append([rated], in: db)
                throw CancellationError()
            }
        }
        #expect(try store.outboxRecords(limit: 1000).count == before && (try store.lastSeq()) == events.last?.seq)
        // Rebuilding the projections leaves the delivery state alone.
        try store.outboxAttempted(records[0].id, at: Date(), status: 200, answer: "ok", done: .accepted, next: nil, merged: [records[1].id])
        try store.rebuildProjections()
        let after = try store.outboxRecords(limit: 1000)
        #expect(after.first { $0.id == records[0].id }?.state == .accepted && after.first { $0.id == records[1].id }?.state == .merged)
        #expect(try store.outboxSummary().pending == 4)
    }

    @Test func theProfilesShapeTheSameRecordsTheirOwnWay() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (store, setup) = try await Self.day(dir)
        let records = try store.outboxRecords(state: .pending)
        let events = try store.events(after: 0)
        func event(_ r: OutboxRecord) -> StoredEvent { events.first { $0.seq == r.seq }! }
        func object(_ b: PlatformRecordBuilder.Built?) throws -> [String: Any] {
            let built = try #require(b)
            return try #require(JSONSerialization.jsonObject(with: Data(built.body)) as? [String: Any])
        }
        let provincial = PlatformRecordBuilder(store: store, setup: setup, profile: try Self.profile("offline-report-json"),
                                               indicators: IndicatorList.national)
        // The keypad's 不满意 with the tablet's reasons inside it.
        let bad = try object(try provincial.build(event(records[0]), merging: [event(records[1])]))
        #expect(bad["satisfaction"] as? String == "2" && bad["evalDetail"] as? String == "213,209" && bad["writingEvaluation"] as? String == "慢")
        #expect(bad["pf"] as? String == "5" && bad["projectNo"] as? String == "SP-77" && bad["handleType"] as? String == "1")
        #expect(bad["taskCode"] as? String == "330102-HJ-001" && bad["areaCode"] as? String == "330102" && bad["assessTime"] as? String == "2026-11-23 09:10:05")
        #expect(bad["assessId"] as? String == "11330102MB1234567X-\(records[0].seq)" && (bad["eventHash"] as? String)?.count == 64)
        #expect(bad["dayAnchor"] is NSNull, "no earlier business day, no anchor")
        let good = try object(try provincial.build(event(records[2])))
        #expect(good["satisfaction"] as? String == "5" && good["pf"] as? String == "4" && good["evalDetail"] as? String == "517"
                && good["projectNo"] as? String == "33010220261123A002" && good["handleType"] as? String == "2")
        let closed = try object(try provincial.build(event(records[5])))
        #expect(closed["step"] as? String == "closed" && closed["rectifySatisfaction"] as? String == "1" && closed["finishContent"] as? String == "已整改")
        let contacted = try provincial.build(event(records[3]))
        #expect(contacted?.path == "/rectification")
        #expect(try object(contacted)["callbackWay"] as? String == "电话")

        // GB/T 39046: the standard's items, its level direction, its date form; no shape for case steps.
        let national = PlatformRecordBuilder(store: store, setup: setup, profile: try Self.profile("gbt39046"), indicators: IndicatorList.national)
        let std = try object(try national.build(event(records[2])))
        #expect(std["满意度代码"] as? Int == 1 && std["满意度"] as? String == "非常满意" && std["评价时间"] as? String == "20261123T092003")
        #expect(std["评价渠道"] as? String == "4" && std["办件编号"] as? String == "33010220261123A002" && std["行政区划"] as? String == "330102")
        let stdBad = try object(try national.build(event(records[0]), merging: [event(records[1])]))
        #expect(stdBad["满意度代码"] as? Int == 4 && stdBad["评价指标"] as? String == "213,209")
        #expect(try national.build(event(records[3])) == nil)
    }

    @Test func theDayAnchorTravelsWithTheNextDaysRecords() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (store, setup) = try await Self.day(dir)
        let last = try #require(try store.events(after: 0).last)
        let lastHash = try #require(try store.eventHash(seq: last.seq))
        let next = EventRecord(at: StoreFixture.at("09:00").addingTimeInterval(86_400), day: "2026-11-24", .ticketRated(TicketRated(
            window: 1, ticket: "2026-11-24/A001", number: "A001", clerk: "c1", category: "hukou", servedDay: "2026-11-24", level: .satisfied)))
        let stored = try store.claimAppender().appendNow([next])
        let builder = PlatformRecordBuilder(store: store, setup: setup, profile: try Self.profile("offline-report-json"), indicators: IndicatorList.national)
        let body = try #require(try builder.build(stored[0]))
        let json = try #require(JSONSerialization.jsonObject(with: Data(body.body)) as? [String: Any])
        #expect(json["dayAnchor"] as? String == lastHash && json["dayAnchorDate"] as? String == "2026-11-23")
    }

    @Test func shippedProfilesLoadAndBrokenOnesSayWhere() throws {
        let provincial = try Self.profile("offline-report-json")
        #expect(provincial.levels[.verySatisfied] == .string("5") && provincial.levels[.veryDissatisfied] == .string("1"))
        #expect(provincial.accepts(status: 200, body: Array(#"{"code":200,"msg":"ok"}"#.utf8)))
        #expect(provincial.accepts(status: 200, body: Array(#"{"code":"0"}"#.utf8)))
        #expect(!provincial.accepts(status: 200, body: Array(#"{"code":500,"msg":"taskCode 不存在"}"#.utf8)))
        #expect(!provincial.accepts(status: 200, body: Array("<html>".utf8)) && !provincial.accepts(status: 500, body: []))
        let std = try Self.profile("gbt39046")
        #expect(std.levels[.verySatisfied] == .int(1) && std.levels[.veryDissatisfied] == .int(5) && std.accepts(status: 204, body: []))
        guard case .failure(let e) = PlatformProfileFile.parse("""
            name = "x"
            version = "1"
            [levels]
            very_satisfied = 5
            [channels]
            evaluator = "5"
            tablet = "4"
            qr = "3"
            phone = "2"
            [outcomes]
            immediate = "1"
            promised = "2"
            joint = "3"
            reported = "4"
            replied = "5"
            [verdicts]
            satisfied = "1"
            basically_satisfied = "2"
            dissatisfied = "3"
            [kinds.rating.fields]
            a = "project_number"
            b = 7
            """) else {
            Issue.record("a broken profile loaded")
            return
        }
        let paths = Set(e.issues.map(\.path))
        #expect(paths.isSuperset(of: ["levels.satisfied", "levels.very_dissatisfied", "channels.phone", "kinds.rating.fields.a", "kinds.rating.fields.b"]),
                "\(e.issues)")
        #expect(e.issues.contains { $0.path == "kinds.rating.fields.a" && $0.message.contains("project_number") && $0.line == 21 }, "\(e.issues)")
        guard case .failure(let missing) = PlatformProfileFile.load("no-such-platform", directory: Self.platforms) else { return }
        #expect(missing.issues.first?.message.contains("gbt39046, offline-report-json") == true, "\(missing.issues)")
    }
}
