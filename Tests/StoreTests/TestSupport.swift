import Foundation
import HallModel
import Store
import TestSupport

/// A fresh directory under /tmp for one test's SQLite files.
struct TempDir {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("counterd-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

enum StoreFixture {
    /// The hall of the recorded log fixture.
    static let setup = LogFixture.setup

    /// 2026-11-23 09:00:00 Beijing.
    static let nine = Date(timeIntervalSince1970: 1_795_395_600)

    static func at(_ hhmmss: String) -> Date {
        let p = hhmmss.split(separator: ":").map { Double($0)! }
        return nine.addingTimeInterval((p[0] - 9) * 3600 + p[1] * 60 + (p.count > 2 ? p[2] : 0))
    }

    /// Directory holding the package's built executables (beside the test bundle).
    static var binDir: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }
}
