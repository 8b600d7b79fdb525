import AsyncHTTPClient
import HallRuntime

extension HTTPClient {
    /// The client for everything the hall sends upstream (district, 好差评 platform, webhook). AsyncHTTPClient's
    /// own retry of a connection that cannot be made is off: it would hold a request in its pool for up to the
    /// whole timeout while it backs off on its own (the district's first batch came 6–7 s after it was back), and
    /// our senders already wait between attempts on their own schedule, with jitter.
    public static let upstream: HTTPClient = {
        var config = HTTPClient.Configuration()
        config.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    }()
}
