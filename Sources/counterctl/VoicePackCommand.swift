import ArgumentParser
import Devices
import Foundation
import HallConfig
import HallRuntime

struct VoicePackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "voice-pack",
        abstract: "Generate the voice pack (digits, letters and the words of the voice template) with espeak-ng.",
        discussion: """
            Writes one WAV clip per name into DIR (0.wav … 9.wav, A.wav … Z.wav, 十.wav, 请.wav, 号窗口.wav …).
            Recorded clips with the same names can replace any of them. Needs espeak-ng (Debian package
            espeak-ng) with its Mandarin voice "cmn".
            """)

    @Argument(help: "Directory for the clips.")
    var directory: String

    @Option(help: "Voice template whose words get clips (default: the [display] voice of --config, else the built-in one).")
    var template: String?

    @Option(name: .shortAndLong, help: "Config file to take the voice template from.")
    var config: String?

    @Option(help: "espeak-ng voice.")
    var voice: String = "cmn"

    @Option(help: "Speaking rate, words per minute.")
    var speed: Int = 150

    func run() async throws {
        let text = template ?? config.flatMap { try? CounterdConfig.load(path: $0).display.voice } ?? DisplayTemplatesDefault.voice
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let clips = VoiceScript.clips(for: text)
        var failed = 0
        for clip in clips {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["espeak-ng", "-v", voice, "-s", String(speed), "-w", directory + "/" + clip.name + ".wav", clip.text]
            p.standardError = FileHandle.nullDevice
            do { try p.run() } catch {
                FileHandle.standardError.write(Data("cannot run espeak-ng: \(error)\n".utf8))
                throw ExitCode(1)
            }
            p.waitUntilExit()
            if p.terminationStatus != 0 { failed += 1 }
        }
        if failed > 0 {
            FileHandle.standardError.write(Data("espeak-ng failed on \(failed) of \(clips.count) clips (is espeak-ng installed?)\n".utf8))
            throw ExitCode(1)
        }
        print("\(clips.count) clips in \(directory)")
    }
}

enum DisplayTemplatesDefault {
    static let voice = DisplayTemplates().voice
}
