import ArgumentParser
import Exports
import Foundation
import HallModel
import HallRuntime
import Store

/// `counterctl platform`: the outbox for the 好差评 platform, read from the database (counterd may run).
struct PlatformCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "platform",
        abstract: "The records for the provincial 好差评 platform: how many wait, the oldest, what the platform answered.",
        discussion: """
            Read-only. States: pending (to send, in order), accepted (never sent again), merged (sent inside its
            rating), rejected (the platform refused it as invalid: fix the config, restart counterd, it is sent
            again), skipped (the profile has no shape for it). Exit 0; 1 when records were rejected.
            """)

    @Option(help: "Only records in this state: pending, accepted, merged, rejected or skipped.")
    var state: String?

    @Option(help: "At most this many records (newest first without --state, oldest first with one).")
    var limit: Int = 20

    @Flag(help: "JSON instead of a table.")
    var json = false

    @OptionGroup var location: Location

    func run() async throws {
        let (_, store) = try location.load()
        var filter: OutboxRecord.State?
        if let state {
            guard let s = OutboxRecord.State(rawValue: state) else {
                throw ValidationError("--state must be one of \(OutboxRecord.State.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter = s
        }
        let summary = try store.outboxSummary()
        let records = try store.outboxRecords(state: filter, limit: limit)
        if json {
            struct Out: Encodable {
                var summary: OutboxSummary
                var records: [OutboxRecord]
            }
            let data = try WireCoding.statusFileEncoder().encode(Out(summary: summary, records: records))
            print(String(decoding: data, as: UTF8.self))
        } else {
            let now = Date()
            let oldest = summary.oldestPendingAt.map { ReportFormatter.duration(now.timeIntervalSince($0)) } ?? "-"
            print("pending \(summary.pending) (oldest \(oldest))    accepted \(summary.accepted)    rejected \(summary.rejected)")
            var table = TextTable(headers: ["id", "seq", "kind", "ticket", "state", "attempts", "status", "answer"],
                                  alignments: [.right, .right, .left, .left, .left, .right, .right, .left])
            for r in records {
                table.rows.append([String(r.id), String(r.seq), r.kind.rawValue, r.ticket, r.state.rawValue, String(r.attempts),
                                   r.lastStatus.map(String.init) ?? "-", String((r.lastAnswer ?? "").prefix(60))])
            }
            print(table.render(), terminator: "")
        }
        if summary.rejected > 0 { throw ExitCode(1) }
    }
}
