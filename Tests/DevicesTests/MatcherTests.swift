import Codecs
import Foundation
import Testing
@testable import Devices

@Suite struct MatcherTests {
    static func tty(_ node: String, idPath: String, vidPid: String = "1a86:7523", serial: String? = nil,
                    role: String? = nil, window: Int? = nil) -> UdevDevice {
        let parts = vidPid.split(separator: ":")
        var p = ["ID_VENDOR_ID": String(parts[0]), "ID_MODEL_ID": String(parts[1]), "ID_PATH": idPath, "DEVNAME": node]
        if let serial { p["ID_SERIAL_SHORT"] = serial }
        if let role { p["COUNTERD_ROLE"] = role }
        if let window { p["COUNTERD_WINDOW"] = String(window) }
        return UdevDevice(syspath: "/sys/x/\(node)", subsystem: "tty", devnode: node, properties: p)
    }

    @Test func identicalKeypadsAreToldApartByPort() {
        let b1 = DeviceBinding(id: "eval-1", role: .evaluator, window: 1, transport: .serial, match: DeviceMatch(idPath: "usb-0:1.1:1.0"))
        let b2 = DeviceBinding(id: "eval-2", role: .evaluator, window: 2, transport: .serial, match: DeviceMatch(idPath: "usb-0:1.2:1.0"))
        let m = DeviceMatcher(bindings: [b1, b2])
        #expect(m.match(Self.tty("/dev/ttyUSB0", idPath: "usb-0:1.2:1.0")) == .bound(b2))
        #expect(m.match(Self.tty("/dev/ttyUSB1", idPath: "usb-0:1.1:1.0")) == .bound(b1))
        #expect(m.match(Self.tty("/dev/ttyUSB2", idPath: "usb-0:3:1.0")) == .none)
        // The right subsystem only.
        var hid = Self.tty("/dev/hidraw0", idPath: "usb-0:1.1:1.0")
        hid.subsystem = "hidraw"
        #expect(m.match(hid) == .none)
        #expect(DeviceMatcher.staticConflicts([b1, b2]).isEmpty)
    }

    @Test func udevRoleSerialAndPathCriteria() {
        let byRole = DeviceBinding(id: "c3", role: .caller, window: 3, transport: .serial, match: DeviceMatch(udevRole: true))
        let bySerial = DeviceBinding(id: "e4", role: .evaluator, window: 4, transport: .serial, match: DeviceMatch(serial: "A5"))
        let byPath = DeviceBinding(id: "d1", role: .windowDisplay, window: 1, transport: .serial, match: DeviceMatch(path: "/dev/ttyS0"))
        let m = DeviceMatcher(bindings: [byRole, bySerial, byPath])
        #expect(m.match(Self.tty("/dev/ttyUSB0", idPath: "p", role: "caller", window: 3)) == .bound(byRole))
        #expect(m.match(Self.tty("/dev/ttyUSB0", idPath: "p", role: "caller", window: 4)) == .none)
        #expect(m.match(Self.tty("/dev/ttyUSB1", idPath: "q", serial: "A5")) == .bound(bySerial))
        #expect(m.match(Self.tty("/dev/ttyS0", idPath: "r")) == .bound(byPath))
    }

    @Test func overlappingBindingsAreAmbiguousAndAConfigError() {
        let wide = DeviceBinding(id: "any-ch340", role: .evaluator, window: 1, transport: .serial, match: DeviceMatch(vidPid: "1a86:7523"))
        let narrow = DeviceBinding(id: "port-2", role: .caller, window: 2, transport: .serial,
                                   match: DeviceMatch(idPath: "usb-0:2:1.0", vidPid: "1a86:7523"))
        let m = DeviceMatcher(bindings: [wide, narrow])
        #expect(m.match(Self.tty("/dev/ttyUSB0", idPath: "usb-0:2:1.0")) == .ambiguous(["any-ch340", "port-2"]))
        #expect(DeviceMatcher.staticConflicts([wide, narrow]).map { "\($0.0)-\($0.1)" } == ["any-ch340-port-2"])
        #expect(wide.match.isBareGeneric && !narrow.match.isBareGeneric)
    }

    @Test func evdevDecoderByteByByteAndWhole() {
        let events = [InputEvent(seconds: 1, microseconds: 5, type: 4, code: 4, value: 0x70043),
                      InputEvent(seconds: 1, microseconds: 5, type: 1, code: 67, value: 1),
                      InputEvent(seconds: 1, microseconds: 6, type: 0, code: 0, value: 0),
                      InputEvent(seconds: 1, microseconds: 90, type: 1, code: 67, value: 0)]
        let bytes = events.flatMap(\.bytes)
        #expect(bytes.count == 96)
        var whole = EvdevDecoder()
        #expect(whole.feed(bytes) == events)
        var single = EvdevDecoder()
        var got: [InputEvent] = []
        for b in bytes { got += single.feed([b]) }
        #expect(got == events && single.buffered == 0)
        #expect(got[1].keyAction == .down && got[3].keyAction == .up && got[0].keyAction == nil)
        var partial = EvdevDecoder()
        #expect(partial.feed(Array(bytes.prefix(30))).count == 1 && partial.buffered == 6)
    }
}
