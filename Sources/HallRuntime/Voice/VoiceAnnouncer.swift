import Codecs
import Devices
import Foundation
import HallConfig
import HallModel
import Logging
import Metrics
import ServiceLifecycle

/// Speaks every committed call and recall — "请A012号到3号窗口办理" — from a pack of short clips joined
/// per call, one announcement at a time, in the order the calls were committed. Playback runs the
/// configured player (aplay by default) on the configured ALSA device; a player that fails (no sound
/// card) turns the voice's health to backoff and logs a warning, and the next call is still announced.
public struct VoiceAnnouncer: Service {
    let settings: VoiceSettings
    let templates: @Sendable () -> DisplayTemplates
    let hub: EventHub
    let workDirectory: String
    let board: HealthBoard?
    let logger: Logger
    /// Subscribed when made, so no call committed after that is missed.
    let events: AsyncStream<StoredEvent>

    public static let healthID = "voice"
    /// An announcement not started within this time after its call is dropped.
    public static let maxDelay: Duration = .seconds(60)

    public init(settings: VoiceSettings, hub: EventHub, workDirectory: String, board: HealthBoard?,
                logger: Logger = Logger(label: "counterd.voice"), templates: @escaping @Sendable () -> DisplayTemplates) {
        self.settings = settings
        self.hub = hub
        self.workDirectory = workDirectory
        self.board = board
        self.logger = logger
        self.templates = templates
        self.events = hub.subscribe()
    }

    /// The pack's clips, by name (file name without .wav).
    public static func loadPack(_ directory: String) -> [String: WAVAudio] {
        var clips: [String: WAVAudio] = [:]
        for file in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where file.hasSuffix(".wav") {
            guard let data = FileManager.default.contents(atPath: directory + "/" + file), let audio = try? WAVAudio.parse(Array(data)) else { continue }
            clips[String(file.dropLast(4))] = audio
        }
        return clips
    }

    /// The announcement for one call, as one WAV.
    public static func render(template: String, ticket: String, window: Int, pack: [String: WAVAudio], gap: Double) throws -> (WAVAudio, [String]) {
        let (names, missing) = VoiceScript.utterance(template: template, ticket: ticket, window: window, available: Set(pack.keys))
        return (try WAVAudio.join(names.compactMap { pack[$0] }, gap: gap), missing)
    }

    public func run() async {
        let pack = Self.loadPack(settings.pack)
        if pack.isEmpty {
            logger.warning("voice pack is empty or missing; calls are not spoken", metadata: ["pack": "\(settings.pack)"])
        }
        board?.register(DeviceHealth(id: Self.healthID, role: "speaker", transport: "alsa", address: settings.device, now: Date()))
        board?.setState(Self.healthID, pack.isEmpty ? .absent : .connected)
        try? FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true)
        let (queue, feed) = AsyncStream<(seq: Int64, file: String, text: String, at: ContinuousClock.Instant)>.makeStream(bufferingPolicy: .unbounded)
        let events = self.events
        let settings = self.settings, templates = self.templates, logger = self.logger, board = self.board, dir = workDirectory
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                // Renders each committed call at once; playback follows in order.
                group.addTask {
                    for await stored in events where [.ticketCalled, .ticketRecalled, .ticketCalledBack].contains(stored.event.kind) {
                        guard !pack.isEmpty, let number = stored.event.number, let window = stored.event.window else { continue }
                        let template = templates().voice
                        do {
                            let (audio, missing) = try Self.render(template: template, ticket: number, window: window, pack: pack,
                                                                   gap: Double(settings.gapMilliseconds) / 1000)
                            if !missing.isEmpty { logger.notice("no voice clip for some text", metadata: ["missing": "\(missing.joined())"]) }
                            let file = dir + "/announce-\(stored.seq).wav"
                            try Data(audio.bytes).write(to: URL(fileURLWithPath: file))
                            let text = DisplayTemplates.render(template, ["ticket": number, "window": String(window)])
                            feed.yield((stored.seq, file, text, ContinuousClock.now))
                        } catch {
                            logger.error("cannot build the announcement", metadata: ["ticket": "\(number)", "error": "\(error)"])
                        }
                    }
                    feed.finish()
                }
                group.addTask {
                    var failing = false
                    for await job in queue {
                        // A call spoken minutes late misleads: when playback falls that far behind, skip it.
                        if ContinuousClock.now - job.at > Self.maxDelay {
                            try? FileManager.default.removeItem(atPath: job.file)
                            logger.warning("announcement skipped: too late", metadata: ["text": "\(job.text)", "seq": "\(job.seq)"])
                            Counter(label: "counterd_voice_announcements_total", dimensions: [("result", "skipped")]).increment()
                            continue
                        }
                        let ok = await Self.play(job.file, settings: settings)
                        try? FileManager.default.removeItem(atPath: job.file)
                        Counter(label: "counterd_voice_announcements_total", dimensions: [("result", ok ? "played" : "failed")]).increment()
                        if ok {
                            logger.debug("announced", metadata: ["text": "\(job.text)", "seq": "\(job.seq)"])
                            if failing { logger.notice("sound device works again", metadata: ["device": "\(settings.device)"]) }
                            board?.setState(Self.healthID, .connected)
                        } else {
                            if !failing {
                                logger.warning("cannot play announcements; calls go on without voice", metadata: [
                                    "device": "\(settings.device)", "player": "\(settings.player.first ?? "-")"])
                            }
                            board?.setState(Self.healthID, .backoff, error: "player failed on \(settings.device)")
                        }
                        failing = !ok
                    }
                }
            }
        }
    }

    /// Runs the player to the end; false when it cannot start or fails.
    static func play(_ file: String, settings: VoiceSettings) async -> Bool {
        let words = settings.player.map { $0.replacingOccurrences(of: "{device}", with: settings.device).replacingOccurrences(of: "{file}", with: file) }
        guard let program = words.first else { return false }
        // A thread of its own waits for the player: the Process object stays alive until it has exited, and
        // the Swift concurrency pool is not blocked for the seconds an announcement takes.
        return await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            Thread.detachNewThread {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: program.hasPrefix("/") ? program : "/usr/bin/env")
                p.arguments = program.hasPrefix("/") ? Array(words.dropFirst()) : words
                p.standardOutput = FileHandle.nullDevice
                p.standardError = FileHandle.nullDevice
                do {
                    try p.run()
                    p.waitUntilExit()
                    c.resume(returning: p.terminationStatus == 0)
                } catch {
                    c.resume(returning: false)
                }
            }
        }
    }
}
