import HallConfig
import HallModel
import Testing

/// The 事项 catalogue (`[[items]]`): limits with their units, 即办件 without one, and every wrong entry named by its
/// key and line, in English for counterctl and in Chinese for the setup pages.
@Suite struct ItemCatalogueTests {
    static let base = "[hall]\nname = \"x\"\n[[categories]]\ncode = \"a\"\nname = \"甲\"\nprefix = \"A\"\n[[windows]]\nnumber = 1\ncategories = [\"a\"]\n"

    @Test func aCatalogueReads() throws {
        let text = Self.base + """
            [[items]]
            code = "11440100MB2C1234X4440112001000"
            implementation_code = "11440100MB2C1234X444011200100001"
            name = "个体工商户设立登记"
            category = "a"
            promised_days = 3
            legal_days = 15
            [[items]]
            code = "4440112002000"
            name = "居民身份证换领"
            category = "a"
            outcome = "immediate"
            [[items]]
            code = "4440112003000"
            name = "社会救助申请"
            category = "a"
            outcome = "joint"
            promised_days = 30
            promised_unit = "natural_days"
            """
        guard case .success(let cfg) = ConfigParser.parse(text) else {
            Issue.record("\(ConfigParser.parse(text))")
            return
        }
        #expect(cfg.items.count == 3)
        #expect(cfg.items[0].limit == MatterLimit(3) && cfg.items[0].legalLimit == MatterLimit(15) && cfg.items[0].outcome == .promised
                && cfg.items[0].implementationCode == "11440100MB2C1234X444011200100001")
        #expect(cfg.items[1].outcome == .immediate && cfg.items[1].limit.amount == 0 && cfg.items[1].outcome.gbtTypeCode == 1)
        #expect(cfg.items[2].limit == MatterLimit(30, .naturalDays) && cfg.items[2].outcome.gbtTypeCode == 9)
        // No catalogue is still a valid config: matters are then recorded by their category.
        guard case .success(let none) = ConfigParser.parse(Self.base) else { return }
        #expect(none.items.isEmpty)
    }

    @Test func everyWrongEntryIsNamedByKeyAndLine() {
        let text = Self.base + """
            [[items]]
            code = "X1"
            name = "甲事项"
            category = "b"
            promised_days = 3
            [[items]]
            code = "X1"
            name = "乙事项"
            category = "a"
            promised_days = 400
            promised_unit = "weeks"
            [[items]]
            code = "X3"
            name = "丙事项"
            category = "a"
            outcome = "immediate"
            promised_days = 2
            [[items]]
            code = "X4"
            name = "丁事项"
            category = "a"
            legal_days = 2
            promised_days = 5
            [[items]]
            code = "X5"
            name = "戊事项"
            category = "a"
            colour = "red"
            """
        guard case .failure(let problems) = ConfigParser.parse(text) else {
            Issue.record("a bad catalogue was read")
            return
        }
        let issues = problems.issues
        func has(_ path: String, _ line: Int, _ words: String) -> Bool {
            issues.contains { $0.path == path && $0.line == line && $0.message.contains(words) }
        }
        #expect(has("items[0].category", 13, "unknown category \"b\""), "\(issues)")
        #expect(has("items[1].code", 16, "duplicate item code"), "\(issues)")
        #expect(has("items[1].promised_days", 19, "1–365"), "\(issues)")
        #expect(has("items[1].promised_unit", 20, "working_days"), "\(issues)")
        #expect(has("items[2].promised_days", 26, "即办件"), "\(issues)")
        #expect(has("items[3].legal_days", 31, "shorter than the promised one"), "\(issues)")
        #expect(has("items[4].colour", 37, "unknown key"), "\(issues)")
        let zh = issues.first { $0.path == "items[1].promised_days" }.map(ConfigWords.zh) ?? ""
        #expect(zh.contains("第 2 项事项的承诺办结时限"), "\(zh)")
    }
}
