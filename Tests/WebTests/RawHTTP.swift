import Foundation
import TestSupport

/// A deliberately small HTTP/1.1 client on a plain POSIX socket, so the API is tested over a real
/// 127.0.0.1 connection by code that shares nothing with the server's HTTP stack. Blocking calls run
/// on a dispatch queue, never on the Swift concurrency pool the server's Hall actor needs.
struct HTTPResult: Sendable {
    var status: Int
    var headers: [String: String]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
}

struct SSEMessage: Sendable, Equatable {
    var id: Int64?
    var event: String?
    var data: String
}

enum RawHTTPError: Error { case connect(Int32), closed, malformed(String) }

/// Used by one thread at a time (a test hands it from one blocking call to the next).
final class RawSocket: @unchecked Sendable {
    let fd: Int32
    private var buffer = [UInt8]()

    /// `receiveBuffer` shrinks the socket's receive buffer (before connecting): a client that reads slowly.
    init(port: Int, timeoutSeconds: Int = 10, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if r != 0 {
            close(fd)
            throw RawHTTPError.connect(errno)
        }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { throw RawHTTPError.closed }
            offset += n
        }
    }

    /// Reads more bytes into the buffer; false at EOF or timeout.
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return false }
        buffer += chunk[0..<n]
        return true
    }

    func readLine() throws -> String {
        while true {
            if let i = buffer.firstIndex(of: 10) {
                var line = Array(buffer[..<i])
                buffer.removeFirst(i + 1)
                if line.last == 13 { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard fill() else { throw RawHTTPError.closed }
        }
    }

    func read(count: Int) throws -> [UInt8] {
        while buffer.count < count { guard fill() else { throw RawHTTPError.closed } }
        let out = Array(buffer[..<count])
        buffer.removeFirst(count)
        return out
    }

    func readToEnd() -> [UInt8] {
        while fill() {}
        defer { buffer = [] }
        return buffer
    }

    /// Status line and headers.
    func readHead() throws -> (Int, [String: String]) {
        let statusLine = try readLine()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw RawHTTPError.malformed(statusLine) }
        var headers: [String: String] = [:]
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            if let colon = line.firstIndex(of: ":") {
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return (status, headers)
    }

    /// One chunk of a chunked body; nil at the last chunk.
    func readChunk() throws -> [UInt8]? {
        let sizeLine = try readLine()
        guard let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else { throw RawHTTPError.malformed(sizeLine) }
        if size == 0 { return nil }
        let data = try read(count: size)
        _ = try readLine()
        return data
    }
}

enum RawHTTP {

    static func request(port: Int, _ method: String, _ path: String, token: String? = nil, body: [UInt8]? = nil,
                        contentType: String? = "application/json", extraHeaders: [String: String] = [:]) async throws -> HTTPResult {
        try await offload {
            let s = try RawSocket(port: port)
            var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
            if let token { head += "Authorization: Bearer \(token)\r\n" }
            if let body {
                if let contentType { head += "Content-Type: \(contentType)\r\n" }
                head += "Content-Length: \(body.count)\r\n"
            }
            for (k, v) in extraHeaders { head += "\(k): \(v)\r\n" }
            head += "\r\n"
            try s.send(Array(head.utf8) + (body ?? []))
            let (status, headers) = try s.readHead()
            var data = [UInt8]()
            if headers["transfer-encoding"]?.lowercased() == "chunked" {
                while let chunk = try s.readChunk() { data += chunk }
            } else if let length = headers["content-length"].flatMap(Int.init) {
                data = try s.read(count: length)
            } else {
                data = s.readToEnd()
            }
            return HTTPResult(status: status, headers: headers, body: Data(data))
        }
    }

    static func request(port: Int, _ method: String, _ path: String, token: String? = nil, json: String) async throws -> HTTPResult {
        try await request(port: port, method, path, token: token, body: Array(json.utf8))
    }

    /// Opens an event stream and returns the first `count` messages (comments skipped).
    static func events(port: Int, path: String, token: String?, lastEventID: Int64? = nil, count: Int) async throws -> (Int, [SSEMessage]) {
        try await offload {
            let s = try RawSocket(port: port, timeoutSeconds: 10)
            var head = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
            if let token { head += "Authorization: Bearer \(token)\r\n" }
            if let lastEventID { head += "Last-Event-ID: \(lastEventID)\r\n" }
            try s.send(Array((head + "\r\n").utf8))
            let (status, headers) = try s.readHead()
            guard status == 200, headers["transfer-encoding"]?.lowercased() == "chunked" else { return (status, []) }
            var text = ""
            var messages: [SSEMessage] = []
            while messages.count < count, let chunk = try s.readChunk() {
                text += String(decoding: chunk, as: UTF8.self)
                while let end = text.range(of: "\n\n") {
                    let block = text[..<end.lowerBound]
                    text = String(text[end.upperBound...])
                    var m = SSEMessage(id: nil, event: nil, data: "")
                    var isMessage = false
                    for line in block.split(separator: "\n") {
                        if line.hasPrefix("id: ") { m.id = Int64(line.dropFirst(4)); isMessage = true }
                        if line.hasPrefix("event: ") { m.event = String(line.dropFirst(7)) }
                        if line.hasPrefix("data: ") { m.data = String(line.dropFirst(6)) }
                    }
                    if isMessage { messages.append(m) }
                }
            }
            return (status, messages)
        }
    }
}
