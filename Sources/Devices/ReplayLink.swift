import Foundation
import Synchronization

/// Plays a recorded session back as a device: reads arrive at their recorded times (scaled by `speed`),
/// and every write must be the next write the recording expects, byte for byte, or the connection fails
/// (like periph.io's Playback).
public struct ReplayLink: ByteLink {
    public let path: String
    public let speed: Double

    public init(path: String, speed: Double = 1) {
        self.path = path
        self.speed = speed
    }

    public var address: String { "replay \(path)" }

    public func open() async throws -> any ByteConnection {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LinkError.recording("cannot read \(path): \(error.localizedDescription)")
        }
        return ReplayConnection(recording: try SessionRecording(text: text), speed: speed)
    }
}

public final class ReplayConnection: ByteConnection {
    public let inbound: AsyncThrowingStream<[UInt8], any Error>
    private let continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation
    private struct State {
        var index = 0
        var failed: LinkError?
    }
    private let state = Mutex(State())
    private let records: [SessionRecording.Record]
    private let player: Mutex<Task<Void, Never>?> = Mutex(nil)
    private let written = AsyncStream<Void>.makeStream()

    public init(recording: SessionRecording, speed: Double = 1) {
        records = recording.records
        (inbound, continuation) = AsyncThrowingStream.makeStream()
        let task = Task { [weak self] in
            guard let self else { return }
            await self.play(speed: speed)
        }
        player.withLock { $0 = task }
    }

    /// Emits reads in order; before a read that follows a write, waits for that write.
    private func play(speed: Double) async {
        var last = 0.0
        var writes = written.stream.makeAsyncIterator()
        while true {
            let next: SessionRecording.Record? = state.withLock { s in s.index < records.count ? records[s.index] : nil }
            guard let r = next else {
                continuation.finish(throwing: LinkError.endOfFile)
                return
            }
            if r.direction == .write {
                // Wait for the driver to write it (`write` advances the index).
                _ = await writes.next()
                if state.withLock({ $0.failed }) != nil { return }
                continue
            }
            let delay = max(0, r.time - last) / max(speed, 0.001)
            last = r.time
            if delay > 0 { try? await Task.sleep(for: .milliseconds(Int(delay * 1000))) }
            if Task.isCancelled { return }
            state.withLock { $0.index += 1 }
            continuation.yield(r.bytes)
        }
    }

    public func write(_ bytes: [UInt8]) async throws {
        let result: LinkError? = state.withLock { s in
            if let f = s.failed { return f }
            guard s.index < records.count, records[s.index].direction == .write else {
                let f = LinkError.unexpectedWrite(expected: s.index < records.count ? "a read first" : "nothing (end of recording)",
                                                  got: SessionRecording.hex(bytes))
                s.failed = f
                return f
            }
            let expected = records[s.index].bytes
            guard expected == bytes else {
                let f = LinkError.unexpectedWrite(expected: SessionRecording.hex(expected), got: SessionRecording.hex(bytes))
                s.failed = f
                return f
            }
            s.index += 1
            return nil
        }
        written.continuation.yield()
        if let result {
            continuation.finish(throwing: result)
            throw result
        }
    }

    public func close() {
        player.withLock { $0?.cancel() }
        continuation.finish()
        written.continuation.finish()
    }
}
