import Foundation

/// Why a device link failed. Every variant says what an administrator can do about it.
public enum LinkError: Error, Sendable, CustomStringConvertible, Equatable {
    case open(path: String, errno: Int32, holders: [PortHolder])
    case configure(path: String, what: String, errno: Int32)
    case endOfFile
    case readFailed(errno: Int32)
    case writeFailed(errno: Int32)
    case writeTimeout
    case closed
    case connect(host: String, reason: String)
    case unexpectedWrite(expected: String, got: String)
    case recording(String)

    public var description: String {
        switch self {
        case .open(let path, let e, let holders):
            var s = "cannot open \(path): \(String(cString: strerror(e)))"
            if !holders.isEmpty { s += "; held by " + holders.map(\.description).joined(separator: ", ") }
            if let fix = holders.compactMap(\.fix).first { s += ". Fix: \(fix)" }
            if e == EACCES { s += ". Fix: install counterd's udev rules (GROUP=counterd, MODE=0660) or add the service user to the device's group" }
            return s
        case .configure(let path, let what, let e): return "cannot set \(what) on \(path): \(String(cString: strerror(e)))"
        case .endOfFile: return "device closed the connection (end of file)"
        case .readFailed(let e): return "read failed: \(String(cString: strerror(e)))"
        case .writeFailed(let e): return "write failed: \(String(cString: strerror(e)))"
        case .writeTimeout: return "write timed out (device not draining)"
        case .closed: return "link closed"
        case .connect(let host, let reason): return "cannot connect to \(host): \(reason)"
        case .unexpectedWrite(let expected, let got): return "replay: unexpected write \(got), recording expects \(expected)"
        case .recording(let why): return "recording: \(why)"
        }
    }
}
