import Foundation
import Synchronization
import HTTPTypes
import HallModel
import Hummingbird
import Logging
import Metrics
import NIOCore
import Store

/// Server-sent events of every committed hall event: `id: seq`, `event: kind`, `data: JSON`.
///
/// A client that reconnects with `Last-Event-ID` (or `?after=SEQ`) first gets what it missed from the
/// log, then the live stream, with no gap and no repeat. A comment line every 15 s keeps proxies open.
///
/// Each client has a bounded queue (`queueLimit` events). A client that falls that far behind — a TV page on
/// a bad link that stops reading — is cut off: nothing more is queued for it, its stream ends once it
/// reads what was queued, and it reconnects with `Last-Event-ID`. The daemon's memory never grows with it.
enum EventStream {
    private enum Item: Sendable {
        case event(StoredEvent)
        case heartbeat
    }

    static let queueLimit = 1024

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
        let frames = deps.eventFrames
        let body = ResponseBody { writer in
            let (items, feed) = AsyncStream<Item>.makeStream(bufferingPolicy: .bufferingOldest(queueLimit))
            let forward = Task {
                // Ends when the client is too slow (its queue is full) or the hub ends (the service stops).
                for await e in live {
                    if case .dropped = feed.yield(.event(e)) {
                        Counter(label: "counterd_event_stream_cutoffs_total").increment()
                        logger.notice("event stream client too slow: cut off, it will reconnect and resume",
                                      metadata: ["seq": "\(e.seq)", "queued": "\(queueLimit)"])
                        break
                    }
                }
                feed.finish()
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
                    try await writer.write(frames.frame(e))
                    last = e.seq
                case .heartbeat:
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                }
            }
            // Cut off for being slow, or the service is stopping: the client reconnects and replays.
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// Each live event's frame, encoded once for every client of this hall (1 000 TV pages and screens
    /// would otherwise encode the same JSON 1 000 times). ByteBuffers are shared copy-on-write.
    final class Frames: Sendable {
        private let cache = Mutex<(frames: [Int64: ByteBuffer], order: [Int64])>(([:], []))
        static let kept = 512

        func frame(_ e: StoredEvent) throws -> ByteBuffer {
            if let hit = cache.withLock({ $0.frames[e.seq] }) { return hit }
            let made = try EventStream.frame(e)
            cache.withLock { c in
                guard c.frames[e.seq] == nil else { return }
                c.frames[e.seq] = made
                c.order.append(e.seq)
                if c.order.count > Self.kept {
                    let drop = c.order.count - Self.kept / 2
                    for seq in c.order.prefix(drop) { c.frames.removeValue(forKey: seq) }
                    c.order.removeFirst(drop)
                }
            }
            return made
        }
    }

    static func frame(_ e: StoredEvent) throws -> ByteBuffer {
        let data = try JSON.encoder.encode(EventView(stored: e))
        var buffer = ByteBuffer(string: "id: \(e.seq)\nevent: \(e.event.kind.rawValue)\ndata: ")
        buffer.writeBytes(data)
        buffer.writeString("\n\n")
        return buffer
    }
}
