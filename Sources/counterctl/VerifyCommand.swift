import ArgumentParser
import Foundation
import Store

/// `counterctl verify`: walks the event log's hash chain.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the event log's hash chain: every row's hash, no seq missing, columns equal to payloads.",
        discussion: """
            Exit 0 when the log is intact, 65 when it is not (the first seq where it breaks is named). Works read-only \
            and can run while counterd runs. Each day's last hash (its anchor) is printed with --json.
            """)

    @Option(help: "Check from this business day (YYYY-MM-DD), trusting the stored hash of the row before it.")
    var from: String?

    @Flag(help: "Print JSON: {intact, checked, broken_at, reason, last_seq, last_hash, day_anchors}.")
    var json = false

    @OptionGroup var location: Location

    func run() async throws {
        let (_, store) = try location.load()
        let r = try store.verifyChain(from: from)
        if json {
            var o: [String: Any] = ["intact": r.intact, "checked": r.checked, "last_seq": r.lastSeq, "day_anchors": r.dayAnchors]
            o["broken_at"] = r.brokenAt.map { $0 as Any } ?? NSNull()
            o["reason"] = r.reason.map { $0 as Any } ?? NSNull()
            o["last_hash"] = r.lastHash.map { $0 as Any } ?? NSNull()
            printJSON(o)
        } else if r.intact {
            print("hash chain intact: \(r.checked) events checked, last seq \(r.lastSeq), last hash \(r.lastHash ?? "-")")
        } else {
            print("hash chain BROKEN at seq \(r.brokenAt ?? 0): \(r.reason ?? "")")
            print("checked \(r.checked) events before it; the log was changed outside counterd. Keep this database "
                  + "file as evidence, and compare the day anchors with those sent to the platform.")
        }
        if !r.intact { throw ExitCode(65) }
    }
}
