import Devices
import Foundation
import HallConfig
import HallModel
import Testing

@Suite struct ProfileTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("profiles").path

    @Test func everyShippedProfileLoads() throws {
        let (library, issues) = ProfileLibrary.load(directory: Self.dir)
        #expect(issues.isEmpty, "\(issues)")
        #expect(Set(library.profiles.keys) == ["evdev-4key-f9-f12", "evdev-5key-f8-f12", "evdev-digits-1-5", "hid-report2-byte1", "modbus-rtu-evaluator"])
        let four = try #require(library.profiles["evdev-4key-f9-f12"])
        // A four-key device can never produce 非常不满意.
        #expect(four.levels == [.verySatisfied, .satisfied, .basicallySatisfied, .dissatisfied])
        #expect(four.keys[67] == .verySatisfied && four.keys[88] == .dissatisfied)
        let five = try #require(library.profiles["evdev-5key-f8-f12"])
        #expect(five.levels == Set(RatingLevel.allCases) && five.keys[66] == .verySatisfied && five.keys[88] == .veryDissatisfied)
        let hid = try #require(library.profiles["hid-report2-byte1"])
        #expect(hid.reportID == 2 && hid.keyOffset == 0 && hid.values[5] == .verySatisfied)
        let modbus = try #require(library.profiles["modbus-rtu-evaluator"])
        #expect(modbus.promptRegister == 0x10 && modbus.nameRegister == 0x20 && modbus.nameRegisters == 16 && modbus.values[1] == .veryDissatisfied)
        // No fixed reply timeout: the line's speed decides it, plus the keypad's turn-around.
        #expect(modbus.timeoutMilliseconds == nil && modbus.turnaroundMilliseconds == 50)
        #expect(library.printers["printer-80-asb"] == PrinterProfile(id: "printer-80-asb", name: "80 mm ESC/POS printer with automatic status back",
                                                                      columns: 48, partialCut: true, chineseMode: true, statusBack: true))
        #expect(library.printers["printer-58"]?.columns == 32 && library.printers["printer-58"]?.partialCut == false)
    }

    @Test func badPrinterProfilesSayWhy() {
        guard case .failure(let f) = ProfileLibrary.parsePrinter("[profile]\nid = \"p\"\nkind = \"printer\"\npaper_mm = 76\ncut = \"half\"\nstatus_back = 1\ncolour = true\n") else {
            Issue.record("a bad printer profile was accepted")
            return
        }
        #expect(Set(f.issues.map(\.path)) == ["profile.paper_mm", "profile.cut", "profile.status_back", "profile.colour"])
    }

    @Test func badProfilesSayWhy() {
        guard case .failure(let f) = ProfileLibrary.parse("[profile]\nid = \"x\"\nkind = \"evdev\"\n[keys]\nKEY_NOPE = 5\nKEY_F1 = 9\n") else {
            Issue.record("a bad profile loaded")
            return
        }
        #expect(Set(f.issues.map(\.path)) == ["keys.KEY_NOPE", "keys.KEY_F1", "profile"])
        guard case .failure(let m) = ProfileLibrary.parse("[profile]\nid = \"m\"\nkind = \"modbus\"\ntimeout_ms = 0\nturnaround_ms = 9000\n[values]\n1 = 1\n") else {
            Issue.record("a Modbus profile with a zero timeout loaded")
            return
        }
        #expect(Set(m.issues.map(\.path)) == ["profile.timeout_ms", "profile.turnaround_ms"])
        // The idle poll may not be faster than the poll while a rating is awaited.
        guard case .failure(let p) = ProfileLibrary.parse("[profile]\nid = \"m\"\nkind = \"modbus\"\npoll_interval_ms = 100\nidle_poll_interval_ms = 20\n[values]\n1 = 1\n") else {
            Issue.record("a Modbus profile polling faster when idle loaded")
            return
        }
        #expect(p.issues.map(\.path) == ["profile.idle_poll_interval_ms"])
        #expect(p.issues.first?.message.contains("from poll_interval_ms (100) to 60000") == true, "\(p.issues)")
        guard case .success(let ok) = ProfileLibrary.parse("[profile]\nid = \"m\"\nkind = \"modbus\"\n[values]\n1 = 1\n") else {
            Issue.record("a plain Modbus profile did not load")
            return
        }
        #expect(ok.pollIntervalMilliseconds == 50 && ok.idlePollIntervalMilliseconds == 3000)
    }
}
