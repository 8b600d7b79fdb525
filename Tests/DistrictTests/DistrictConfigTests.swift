import District
import Testing

/// The district reads its TOML through the hall's path: every problem together, each with its key path and line;
/// an unknown key inside a section is caught, not only an unknown section; a wrong type names what was expected.
@Suite struct DistrictConfigTests {
    static let sha = String(repeating: "ab", count: 32)

    @Test func aGoodFileReadsWithItsDefaults() throws {
        let c = try DistrictConfig.parse("""
            [server]
            port = 9000
            [[halls]]
            id = "jd-1"
            name = "一街道"
            level = "street"
            token_sha256 = "\(Self.sha.uppercased())"
            [[tokens]]
            role = "manager"
            sha256 = "\(Self.sha)"
            """)
        #expect(c.port == 9000 && c.host == "127.0.0.1" && c.databasePort == 5432 && c.silentAfterMinutes == 10)
        #expect(c.halls == [DistrictConfig.Hall(id: "jd-1", name: "一街道", level: "street", tokenSHA256: Self.sha)] && c.managerTokens == [Self.sha])
    }

    @Test func everyProblemComesWithItsKeyAndLine() {
        let text = """
            [server]
            port = "8090"
            colour = "blue"
            [database]
            port = 99999
            [[halls]]
            id = "h1"
            level = "city"
            token_sha256 = "abc"
            [extra]
            """
        do {
            _ = try DistrictConfig.parse(text)
            Issue.record("a bad file was read")
        } catch {
            let problems = error.problems
            func has(_ line: Int, _ path: String, _ words: String) -> Bool {
                problems.contains { $0.hasPrefix("line \(line): \(path):") && $0.contains(words) }
            }
            #expect(has(2, "server.port", "must be an integer, found string"), "\(problems)")
            #expect(has(3, "server.colour", "unknown key"), "\(problems)")
            #expect(has(5, "database.port", "1–65535"), "\(problems)")
            #expect(has(9, "halls[0].token_sha256", "64 hex digits"), "\(problems)")
            #expect(has(10, "extra", "unknown key"), "\(problems)")
        }
    }

    @Test func aSyntaxErrorSaysWhere() {
        #expect(throws: DistrictConfig.Invalid.self) { try DistrictConfig.parse("[server\nport = 1\n") }
        do { _ = try DistrictConfig.parse("[server]\nport = = 1\n") } catch {
            #expect(error.problems.first?.contains("TOML syntax") == true, "\(error.problems)")
        }
    }
}
