import Access
import Exports
import Foundation
import HallConfig
import HallModel
import TestSupport
import Testing

@Suite struct ConfigTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theDemoConfigIsValid() throws {
        let cfg = try CounterdConfig.load(path: Self.repo.appendingPathComponent("config/demo.toml").path)
        #expect(cfg.setup.categories.count == 5 && cfg.setup.windows.count == 6)
        #expect(cfg.items.count == 5 && cfg.items.filter { $0.outcome == .immediate }.count == 2
                && cfg.items.first { $0.code == "330102-SW-0001" }?.limit == MatterLimit(10, .naturalDays))
        #expect(cfg.setup.rules.timeZone == "Asia/Shanghai" && cfg.setup.rules.ratingTimeoutSeconds == 30)
        #expect(cfg.server.host == "127.0.0.1" && cfg.database.sync == .full)
        #expect(cfg.setup.rules.ratingBlocksNext && cfg.setup.category("business")?.defaultOutcome == .promised
                && cfg.setup.category("hukou")?.defaultOutcome == nil)
        let access = AccessControl(tokens: cfg.tokens)
        let w3 = try #require(access.principal(token: "demo-window-3"))
        #expect(w3.role == .window && w3.window == 3)
        #expect(access.allows(w3, .actAtWindow(3)) && !access.allows(w3, .actAtWindow(4)) && !access.allows(w3, .reports))
        #expect(access.principal(token: "demo-window-33") == nil)
    }

    @Test func thePlatformPushAndTheHallsIdentityAreChecked() {
        let hall = "[hall]\nname = \"h\"\n%@[[categories]]\ncode = \"a\"\nname = \"甲\"\nprefix = \"A\"\ntask_code = \"330102-A-1\"\n"
            + "[[windows]]\nnumber = 1\ncategories = [\"a\"]\n[[clerks]]\nid = \"c1\"\nname = \"张敏\"\nstaff_no = \"GH01\"\nphoto = \"/p/c1.jpg\"\n%@"
        guard case .success(let good) = ConfigParser.parse(String(format: hall, "area_code = \"330102\"\ndept_code = \"11330102MB1234567X\"\n",
                                                                 "[platform]\nurl = \"https://hcp.example.gov.cn/api\"\nauth_token_file = \"/etc/counterd/t\"\n")) else {
            Issue.record("a valid [platform] was refused")
            return
        }
        #expect(good.platform == PlatformSettings(url: "https://hcp.example.gov.cn/api", authTokenFile: "/etc/counterd/t"))
        #expect(good.setup.identity?.areaCode == "330102" && good.setup.category("a")?.taskCode == "330102-A-1")
        #expect(good.setup.clerk("c1")?.staffNo == "GH01" && good.setup.clerk("c1")?.photo == "/p/c1.jpg")
        #expect(good.setup.generatedProjectNo(day: "2026-12-01", number: "A007") == "33010220261201A007")
        guard case .failure(let bad) = ConfigParser.parse(String(format: hall, "area_code = \"33-01\"\ndept_code = \"123\"\n",
                                                                "[platform]\ntransport = \"ftp\"\nurl = \"hcp.example\"\nretry_max_seconds = 0\n")) else {
            Issue.record("a broken [platform] was accepted")
            return
        }
        #expect(Set(bad.issues.map(\.path)) == ["hall.area_code", "hall.dept_code", "platform.transport", "platform.url", "platform.retry_max_seconds"],
                "\(bad.issues)")
        #expect(bad.issues.allSatisfy { $0.line != nil } && bad.issues.contains { $0.message.contains("统一社会信用代码") })
        guard case .failure(let noURL) = ConfigParser.parse(String(format: hall, "", "[platform]\nprofile = \"gbt39046\"\n")) else { return }
        #expect(noURL.issues.map(\.path) == ["platform.url"] && noURL.issues[0].message.contains("transport = \"file\""))
    }

    @Test func theDistrictSectionIsChecked() {
        let base = "[hall]\nname = \"h\"\n[[categories]]\ncode = \"a\"\nname = \"甲\"\nprefix = \"A\"\n[[windows]]\nnumber = 1\ncategories = [\"a\"]\n"
        guard case .success(let ok) = ConfigParser.parse(base + "[district]\nurl = \"http://d.example:8090\"\nhall_id = \"jd-01\"\ntoken_file = \"/etc/counterd/t\"\nlevel = \"street\"\nparent = \"qu\"\n") else {
            Issue.record("a valid [district] was refused")
            return
        }
        #expect(ok.district == DistrictSettings(url: "http://d.example:8090", hallID: "jd-01", tokenFile: "/etc/counterd/t", level: .street, parent: "qu"))
        #expect(ok.district?.batchSize == 2_000 && ok.district?.heartbeatSeconds == 30)
        guard case .failure(let bad) = ConfigParser.parse(base + "[district]\nurl = \"d.example\"\nhall_id = \"街道 1\"\nlevel = \"city\"\nbatch_size = 0\nheartbeat_seconds = 0\n") else {
            Issue.record("a broken [district] was accepted")
            return
        }
        #expect(Set(bad.issues.map(\.path)) == ["district.url", "district.hall_id", "district.token_file", "district.level", "district.batch_size",
                                                  "district.heartbeat_seconds"],
                "\(bad.issues)")
    }

    @Test func theRatingRuleAndTheKeypadsOutcomeAreConfigured() {
        let base = "[hall]\nname = \"h\"\n%@[[categories]]\ncode = \"a\"\nname = \"甲\"\nprefix = \"A\"\n%@[[windows]]\nnumber = 1\ncategories = [\"a\"]\n"
        guard case .success(let off) = ConfigParser.parse(String(format: base, "rating_blocks_next = false\n", "default_outcome = \"joint\"\n")) else {
            Issue.record("rating_blocks_next / default_outcome not accepted")
            return
        }
        #expect(!off.setup.rules.ratingBlocksNext && off.setup.categories[0].defaultOutcome == .joint)
        #expect(off.setup.rules.caseDeadlineWorkingDays == 15)
        guard case .success(let five) = ConfigParser.parse(String(format: base, "", "") + "[cases]\ndeadline_working_days = 5\n") else {
            Issue.record("[cases] deadline_working_days not accepted")
            return
        }
        #expect(five.setup.rules.caseDeadlineWorkingDays == 5)
        guard case .failure(let bad) = ConfigParser.parse(String(format: base, "", "default_outcome = \"quick\"\n")) else {
            Issue.record("an unknown default_outcome was accepted")
            return
        }
        #expect(bad.issues.map(\.path) == ["categories[0].default_outcome"] && bad.issues[0].message.contains("承诺件"), "\(bad.issues)")
    }

    @Test func everyErrorIsReportedWithItsKeyAndLine() {
        let text = """
            [hall]
            name = "大厅"
            timezone = "Mars/Olympus"
            rating_timout_seconds = 30

            [server]
            port = "8080"

            [[categories]]
            code = "hukou"
            name = "户籍"
            prefix = "A"

            [[categories]]
            code = "social"
            name = "社保"
            prefix = "A"

            [[windows]]
            number = 1
            categories = ["hukou", "tax"]

            [[tokens]]
            role = "window"
            window = 7
            sha256 = "abc"
            """
        guard case .failure(let failure) = ConfigParser.parse(text) else {
            Issue.record("a bad config was accepted")
            return
        }
        let found = Set(failure.issues.map { "\($0.line.map(String.init) ?? "?") \($0.path)" })
        #expect(found == [
            "3 hall.timezone",
            "4 hall.rating_timout_seconds",
            "7 server.port",
            "17 categories[1].prefix",
            "21 windows[0].categories[1]",
            "25 tokens[0].window",
            "26 tokens[0].sha256",
        ])
        #expect(failure.issues.first { $0.path == "server.port" }?.message == "must be an integer, found string")
    }

    @Test func devicesAreCheckedAndOverlapsRejected() {
        let base = "[hall]\nname = \"x\"\n[[categories]]\ncode = \"a\"\nname = \"甲\"\nprefix = \"A\"\n[[windows]]\nnumber = 1\ncategories = [\"a\"]\n"
        let good = base + """
            [[devices]]
            id = "eval-1"
            role = "evaluator"
            window = 1
            transport = "serial"
            id_path = "pci-0000:00:14.0-usb-0:1.1:1.0"
            profile = "modbus-rtu-evaluator"
            baud = 19200
            parity = "even"
            [[devices]]
            id = "printer"
            role = "printer"
            transport = "tcp"
            host = "10.0.0.5:9100"
            """
        guard case .success(let cfg) = ConfigParser.parse(good) else {
            Issue.record("a good device config was rejected")
            return
        }
        #expect(cfg.devices.count == 2 && cfg.devices[0].serial.baud == 19200 && cfg.devices[0].serial.parity == .even)
        let bad = base + """
            [[devices]]
            id = "all-ch340"
            role = "evaluator"
            window = 1
            transport = "serial"
            vid_pid = "1a86:7523"
            [[devices]]
            id = "port-2"
            role = "caller"
            window = 1
            transport = "serial"
            vid_pid = "1a86:7523"
            id_path = "usb-0:2"
            [[devices]]
            id = "nothing"
            role = "caller"
            window = 9
            transport = "serial"
            baud = 12345
            [[devices]]
            id = "p"
            role = "printer"
            transport = "tcp"
            """
        guard case .failure(let f) = ConfigParser.parse(bad) else {
            Issue.record("overlapping devices were accepted")
            return
        }
        let paths = Set(f.issues.map(\.path))
        #expect(paths == ["devices[0].profile", "devices[1]", "devices[2].window", "devices[2].baud", "devices[2]", "devices[3].host"])
        #expect(f.issues.first { $0.path == "devices[1]" }?.message.contains("all-ch340") == true)
    }

    @Test func syntaxErrorsCarryTheirLine() {
        guard case .failure(let failure) = ConfigParser.parse("[hall]\nname = \"x\"\nport = = 3\n") else {
            Issue.record("a TOML syntax error was accepted")
            return
        }
        #expect(failure.issues.count == 1 && failure.issues[0].line == 3)
    }

    @Test func missingSectionsAndEmptyHall() {
        guard case .failure(let failure) = ConfigParser.parse("") else {
            Issue.record("an empty config was accepted")
            return
        }
        #expect(Set(failure.issues.map(\.path)) == ["hall", "categories", "windows"])
    }

    @Test func configCheckCommandExitsNonZeroWithTheMessages() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString).toml")
        try "[hall]\nname = \"x\"\n[[windows]]\nnumber = 0\ncategories = []\n".write(to: dir, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("counterctl")
        let (status, text) = try await offload { () throws -> (Int32, String) in
            let p = Process()
            p.executableURL = bin
            p.arguments = ["config", "check", dir.path]
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            let data = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        #expect(status == 78)
        #expect(text.contains("line 4: windows[0].number: must be between 1 and 9999, found 0"))
        #expect(text.contains("windows[0].categories: a window must serve at least one category"))
        #expect(text.contains("categories: at least one [[categories]] is needed"))
    }
}

