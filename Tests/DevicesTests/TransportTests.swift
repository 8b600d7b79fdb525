import Foundation
import TestSupport
import Testing
@testable import Devices

@Suite struct SerialLinkTests {
    @Test func rawBytesBothWaysOnARealPTY() async throws {
        let pty = try PTY()
        let c = try await SerialLink(path: pty.path, settings: SerialSettings(baud: 9600)).open()
        pty.releaseSlave()
        // Every byte value, including XON/XOFF, CR, LF and ^C, arrives untouched.
        let all = (0...255).map(UInt8.init)
        pty.write(all)
        #expect(try await collect(c.inbound, count: 256) == all)
        try await c.write([0xFF, 0x68, 0x02, 0x02, 0x68, 0x01, 0x03, 0x04, 0x16, 0x0D, 0x0A, 0x11, 0x13])
        #expect(try await offload { pty.read(count: 13) } == [0xFF, 0x68, 0x02, 0x02, 0x68, 0x01, 0x03, 0x04, 0x16, 0x0D, 0x0A, 0x11, 0x13])
        c.close()
    }

    @Test(arguments: SerialSettings.supportedBauds)
    func everySupportedSpeedConfigures(_ baud: Int) async throws {
        let pty = try PTY()
        let c = try await SerialLink(path: pty.path, settings: SerialSettings(baud: baud)).open()
        c.close()
    }

    @Test func parityOnAPseudoTerminalFallsBackTo8N1() async throws {
        let pty = try PTY()
        let c = try await SerialLink(path: pty.path, settings: SerialSettings(baud: 9600, parity: .even)).open()
        pty.write([1, 2, 3])
        #expect(try await collect(c.inbound, count: 3) == [1, 2, 3])
        c.close()
    }

    @Test func unsupportedSpeedIsAClearError() async throws {
        let pty = try PTY()
        await #expect(throws: LinkError.self) { try await SerialLink(path: pty.path, settings: SerialSettings(baud: 12345)).open() }
    }

    @Test func missingNodeNamesThePath() async throws {
        do {
            _ = try await SerialLink(path: "/dev/ttyNOPE42").open()
            Issue.record("opened a missing node")
        } catch let e as LinkError {
            #expect("\(e)".contains("/dev/ttyNOPE42") && "\(e)".contains("No such file"))
        }
    }

    @Test func deviceGoingAwayEndsTheStreamWithAnError() async throws {
        let pty = try PTY()
        let c = try await SerialLink(path: pty.path).open()
        pty.releaseSlave()
        pty.write([9])
        _ = try await collect(c.inbound, count: 1)
        pty.closeMaster()
        await #expect(throws: LinkError.self) {
            for try await _ in c.inbound {}
        }
    }

    @Test func holdersOfAPortAreFound() async throws {
        // This process holds the pty master; another process holds a file we open in it.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("holder-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        defer { try? FileManager.default.removeItem(atPath: path) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "exec sleep 5 3<\"$0\"", path]
        try p.run()
        defer { p.terminate() }
        // The shell opens the file before it execs sleep: wait for the holder to be sleep itself.
        _ = await eventually(2) { PortHolders.find(path: path).first?.command == "sleep" }
        let holders = PortHolders.find(path: path)
        #expect(holders.map(\.pid) == [p.processIdentifier])
        #expect(holders.first?.command == "sleep")
        #expect(PortHolder(pid: 1, command: "brltty").fix?.contains("brltty") == true)
        #expect(PortHolder(pid: 1, command: "ModemManager").fix?.contains("ID_MM_DEVICE_IGNORE") == true)
    }
}

@Suite struct ReplayTests {
    static let text = """
        # counterd-recording 1
        # baud=9600 path=/dev/ttyUSB0 transport=serial vid_pid=1a86:7523
        0.000000 R ff68030368010c0d16
        0.010000 W ff68030368010c0d16
        0.020000 R 0102
        """

    @Test func parsesAndRoundTrips() throws {
        let r = try SessionRecording(text: Self.text)
        #expect(r.header["vid_pid"] == "1a86:7523" && r.records.count == 3)
        #expect(r.records[1].direction == .write && r.records[1].bytes == [0xFF, 0x68, 0x03, 0x03, 0x68, 0x01, 0x0C, 0x0D, 0x16])
        #expect(try SessionRecording(text: r.text) == r)
        #expect(throws: LinkError.self) { try SessionRecording(text: "hello") }
        #expect(throws: LinkError.self) { try SessionRecording(text: SessionRecording.magic + "\n0.1 R zz\n") }
    }

    @Test func playsReadsAndChecksWrites() async throws {
        let c = ReplayConnection(recording: try SessionRecording(text: Self.text), speed: 10)
        var it = c.inbound.makeAsyncIterator()
        #expect(try await it.next() == [0xFF, 0x68, 0x03, 0x03, 0x68, 0x01, 0x0C, 0x0D, 0x16])
        try await c.write([0xFF, 0x68, 0x03, 0x03, 0x68, 0x01, 0x0C, 0x0D, 0x16])
        #expect(try await it.next() == [0x01, 0x02])
        await #expect(throws: LinkError.self) { _ = try await it.next() }
    }

    @Test func anUnexpectedWriteFails() async throws {
        let c = ReplayConnection(recording: try SessionRecording(text: Self.text), speed: 10)
        var it = c.inbound.makeAsyncIterator()
        _ = try await it.next()
        do {
            try await c.write([0x00])
            Issue.record("an unexpected write was accepted")
        } catch let e as LinkError {
            #expect(e == .unexpectedWrite(expected: "ff68030368010c0d16", got: "00"))
        }
    }
}
