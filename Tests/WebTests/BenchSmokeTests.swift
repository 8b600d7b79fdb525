import Foundation
import Testing

/// Every part of `counterd-bench` runs to its end with a few iterations, so none rots unseen (part (d) once stopped at
/// its first call after an engine rule changed, and nobody ran it). Only completion and sample counts are checked:
/// the figures belong in BENCHMARKS.md, measured on a quiet machine, never in a test on a busy one.
@Suite(.serialized) struct BenchSmokeTests {
    static let bench = Daemon.bin.appendingPathComponent("counterd-bench")

    /// Each part with small arguments, and patterns its output must match (sample counts above zero, not all of
    /// them: a loaded machine may let a deadline pass).
    static let parts: [(args: [String], expect: [String])] = [
        (["ingest", "--commands", "300"], [#"group commit:"#, #"hash chain:"#]),
        (["report", "--days", "2"], [#"served agree: 19800 = 19800 ✓"#]),
        (["display", "--calls", "5"], [#"screen frame \(strip screen on a pty\): samples [1-5];"#, #"SSE event \(socket on 127.0.0.1\): +samples [1-5];"#]),
        (["ticket", "--taps", "5"], [#"tap → ticket issued \(printed, confirmed, committed\)"#, #"python\-escpos"#]),
        (["keypress", "--evaluators", "6"], [#"samples [1-9][0-9]* of 18"#, #"samples [1-9][0-9]* of 30"#]),
        (["waits"], [#"all "#]),
        (["crowd", "--sse-clients", "10", "--slow-clients", "2", "--crowd-devices", "6", "--calls", "5"], [#"call committed → event at every reading client: samples [1-9][0-9]*"#]),
        (["pusher", "--records", "20"], [#"20 POSTs accepted"#]),
        (["idle", "--idle-devices", "2", "--idle-lines", "1", "--idle-seconds", "2"], [#"\(idle\) floor on this machine"#, #"\(idle\) counterd with 2 evaluators on 1 lines"#]),
        (["matters", "--open-matters", "500", "--matter-windows", "2"], [#"\(matters\) the 电子监察 sweep over 500 open matters"#, #"受理 [1-9][0-9]*, 即办率"#]),
        (["district", "--halls", "3", "--offline-days", "1", "--steady-seconds", "2", "--year-days", "2"], [#"held \["4003", "4003"\]"#, #"served agree: 2000 = 2000 ✓"#]),
    ]

    @Test(arguments: parts.indices)
    func partRunsToItsEnd(_ i: Int) async throws {
        let (args, expect) = Self.parts[i]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-smoke-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try await Command.run(Self.bench, ["--dir", dir.path, "--only"] + args, in: DaemonTests.repo)
        #expect(run.status == 0, "counterd-bench --only \(args.joined(separator: " ")) exited \(run.status): \(run.err)\n\(run.out)")
        for pattern in expect {
            let regex = try Regex(pattern)
            #expect(run.out.contains(regex), "counterd-bench --only \(args[0]) printed nothing like “\(pattern)”:\n\(run.out)")
        }
    }
}