@Suite struct TextTableTests {
    @Test func cjkCountsTwoColumns() {
        #expect(TextTable.displayWidth("abc") == 3)
        #expect(TextTable.displayWidth("张敏") == 4)
        #expect(TextTable.displayWidth("3号窗口") == 7)
        #expect(TextTable.displayWidth("（全角）") == 8)
        var t = TextTable(headers: ["名称", "n"], alignments: [.left, .right])
        t.rows = [["张敏", "1"], ["Li Na", "22"]]
        let lines = t.render().split(separator: "\n").map(String.init)
        #expect(lines == ["名称    n", "-----  --", "张敏    1", "Li Na  22"])
        #expect(Set(lines.map(TextTable.displayWidth)).count <= 2)
    }

    @Test func durationsAndPercents() {
        #expect(ReportFormatter.duration(125) == "2:05")
        #expect(ReportFormatter.duration(3725) == "1:02:05")
        #expect(ReportFormatter.duration(nil) == "-")
        #expect(ReportFormatter.percent(0.935) == "93.5%")
    }
}

@Suite struct KioskConfigTests {
    static let base = "[hall]\nname = \"x\"\n[[categories]]\ncode = \"a\"\nname = \"甲\"\nprefix = \"A\"\n[[windows]]\nnumber = 1\ncategories = [\"a\"]\n"
        + "[[devices]]\nid = \"p1\"\nrole = \"printer\"\ntransport = \"tcp\"\nhost = \"10.0.0.5:9100\"\n"

