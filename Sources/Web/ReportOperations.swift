import Foundation
import HallAPI
import HallModel
import HallRuntime
import Store

/// The per-window, per-clerk and per-category reports and the 好差评 push's status: generated operations.
extension HallAPIService {
    func report(_ input: Operations.Report.Input) async throws -> Operations.Report.Output {
        let scope: StatsScope = switch input.path.scope {
        case .windows: .window
        case .clerks: .clerk
        case .categories: .category
        }
        let (from, to) = try await deps.range(from: input.query.from, to: input.query.to)
        let rows = try await StoreReads.run { try deps.reports.rows(scope, from: from, to: to) }
        return .ok(.init(body: .json(.init(scope: .init(rawValue: input.path.scope.rawValue) ?? .windows, from: from, to: to,
                                           rows: rows.map(Components.Schemas.ReportRow.init)))))
    }

    /// The push to the 好差评 platform: outbox depth, oldest pending record, last success, the problem if any. The counts
    /// always come from the outbox table, never from the pusher's last report (zeros before its first).
    func platform(_ input: Operations.Platform.Input) async throws -> Operations.Platform.Output {
        let summary: OutboxSummary
        do { summary = try await StoreReads.run { try deps.hall.store.outboxSummary() } } catch {
            throw APIError(.serviceUnavailable, code: "storage_unavailable", zh: "暂时读不到好差评推送记录（数据库不可用），请稍后再试",
                           en: "the outbox cannot be read now (database unavailable); try again")
        }
        let now = deps.hall.now
        let status: PlatformStatus
        if let live = deps.platform?.status, live.transport == "http" {
            status = live.counted(summary, now: now)
        } else {
            status = PlatformStatus(configured: deps.platform != nil, transport: deps.platform == nil ? nil : "file", summary: summary, now: now,
                                    message: deps.platform == nil ? "未配置好差评平台（[platform]）：记录保存在本机，可用 counterctl export haocaiping 导出"
                                                                  : "手工上报（transport = \"file\"）：用 counterctl export haocaiping 导出后上传")
        }
        return .ok(.init(body: .json(.init(status))))
    }
}

extension Components.Schemas.ReportRow {
    init(_ r: ReportRow) {
        self.init(
            scope: .init(rawValue: r.scope.rawValue) ?? .window, key: r.key, name: r.name, issued: r.issued, served: r.served,
            noShows: r.noShows, transferredOut: r.transferredOut, meanWaitSeconds: r.meanWaitSeconds, p90WaitSeconds: r.p90WaitSeconds,
            meanServiceSeconds: r.meanServiceSeconds, p90ServiceSeconds: r.p90ServiceSeconds, ratings: r.ratings, rated: r.rated,
            notRated: r.notRated, ignoredPresses: r.ignoredPresses, participationRate: r.participationRate,
            satisfactionRate: r.satisfactionRate, score: r.score, outcomes: .init(additionalProperties: r.outcomes),
            immediateRate: r.immediateRate, rank: r.rank, cases: r.cases, overdueCases: r.overdueCases)
    }
}

extension Components.Schemas.PlatformStatus {
    init(_ s: PlatformStatus) {
        self.init(
            configured: s.configured, transport: s.transport.flatMap(TransportPayload.init(rawValue:)), profile: s.profile, url: s.url,
            pending: s.pending, rejected: s.rejected, accepted: s.accepted, oldestPendingAt: s.oldestPendingAt,
            oldestPendingSeconds: s.oldestPendingSeconds, lastAcceptedAt: s.lastAcceptedAt, lastAttemptAt: s.lastAttemptAt,
            lastStatus: s.lastStatus, lastAnswer: s.lastAnswer, problem: s.problem.flatMap { ProblemPayload(rawValue: $0.rawValue) },
            message: s.message, backlogAlert: s.backlogAlert, alertAfterMinutes: s.alertAfterMinutes)
    }
}
