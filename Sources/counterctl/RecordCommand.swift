import ArgumentParser
import Devices
import Foundation

struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record a device session (timestamped reads and writes) for a bug report or a test fixture.",
        discussion: "Stop counterd first, or point this at a device counterd does not hold: serial ports are opened exclusively.")

    @Argument(help: "Device node, e.g. /dev/ttyUSB0, /dev/hidraw1, /dev/input/event5, or host:port for TCP.") var device: String
    @Option(help: "Output file.") var out: String
    @Option(help: "serial, hidraw, evdev, usblp or tcp (default: from the node name).") var transport: String?
    @Option(help: "Serial speed.") var baud: Int = 9600
    @Option(help: "Serial parity: none, even, odd.") var parity: String = "none"
    @Option(help: "Stop after this many seconds.") var seconds: Double = 30
    @Option(help: "Hex bytes to send first (repeatable), recorded as writes.") var send: [String] = []

    func run() async throws {
        let kind = transport ?? (device.contains("hidraw") ? "hidraw" : device.contains("/input/") ? "evdev"
                                 : device.contains("/usb/lp") ? "usblp" : device.contains(":") && !device.hasPrefix("/") ? "tcp" : "serial")
        guard let parity = Parity(rawValue: parity) else { throw ValidationError("--parity must be none, even or odd") }
        let link: any ByteLink
        var header = ["transport": kind, "path": device]
        switch kind {
        case "serial":
            link = SerialLink(path: device, settings: SerialSettings(baud: baud, parity: parity))
            header["baud"] = String(baud)
            header["frame"] = parity.frameName
        case "hidraw": link = NodeLink(path: device, kind: .hidraw)
        case "evdev": link = NodeLink(path: device, kind: .evdev)
        case "usblp": link = NodeLink(path: device, kind: .usblp)
        case "tcp":
            let parts = device.split(separator: ":")
            link = TCPLink(host: String(parts[0]), port: Int(parts.last ?? "9100") ?? 9100)
        default: throw ValidationError("--transport must be serial, hidraw, evdev, usblp or tcp")
        }
        if let d = Udev()?.enumerate().first(where: { $0.devnode == device }), let v = d.vidPid { header["vid_pid"] = v }
        var recording = SessionRecording(header: header)
        let connection = try await link.open()
        let start = ContinuousClock.now
        func elapsed() -> Double {
            let (s, a) = (ContinuousClock.now - start).components
            return Double(s) + Double(a) / 1e18
        }
        for hex in send {
            guard let bytes = SessionRecordingHex.parse(hex) else { throw ValidationError("--send wants hex bytes, got \(hex)") }
            try await connection.write(bytes)
            recording.records.append(.init(time: elapsed(), direction: .write, bytes: bytes))
        }
        let limit = seconds
        let reader = Task { () -> [SessionRecording.Record] in
            var records: [SessionRecording.Record] = []
            do {
                for try await chunk in connection.inbound { records.append(.init(time: elapsed(), direction: .read, bytes: chunk)) }
            } catch {
                FileHandle.standardError.write(Data("device ended: \(error)\n".utf8))
            }
            return records
        }
        try? await Task.sleep(for: .milliseconds(Int(limit * 1000)))
        connection.close()
        recording.records += await reader.value
        try recording.text.write(toFile: out, atomically: true, encoding: .utf8)
        print("recorded \(recording.records.count) records to \(out)")
    }
}

enum SessionRecordingHex {
    static func parse(_ s: String) -> [UInt8]? {
        let clean = s.filter { !$0.isWhitespace }
        guard clean.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var i = clean.startIndex
        while i < clean.endIndex {
            let j = clean.index(i, offsetBy: 2)
            guard let b = UInt8(clean[i..<j], radix: 16) else { return nil }
            out.append(b)
            i = j
        }
        return out
    }
}