    @Test func onePrinterIsTheKiosksByDefault() throws {
        guard case .success(let cfg) = ConfigParser.parse(Self.base) else { Issue.record("rejected"); return }
        #expect(cfg.kiosk.printer == "p1" && cfg.kiosk.columns == 48 && cfg.kiosk.ratingURL == nil && cfg.kiosk.staffPIN == nil)
        let full = Self.base + "[kiosk]\npaper_mm = 58\ncut = \"full\"\nchinese_mode = false\nrating_url = \"http://10.0.0.2:8080/\"\nstaff_pin = \"2468\"\n"
        guard case .success(let k) = ConfigParser.parse(full) else { Issue.record("rejected"); return }
        #expect(k.kiosk == KioskSettings(printer: "p1", columns: 32, partialCut: false, chineseMode: false, ratingURL: "http://10.0.0.2:8080", staffPIN: "2468"))
    }

    @Test func wrongKioskSettingsAreNamed() {
        let bad = Self.base + "[kiosk]\nprinter = \"nope\"\npaper_mm = 70\ncut = \"half\"\nrating_url = \"ftp://x\"\nstaff_pin = \"12\"\ncolour = 1\n"
            + "[[tokens]]\nrole = \"window\"\nwindow = 1\nprinter = \"p1\"\nsha256 = \"\(String(repeating: "a", count: 64))\"\n"
        guard case .failure(let f) = ConfigParser.parse(bad) else { Issue.record("accepted"); return }
        #expect(Set(f.issues.map(\.path)) == ["kiosk.printer", "kiosk.paper_mm", "kiosk.cut", "kiosk.rating_url", "kiosk.staff_pin", "kiosk.colour", "tokens[0].printer"], "\(f.issues)")
    }

