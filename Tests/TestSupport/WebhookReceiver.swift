import Foundation
import Synchronization

/// An HTTP server on 127.0.0.1 (or ::1) that answers 500 to the first `failures` requests, then 204.
public final class WebhookReceiver: @unchecked Sendable {
    public let port: Int
    private let fd: Int32
    final class Lines: Sendable {
        let value = Mutex<[String]>([])
        func withLock<T>(_ body: (inout [String]) -> T) -> T { value.withLock { body(&$0) } }
    }
    private let state = Lines()
    public var requests: [String] { state.withLock { $0 } }

    public init(failures: Int, ipv6: Bool = false) throws {
        let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        if ipv6 {
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_addr = in6addr_loopback
            let size = socklen_t(MemoryLayout<sockaddr_in6>.size)
            _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } }
            var len = size
            _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
            port = Int(UInt16(bigEndian: addr.sin6_port))
        } else {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let size = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } }
            var len = size
            _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
            port = Int(UInt16(bigEndian: addr.sin_port))
        }
        listen(fd, 8)
        let listener = fd, state = self.state
        Thread.detachNewThread {
            while true {
                let c = accept(listener, nil, nil)
                if c < 0 { return }
                var data = [UInt8]()
                var buffer = [UInt8](repeating: 0, count: 4096)
                // Read the head, then Content-Length bytes of body.
                while true {
                    let n = recv(c, &buffer, buffer.count, 0)
                    if n <= 0 { break }
                    data += buffer[0..<n]
                    let text = String(decoding: data, as: UTF8.self)
                    if let end = text.range(of: "\r\n\r\n") {
                        let length = text.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                        if text.utf8.distance(from: end.upperBound.samePosition(in: text.utf8)!, to: text.utf8.endIndex) >= length { break }
                    }
                }
                let count = state.withLock { s -> Int in
                    s.append(String(decoding: data, as: UTF8.self))
                    return s.count
                }
                let answer = count <= failures ? "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    : "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
                _ = answer.withCString { send(c, $0, strlen($0), 0) }
                close(c)
            }
        }
    }

    deinit { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
}
