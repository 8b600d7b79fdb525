import Access
import Exports
import Foundation
import HallModel
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOCore
import Prometheus
import LogFormat

/// The district's HTTP API: the halls' shipping endpoint and the managers' read-only view.
public enum DistrictRoutes {
    static func answer(_ status: HTTPResponse.Status, _ answer: WireAnswer) -> Response {
        let data = (try? WireCoding.apiEncoder().encode(answer)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func problem(_ status: HTTPResponse.Status, _ code: String, zh: String, en: String, expected: Int64? = nil, seq: Int64? = nil,
                        acked: Int64? = nil) -> Response {
        answer(status, WireAnswer(acked: acked, error: .init(code: code, zh: zh, en: en, expected: expected, seq: seq)))
    }

    static func encoded<T: Encodable>(_ value: T) throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(bytes: try WireCoding.apiEncoder().encode(value))))
    }

    static func bearer(_ request: Request) -> String? {
        guard let h = request.headers[.authorization], h.hasPrefix("Bearer ") else { return nil }
        return String(h.dropFirst(7))
    }

    public static func router(config: DistrictConfig, store: DistrictStore, registry: PrometheusCollectorRegistry? = nil,
                              logger: Logger) -> Router<BasicRequestContext> {
        let router = Router()
        router.middlewares.add(DistrictErrorMiddleware())
        router.get("/metrics") { _, _ -> Response in
            var buffer: [UInt8] = []
            registry?.emit(into: &buffer)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: .init(byteBuffer: ByteBuffer(string: MetricsHelp.annotate(String(decoding: buffer, as: UTF8.self)))))
        }
        let halls = Dictionary(uniqueKeysWithValues: config.halls.map { ($0.id, $0) })
        router.get("/healthz") { _, _ in try encoded(["ok": true]) }
        // A hall ships its log: {"hall_id", "events": [{"seq", "payload", "hash"}]} → {"acked": N}.
        router.post("/api/v1/halls/:hall/events") { request, context -> Response in
            let id = context.parameters.get("hall") ?? ""
            // Every refusal is kept (table `refusals`), logged at warning level and counted, whatever its kind.
            func refused(_ status: HTTPResponse.Status, _ code: String, detail: String, zh: String, en: String) async -> Response {
                _ = try? await Deadline.answered(within: Deadline.readSeconds) { await store.refuse(hall: id, reason: code, detail: detail) }
                logger.warning("refused a batch: \(code)", metadata: ["hall": "\(id)", "status": "\(status.code)", "detail": "\(detail)"])
                Counter(label: "counterd_district_batches_total", dimensions: [("result", code)]).increment()
                return problem(status, code, zh: zh, en: en)
            }
            guard let token = bearer(request) else {
                return await refused(.unauthorized, "no_token", detail: "no Authorization: Bearer header",
                                     zh: "缺少令牌（Authorization: Bearer …）", en: "no bearer token")
            }
            let digest = AccessControl.hash(token)
            guard let hall = halls[id] else {
                return await refused(.forbidden, "unknown_hall", detail: "hall \(id) is not in the district's config",
                                     zh: "区级平台没有登记大厅 \(id)", en: "hall \(id) is not configured at the district")
            }
            guard hall.tokenSHA256 == digest else {
                // Another hall's token, or none of ours: a hall writes only its own log.
                let owner = config.halls.first { $0.tokenSHA256 == digest }?.id
                return await refused(.forbidden, "wrong_token", detail: owner.map { "token of hall \($0)" } ?? "unknown token",
                                     zh: "令牌与大厅 \(id) 不符", en: "this token may not write hall \(id)")
            }
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: 32 << 20) } catch {
                return await refused(.contentTooLarge, "batch_too_large", detail: "body over 32 MB",
                                     zh: "批次过大（上限 32 MB）：请减小 [district] batch_size", en: "batch over 32 MB; lower [district] batch_size")
            }
            let lineFormat = request.headers[.contentType]?.hasPrefix("text/x-counterd-log") ?? false
            let batch: LogBatch
            do throws(LogBatch.Invalid) { batch = try LogBatch.parse(Array(body.readableBytesView), lineFormat: lineFormat) } catch {
                return await refused(.badRequest, "bad_batch", detail: error.description,
                                     zh: "请求体不是日志批次：\(error.description)", en: "the body is not a batch of events: \(error.description)")
            }
            if let named = batch.hallId, named != id {
                return await refused(.badRequest, "hall_mismatch", detail: "body names hall \(named), path \(id)",
                                     zh: "批次中的 hall_id（\(named)）与路径中的大厅（\(id)）不符", en: "hall_id in the body differs from the path")
            }
            // Bounded like the reads: a batch that times out is answered 503 and resent by its hall; if its transaction
            // commits meanwhile, the resend is acknowledged as already held (exactly once per hall and seq).
            switch try await Deadline.answered(within: Deadline.readSeconds, { try await store.ingest(hall: id, events: batch.events, hallLast: batch.last, setup: batch.setup) }) {
            case .acked(let n):
                Counter(label: "counterd_district_batches_total", dimensions: [("result", "acked")]).increment()
                return answer(.ok, WireAnswer(acked: n))
            case .gap(let expected):
                Counter(label: "counterd_district_batches_total", dimensions: [("result", "gap")]).increment()
                let detail = "batch starts at \(batch.events.map(\.seq).min() ?? 0), expected \(expected)"
                await store.refuse(hall: id, reason: "gap", detail: detail)
                logger.warning("refused a batch: gap", metadata: ["hall": "\(id)", "detail": "\(detail)"])
                return problem(.conflict, "gap", zh: "日志不连续：应从 seq \(expected) 开始", en: "the batch leaves a gap: expected seq \(expected)",
                             expected: expected, acked: expected - 1)
            case .chainBroken(let seq, let acked):
                Counter(label: "counterd_district_batches_total", dimensions: [("result", "chain_broken")]).increment()
                await store.refuse(hall: id, reason: "chain_broken", detail: "seq \(seq)")
                logger.error("hash chain broken: batch refused", metadata: ["hall": "\(id)", "seq": "\(seq)"])
                return problem(.unprocessableContent, "chain_broken", zh: "大厅 \(id) 的日志哈希链在 seq \(seq) 断开", en: "the hash chain breaks at seq \(seq)",
                             seq: seq, acked: acked)
            }
        }
        let reports = DistrictReports(store: store, config: config)
        let monitor = HallLinkMonitor(config: config, store: store)
        @Sendable func manager(_ request: Request) throws {
            guard let token = bearer(request) ?? request.uri.queryParameters.get("token"),
                  config.managerTokens.contains(AccessControl.hash(token)) else {
                throw DistrictError(.unauthorized, code: "unauthorized", zh: "需要区级管理令牌（Authorization: Bearer …）", en: "a district manager token is needed (Authorization: Bearer …)")
            }
        }
        @Sendable func range(_ request: Request) throws -> (String, String) {
            let q = request.uri.queryParameters
            let calendar = BusinessCalendar(identifier: "Asia/Shanghai")
            let today = calendar.day(of: Date())
            let from = q.get("from") ?? String(today.prefix(8)) + "01", to = q.get("to") ?? today
            // The hall's own check: real dates, years 2000–2100, from ≤ to, at most three years; the message names the parameter.
            do { try DayRange.check(from: from, to: to, calendar: calendar) } catch {
                throw DistrictError(.badRequest, code: "invalid_range", zh: error.messageZh, en: error.message(from: "from", to: "to"))
            }
            return (from, to)
        }
        @Sendable func scope(_ name: String?) throws -> StatsScope? {
            switch name ?? "halls" {
            case "halls": nil
            case "windows": .window
            case "clerks": .clerk
            case "categories": .category
            default: throw DistrictError(.badRequest, code: "invalid_scope", zh: "scope 须为 halls、windows、clerks 或 categories", en: "scope must be halls, windows, clerks or categories")
            }
        }
        // Each hall's link: what it shipped, its lag, and whether it has gone quiet in its opening hours.
        router.get("/api/v1/halls") { request, _ -> Response in
            try manager(request)
            return try encoded(["halls": try await Deadline.answered(within: Deadline.readSeconds) { try await monitor.links() }])
        }
        // Report rows: ?scope=halls|windows|clerks|categories&from&to[&hall=ID][&level=street]. With a hall,
        // exactly that hall's own report; without, every hall's rows ranked together.
        router.get("/api/v1/report") { request, _ -> Response in
            try manager(request)
            let (from, to) = try range(request)
            let q = request.uri.queryParameters
            let hall = q.get("hall"), level = q.get("level")
            guard let scope = try scope(q.get("scope")) else {
                return try encoded(["rows": try await Deadline.answered(within: Deadline.readSeconds) { try await reports.halls(from: from, to: to) }])
            }
            if let hall {
                guard config.hall(hall) != nil else { throw DistrictError(.notFound, code: "unknown_hall", zh: "区级平台没有登记大厅 \(hall)", en: "hall \(hall) is not configured at the district") }
                return try encoded(["rows": try await Deadline.answered(within: Deadline.readSeconds) {
                    try await reports.hallReport(scope, hall: hall, from: from, to: to)
                }])
            }
            return try encoded(["rows": try await Deadline.answered(within: Deadline.readSeconds) {
                try await reports.acrossHalls(scope, from: from, to: to, level: level)
            }])
        }
        router.get("/api/v1/reasons") { request, _ -> Response in
            try manager(request)
            let (from, to) = try range(request)
            let q = request.uri.queryParameters
            guard let hall = q.get("hall"), config.hall(hall) != nil else { throw DistrictError(.badRequest, code: "unknown_hall", zh: "需要 hall=大厅编号（区级平台已登记的大厅）", en: "hall= must name a hall configured at the district") }
            let scope = try scope(q.get("scope")) ?? .window
            return try encoded(["rows": try await Deadline.answered(within: Deadline.readSeconds) {
                try await reports.hallReasons(scope, hall: hall, from: from, to: to)
            }])
        }
        router.get("/api/v1/cases") { request, _ -> Response in
            try manager(request)
            let (from, to) = try range(request)
            let hall = request.uri.queryParameters.get("hall")
            return try encoded(["cases": try await Deadline.answered(within: Deadline.readSeconds) {
                try await reports.cases(from: from, to: to, hall: hall, setups: try await reports.setups())
            }])
        }
        // The district 考核 table: halls ranked within their level, as CSV or XLSX.
        router.get("/api/v1/export/:file") { request, context -> Response in
            try manager(request)
            let (from, to) = try range(request)
            let file = context.parameters.get("file") ?? ""
            let table = try await Deadline.answered(within: Deadline.readSeconds) {
                AssessmentTable.make(try await reports.halls(from: from, to: to), links: try await monitor.links(), from: from, to: to)
            }
            let name = "district-assessment-\(from)-\(to)"
            switch file {
            case "assessment.csv":
                return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name).csv\""],
                                body: .init(byteBuffer: ByteBuffer(string: table.csv())))
            case "assessment.xlsx":
                return Response(status: .ok, headers: [.contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                                       .contentDisposition: "attachment; filename=\"\(name).xlsx\""],
                                body: .init(byteBuffer: ByteBuffer(bytes: table.xlsx())))
            default:
                throw DistrictError(.notFound, code: "unknown_file", zh: "导出文件须为 assessment.csv 或 assessment.xlsx", en: "the export is assessment.csv or assessment.xlsx")
            }
        }
        router.get("/") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                                            HTTPTypes.HTTPField.Name("Content-Security-Policy")!: "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"],
                     body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.district_html)))
        }
        router.get("/assets/district.js") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "no-store"],
                     body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.district_js)))
        }
        return router
    }
}