    /// Keys inside inline tables and dotted keys are checked like any other, and their lines are found.
    @Test func inlineTablesAndDottedKeysHaveTheirLines() {
        let text = """
            [hall]
            name = "x"
            rules.extra = 1
            [[categories]]
            code = "a"
            name = "甲"
            prefix = "A"
            [[windows]]
            number = 1
            categories = ["a"]
            [[windows]]
            number = 2
            categories = ["a"]
            [[devices]]
            id = "bus-a"
            role = "evaluator"
            transport = "serial"
            path = "/dev/ttyS0"
            profile = "modbus-rtu-evaluator"
            bus = [
              {address = 1, window = 1},
              {address = 2, windw = 2},
            ]
            """
        guard case .failure(let failure) = ConfigParser.parse(text) else {
            Issue.record("a bad config was accepted")
            return
        }
        let found = Set(failure.issues.map { "\($0.line.map(String.init) ?? "?") \($0.path)" })
        #expect(found == ["3 hall.rules", "22 devices[0].bus[1].windw", "22 devices[0].bus[1].window"], "\(failure.issues)")
        #expect(failure.issues.first { $0.path == "hall.rules" }?.message.hasPrefix("unknown key (allowed: area_code, area_name, dept_code, dept_name, max_recalls, name,") == true)
    }

    /// Profiles go through the same decoder: a wrong type and an unknown key, each with its line.
    @Test func profileProblemsCarryTheirLines() {
        guard case .failure(let f) = ProfileLibrary.parseDisplay("[profile]\nid = \"d\"\nkind = \"display\"\nwire = \"strip\"\nwidth = \"wide\"\nblink = true\n") else {
            Issue.record("a bad display profile was accepted")
            return
        }
        let found = Set(f.issues.map { "\($0.line.map(String.init) ?? "?") \($0.path) \($0.message)" })
        #expect(found.contains("5 profile.width must be an integer, found string"), "\(found)")
        #expect(found.contains { $0.hasPrefix("6 profile.blink unknown key (allowed:") }, "\(found)")
    }
}
