import Codecs
import Devices
import Foundation
import HallConfig
import HallModel
import HallRuntime
import Store
import TestSupport
import Testing

/// Voice calling: the script of clips, a real espeak-ng pack joined into one WAV, and the announcer
/// playing every committed call in order. This machine has no sound card: the ordering test's player is a
/// script that records what it was asked to play, and the failure test runs the real aplay on a card
/// that does not exist.
@Suite struct VoiceTests {
    static let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    static let template = DisplayTemplates().voice

    @Test func numbersAndTheUtterance() {
        #expect(VoiceScript.number(3) == ["3"])
        #expect(VoiceScript.number(10) == ["十"])
        #expect(VoiceScript.number(12) == ["十", "2"])
        #expect(VoiceScript.number(20) == ["2", "十"])
        #expect(VoiceScript.number(35) == ["3", "十", "5"])
        #expect(VoiceScript.number(105) == ["1", "0", "5"])
        let names = Set(VoiceScript.clips(for: Self.template).map(\.name))
        let (clips, missing) = VoiceScript.utterance(template: Self.template, ticket: "A012", window: 3, available: names)
        #expect(clips == ["请", "A", "0", "1", "2", "号到", "3", "号窗口办理"])
        #expect(missing.isEmpty)
        // Text with no clip is reported, not spoken as garbage.
        let other = VoiceScript.utterance(template: "请{ticket}号到{window}号台", ticket: "B7", window: 12, available: names)
        #expect(other.clips == ["请", "B", "7", "号到", "十", "2", "号"] && other.missing == ["台"])
    }

