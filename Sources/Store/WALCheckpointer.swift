import Dispatch
import Foundation
import GRDB

/// WAL checkpoints off the commit path. SQLite's automatic checkpoint runs inside the commit that crosses
/// its threshold, so every thousandth page or so a key press waited for the whole WAL to be copied into the
/// database and the database to be fsynced: that was the key-press tail (`counterd-bench --stages`). The
/// writer's automatic checkpoint is off; this thread runs a PASSIVE checkpoint on its own connection once
/// a second (it never blocks the writer, and a commit never waits for it).
final class WALCheckpointer: Sendable {
    private let stop = DispatchSemaphore(value: 0)

    init(path: String, interval: Double = 1) throws {
        let connection = try DatabaseQueue(path: path)
        let stop = self.stop
        let thread = Thread {
            while stop.wait(timeout: .now() + interval) == .timedOut {
                _ = try? connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            }
        }
        thread.name = "counterd-wal-checkpoint"
        thread.start()
    }

    deinit { stop.signal() }
}
