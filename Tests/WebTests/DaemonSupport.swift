import Foundation

/// Starting the real counterd binary and learning the port it bound (it prints its URLs on stdout).
enum Daemon {
    static let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()

    /// Starts counterd with `arguments`; returns the process and its HTTP port (0 if it logged none: the
    /// URLs are logged at notice level, so `--log-level` must be notice or lower).
    static func start(_ arguments: [String]) async throws -> (Process, Int) {
        let p = Process()
        p.executableURL = bin.appendingPathComponent("counterd")
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = out
        try p.run()
        let port = try await RawHTTP.blocking { () -> Int in
            var text = ""
            while true {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { return 0 }
                text += String(decoding: chunk, as: UTF8.self)
                if let r = text.range(of: #"127\.0\.0\.1:(\d+)/api/state"#, options: .regularExpression) {
                    // Keep draining the log so a chatty daemon never blocks on a full pipe.
                    let handle = out.fileHandleForReading
                    Thread.detachNewThread { while !handle.availableData.isEmpty {} }
                    return Int(text[r].split(separator: ":")[1].split(separator: "/")[0]) ?? 0
                }
            }
        }
        return (p, port)
    }
}
