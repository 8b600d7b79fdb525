import Hummingbird
import Logging
import NIOCore

/// Builds the HTTP application. `onRunning` receives the bound port (useful with port 0 in tests).
public func makeWebApplication(_ deps: WebDependencies, host: String, port: Int, logger: Logger,
                               onRunning: @escaping @Sendable (Int) async -> Void = { _ in })
    -> some ApplicationProtocol {
    Application(
        router: makeRouter(deps),
        configuration: .init(address: .hostname(host, port: port), serverName: "counterd"),
        onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
        logger: logger)
}
