import Access
import Foundation
import HallModel
import Hummingbird
import Logging
import Metrics
import NIOCore
import Store

/// The district's HTTP API: the halls' shipping endpoint and the managers' read-only view.
public enum DistrictRoutes {
    struct Batch: Decodable {
        var hallId: String?
        var events: [RawEvent]
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func problem(_ status: HTTPResponse.Status, _ code: String, zh: String, en: String, extra: [String: Any] = [:]) -> Response {
        var e: [String: Any] = ["code": code, "message": zh, "message_en": en]
        for (k, v) in extra { e[k] = v }
        var body: [String: Any] = ["error": e]
        if let acked = extra["acked"] { body["acked"] = acked }
        return json(status, body)
    }

    static func bearer(_ request: Request) -> String? {
        guard let h = request.headers[.authorization], h.hasPrefix("Bearer ") else { return nil }
        return String(h.dropFirst(7))
    }

    public static func router(config: DistrictConfig, store: DistrictStore, logger: Logger) -> Router<BasicRequestContext> {
        let router = Router()
        let halls = Dictionary(uniqueKeysWithValues: config.halls.map { ($0.id, $0) })
        router.get("/healthz") { _, _ in json(.ok, ["ok": true]) }
        // A hall ships its log: {"hall_id", "events": [{"seq", "payload", "hash"}]} → {"acked": N}.
        router.post("/api/v1/halls/:hall/events") { request, context -> Response in
            let id = context.parameters.get("hall") ?? ""
            guard let token = bearer(request) else {
                await store.refuse(hall: id, reason: "no_token", detail: "no Authorization: Bearer header")
                return problem(.unauthorized, "no_token", zh: "缺少令牌（Authorization: Bearer …）", en: "no bearer token")
            }
            let digest = AccessControl.hash(token)
            guard let hall = halls[id] else {
                await store.refuse(hall: id, reason: "unknown_hall", detail: "hall \(id) is not in the district's config")
                logger.warning("refused: unknown hall", metadata: ["hall": "\(id)"])
                return problem(.forbidden, "unknown_hall", zh: "区级平台没有登记大厅 \(id)", en: "hall \(id) is not configured at the district")
            }
            guard hall.tokenSHA256 == digest else {
                // Another hall's token, or none of ours: a hall writes only its own log.
                let owner = config.halls.first { $0.tokenSHA256 == digest }?.id
                await store.refuse(hall: id, reason: "wrong_token", detail: owner.map { "token of hall \($0)" } ?? "unknown token")
                logger.warning("refused: wrong token for hall", metadata: ["hall": "\(id)", "token_of": "\(owner ?? "-")"])
                return problem(.forbidden, "wrong_token", zh: "令牌与大厅 \(id) 不符", en: "this token may not write hall \(id)")
            }
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: 32 << 20) } catch {
                return problem(.contentTooLarge, "batch_too_large", zh: "批次过大（上限 32 MB）", en: "batch over 32 MB")
            }
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            guard let batch = try? decoder.decode(Batch.self, from: Data(body.readableBytesView)) else {
                await store.refuse(hall: id, reason: "bad_batch", detail: "not a batch of events")
                return problem(.badRequest, "bad_batch", zh: "请求体不是日志批次", en: "the body is not a batch of events")
            }
            if let named = batch.hallId, named != id {
                return problem(.badRequest, "hall_mismatch", zh: "批次中的 hall_id 与路径不符", en: "hall_id in the body differs from the path")
            }
            switch try await store.ingest(hall: id, events: batch.events) {
            case .acked(let n):
                Counter(label: "counterd_district_batches_total", dimensions: [("result", "acked")]).increment()
                return json(.ok, ["acked": n])
            case .gap(let expected):
                Counter(label: "counterd_district_batches_total", dimensions: [("result", "gap")]).increment()
                await store.refuse(hall: id, reason: "gap", detail: "batch starts at \(batch.events.map(\.seq).min() ?? 0), expected \(expected)")
                return problem(.conflict, "gap", zh: "日志不连续：应从 seq \(expected) 开始", en: "the batch leaves a gap: expected seq \(expected)",
                             extra: ["expected": expected, "acked": expected - 1])
            case .chainBroken(let seq, let acked):
                Counter(label: "counterd_district_batches_total", dimensions: [("result", "chain_broken")]).increment()
                await store.refuse(hall: id, reason: "chain_broken", detail: "seq \(seq)")
                logger.error("hash chain broken: batch refused", metadata: ["hall": "\(id)", "seq": "\(seq)"])
                return problem(.unprocessableContent, "chain_broken", zh: "大厅 \(id) 的日志哈希链在 seq \(seq) 断开", en: "the hash chain breaks at seq \(seq)",
                             extra: ["seq": seq, "acked": acked])
            }
        }
        // Each hall's shipping state (manager token).
        router.get("/api/v1/halls") { request, _ -> Response in
            guard let token = bearer(request), config.managerTokens.contains(AccessControl.hash(token)) else {
                return problem(.unauthorized, "unauthorized", zh: "需要管理令牌", en: "a manager token is needed")
            }
            let heads = Dictionary(uniqueKeysWithValues: try await store.heads().map { ($0.hallId, $0) })
            let rows: [[String: Any]] = config.halls.map { h in
                var row: [String: Any] = ["hall_id": h.id, "name": h.name, "level": h.level, "last_seq": heads[h.id]?.lastSeq ?? 0]
                if let p = h.parent { row["parent"] = p }
                if let at = heads[h.id]?.lastEventAtMs { row["last_event_at_ms"] = at }
                if let r = heads[h.id]?.lastReceivedAt { row["last_received_at"] = ISO8601DateFormatter().string(from: r) }
                return row
            }
            return json(.ok, ["halls": rows])
        }
        return router
    }
}
