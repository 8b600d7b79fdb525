import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The database's one-writer lock: an exclusive flock(2) on `DATABASE.writer-lock`, held while the store is
/// open for writing and released by the kernel when the process ends, however it ends. The file holds the
/// writer's pid for the message of the one refused.
final class WriterLock: Sendable {
    private let fd: Int32

    static func file(_ database: String) -> String { database + ".writer-lock" }

    init(database: String) throws {
        let path = Self.file(database)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path,
                NSLocalizedDescriptionKey: "cannot create the writer lock \(path): \(String(cString: strerror(errno)))"])
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let pid = Self.pid(in: fd)
            close(fd)
            throw StoreError.heldByWriter(path: database, pid: pid)
        }
        let text = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        self.fd = fd
    }

    deinit { close(fd) }

    /// nil when no process holds the lock of `database`; the holder's pid (nil if unreadable) when one does.
    static func holder(of database: String) -> Int32?? {
        let fd = open(file(database), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        return .some(pid(in: fd))
    }

    private static func pid(in fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 16)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
