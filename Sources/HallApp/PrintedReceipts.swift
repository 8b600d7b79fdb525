import Foundation
import Logging
import ServiceLifecycle
import Simulators

/// The demo's printer made visible: each receipt the simulated kiosk printer cuts is written as text to
/// `directory` (newest 500 kept), so what a citizen would hold can be read.
struct PrintedReceipts: Service {
    let printer: SimulatedPrinter
    let directory: String
    let logger: Logger

    func run() async {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let stamp = DateFormatter()
        stamp.locale = Locale(identifier: "en_US_POSIX")
        stamp.dateFormat = "yyyyMMdd-HHmmss"
        await cancelWhenGracefulShutdown {
            var serial = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                let receipts = printer.takeReceipts()
                for r in receipts {
                    serial += 1
                    let text = EscPosText.render(r)
                    let name = String(format: "%@-%04d.txt", stamp.string(from: Date()), serial % 10_000)
                    try? text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
                }
                if !receipts.isEmpty { prune() }
            }
        }
    }

    private func prune() {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".txt") }.sorted()
        for f in files.dropLast(500) { try? FileManager.default.removeItem(atPath: directory + "/" + f) }
    }
}