    static func pack() async throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("voice-\(UUID().uuidString)").path
        let made = try await offload { () -> Int32 in
            let p = Process()
            p.executableURL = bin.appendingPathComponent("counterctl")
            p.arguments = ["voice-pack", dir]
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            return p.terminationStatus
        }
        try #require(made == 0, "counterctl voice-pack failed: is espeak-ng installed? (`make test` installs it)")
        return dir
    }

    @Test func anEspeakPackJoinsIntoOneAudibleAnnouncement() async throws {
        let dir = try await Self.pack()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pack = VoiceAnnouncer.loadPack(dir)
        #expect(pack.count == VoiceScript.clips(for: Self.template).count)
        let (audio, missing) = try VoiceAnnouncer.render(template: Self.template, ticket: "A012", window: 3, pack: pack, gap: 0.06)
        #expect(missing.isEmpty)
        // Eight clips of Mandarin speech: about two to six seconds, and not silence.
        #expect((1.5...8).contains(audio.seconds), "\(audio.seconds) s")
        #expect(audio.rms > 500, "rms \(audio.rms)")
        // Each clip alone is shorter than the whole, and the written file reads back the same.
        #expect(pack["请"].map { $0.seconds < audio.seconds } == true)
        #expect(try WAVAudio.parse(audio.bytes) == audio)
        let artifacts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/test-artifacts")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        try Data(audio.bytes).write(to: artifacts.appendingPathComponent("voice-A012-3.wav"))
    }

    @Test func everyCommittedCallIsAnnouncedOnceInOrderAndAFailingPlayerIsAWarning() async throws {
        let dir = try await Self.pack()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("announce-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(atPath: dir)
            try? FileManager.default.removeItem(at: work)
        }
        // Stand-in for aplay: records the file it was given and how long the audio is; takes 50 ms to "play".
        let log = work.appendingPathComponent("played.log").path
        let player = work.appendingPathComponent("player.sh").path
        try "#!/bin/sh\necho \"$1 $(stat -c %s \"$1\")\" >> \(log)\nsleep 0.05\n".write(toFile: player, atomically: true, encoding: .utf8)
        chmod(player, 0o755)
        let setup = HallSetup(name: "声音测试", categories: [ServiceCategory(code: "a", name: "甲", prefix: "A")],
                              windows: [ServiceWindow(number: 3, name: "3号窗口", categories: ["a"]), ServiceWindow(number: 12, name: "12号窗口", categories: ["a"])],
                              clerks: [Clerk(id: "c1", name: "张敏"), Clerk(id: "c2", name: "李娜")])
        let hall = try Hall(setup: setup, store: try EventStore(path: work.appendingPathComponent("v.sqlite").path), clock: SystemClock())
        let board = HealthBoard()
        let announcer = VoiceAnnouncer(settings: VoiceSettings(pack: dir, player: [player, "{file}"]), hub: hall.hub,
                                       workDirectory: work.appendingPathComponent("voice").path, board: board) { DisplayTemplates() }
        let running = Task { await announcer.run() }
        defer { running.cancel() }
        try await hall.execute(.signIn(window: 3, clerk: "c1"))
        try await hall.execute(.signIn(window: 12, clerk: "c2"))
        for _ in 0..<3 { try await hall.execute(.issueTicket(category: "a", priority: false)) }
        try await hall.execute(.callNext(window: 3))
        try await hall.execute(.callNext(window: 12))
        try await hall.execute(.recall(window: 3))
        // Refused: window 12 is serving. Nothing may be spoken for it.
        await #expect(throws: HallError.self) { try await hall.execute(.callNext(window: 12)) }
        // The barrier: a recall at window 12, committed after the refusal, is spoken after anything the refusal
        // could have caused (announcements follow commit order). Once it is played, the log is complete.
        try await hall.execute(.recall(window: 12))
        let played = await eventually(10) { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count >= 4 }
        #expect(played)
        let lines = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(lines.count == 4, "\(lines)")
        let seqs = lines.compactMap { $0.split(separator: "announce-").last?.split(separator: ".").first.flatMap { Int($0) } }
        #expect(seqs == seqs.sorted() && Set(seqs).count == 4, "not in commit order: \(seqs)")
        // A recall repeats its call word for word; the call at window 12 is a different utterance from window 3's.
        let sizes = lines.compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }
        #expect(sizes.count == 4 && sizes[0] == sizes[2] && sizes[1] == sizes[3] && sizes[1] != sizes[0], "\(sizes)")
        #expect(board.get(VoiceAnnouncer.healthID)?.state == .connected)
    }

    @Test func aMissingSoundDeviceIsAHealthWarningNotAFailedCall() async throws {
        let dir = try await Self.pack()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("nosound-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(atPath: dir)
            try? FileManager.default.removeItem(at: work)
        }
        let setup = HallSetup(name: "无声", categories: [ServiceCategory(code: "a", name: "甲", prefix: "A")],
                              windows: [ServiceWindow(number: 1, name: "1", categories: ["a"])], clerks: [Clerk(id: "c1", name: "张敏")])
        let hall = try Hall(setup: setup, store: try EventStore(path: work.appendingPathComponent("v.sqlite").path), clock: SystemClock())
        let board = HealthBoard()
        // aplay on a device that does not exist, as on a PC without a sound card.
        let announcer = VoiceAnnouncer(settings: VoiceSettings(device: "hw:CARD=NoSuchCard", pack: dir), hub: hall.hub,
                                       workDirectory: work.appendingPathComponent("voice").path, board: board) { DisplayTemplates() }
        let running = Task { await announcer.run() }
        defer { running.cancel() }
        try await hall.execute(.signIn(window: 1, clerk: "c1"))
        try await hall.execute(.issueTicket(category: "a", priority: false))
        try await hall.execute(.callNext(window: 1))
        #expect(await eventually(10) { board.get(VoiceAnnouncer.healthID)?.state == .backoff })
        #expect(board.get(VoiceAnnouncer.healthID)?.lastError?.contains("NoSuchCard") == true)
        // The call itself stands.
        #expect(await hall.state.windows[1]?.serving?.ticket.number == "A001")
    }
}
