import Foundation
import HTTPTypes
import HallModel
import Hummingbird
import Logging
import NIOCore
import Store

/// Server-sent events of every committed hall event: `id: seq`, `event: kind`, `data: JSON`.
///
/// A client that reconnects with `Last-Event-ID` (or `?after=SEQ`) first gets what it missed from the
/// log, then the live stream, with no gap and no repeat. A comment line every 15 s keeps proxies open.
enum EventStream {
    private enum Item: Sendable {
        case event(StoredEvent)
        case heartbeat
        case end
    }

    static func response(deps: WebDependencies, request: Request, logger: Logger) throws -> Response {
        let afterText = request.headers[HTTPField.Name("Last-Event-ID")!] ?? request.uri.queryParameters.get("after")
        var resumeAfter: Int64? = nil
        if let afterText {
            guard let a = Int64(afterText), a >= 0 else {
                throw APIError.badRequest("invalid_last_event_id", zh: "Last-Event-ID 无效", en: "Last-Event-ID must be a sequence number")
            }
            resumeAfter = a
        }
        let after = resumeAfter
        // Subscribe before reading the log so nothing committed in between is missed.
        let live = deps.hall.hub.subscribe()
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        let store = deps.hall.store
        let body = ResponseBody { writer in
            let (items, feed) = AsyncStream<Item>.makeStream(bufferingPolicy: .unbounded)
            let forward = Task {
                for await e in live { feed.yield(.event(e)) }
                feed.yield(.end)
            }
            let beat = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(15))
                    feed.yield(.heartbeat)
                }
            }
            defer {
                forward.cancel()
                beat.cancel()
                feed.finish()
            }
            try await writer.write(ByteBuffer(string: "retry: 2000\n: counterd event stream\n\n"))
            var last = after ?? Int64.max
            if let after {
                var cursor = after
                while true {
                    let missed = try store.events(after: cursor, limit: 1000)
                    guard let tail = missed.last else { break }
                    for e in missed { try await writer.write(frame(e)) }
                    cursor = tail.seq
                }
                last = cursor
            }
            for await item in items {
                switch item {
                case .event(let e):
                    if last != Int64.max && e.seq <= last { continue }
                    try await writer.write(frame(e))
                    last = e.seq
                case .heartbeat:
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                case .end:
                    // Cut off for being slow, or the service is stopping: the client reconnects and replays.
                    logger.notice("event stream ended by server")
                    try await writer.finish(nil)
                    return
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    static func frame(_ e: StoredEvent) throws -> ByteBuffer {
        let data = try JSON.encoder.encode(EventView(stored: e))
        var buffer = ByteBuffer(string: "id: \(e.seq)\nevent: \(e.event.kind.rawValue)\ndata: ")
        buffer.writeBytes(data)
        buffer.writeString("\n\n")
        return buffer
    }
}
