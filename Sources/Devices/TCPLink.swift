import Dispatch
import Foundation

/// A raw TCP connection (network receipt printers on port 9100), with a connect timeout and keep-alive
/// so a printer that vanishes is noticed.
public struct TCPLink: ByteLink {
    public let host: String
    public let port: Int
    public let connectTimeoutSeconds: Double

    public init(host: String, port: Int = 9100, connectTimeoutSeconds: Double = 3) {
        self.host = host
        self.port = port
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }

    public var address: String { "tcp \(host):\(port)" }

    public func open() async throws -> any ByteConnection {
        let host = host, port = port, timeout = connectTimeoutSeconds
        // connect(2) and poll(2) block: keep them off the Swift concurrency pool.
        let fd: Int32 = try await withCheckedThrowingContinuation { c in
            DispatchQueue.global().async {
                c.resume(with: Result { try Self.connect(host: host, port: port, timeout: timeout) })
            }
        }
        return FDConnection(fd: fd)
    }

    static func connect(host: String, port: Int, timeout: Double) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &result)
        guard rc == 0, let first = result else {
            throw LinkError.connect(host: "\(host):\(port)", reason: String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(result) }
        var lastError = "no address"
        var info: UnsafeMutablePointer<addrinfo>? = first
        while let ai = info {
            info = ai.pointee.ai_next
            let fd = socket(ai.pointee.ai_family, ai.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
                            ai.pointee.ai_protocol)
            if fd < 0 { continue }
            if Glibc.connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) != 0 && errno != EINPROGRESS {
                lastError = String(cString: strerror(errno))
                Glibc.close(fd)
                continue
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&pfd, 1, Int32(timeout * 1000))
            var soError: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &len)
            if ready <= 0 || soError != 0 {
                lastError = ready == 0 ? "timed out after \(timeout) s" : String(cString: strerror(soError != 0 ? soError : errno))
                Glibc.close(fd)
                continue
            }
            var on: Int32 = 1, idle: Int32 = 10, interval: Int32 = 5, count: Int32 = 3
            setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, socklen_t(MemoryLayout<Int32>.size))
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPIDLE, &idle, socklen_t(MemoryLayout<Int32>.size))
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPINTVL, &interval, socklen_t(MemoryLayout<Int32>.size))
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPCNT, &count, socklen_t(MemoryLayout<Int32>.size))
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            return fd
        }
        throw LinkError.connect(host: "\(host):\(port)", reason: lastError)
    }
}
