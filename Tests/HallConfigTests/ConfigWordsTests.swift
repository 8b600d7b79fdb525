import HallConfig
import HallModel
import Testing

/// What the setup pages say about a refused edit is Chinese, names the field in words and the valid choices.
@Suite struct ConfigWordsTests {
    @Test func aRefusedSetupReadsInChineseWithTheChoices() {
        let categories = "[hall]\nname = \"h\"\n[[categories]]\ncode = \"hukou\"\nname = \"户籍办理\"\nprefix = \"A\"\n%@"
            + "[[categories]]\ncode = \"social\"\nname = \"社保医疗\"\nprefix = \"B\"\n[[windows]]\nnumber = 1\ncategories = [\"hukou\"]\n"
        guard case .failure(let unknown) = ConfigParser.parse(String(format: categories, "") + "[[windows]]\nnumber = 7\ncategories = [\"hukou\", \"社保医保\"]\n"),
              case .failure(let negative) = ConfigParser.parse(String(format: categories, "time_limit_minutes = -5\n")) else {
            Issue.record("an unknown category or a negative time limit was accepted")
            return
        }
        let zh = (unknown.issues + negative.issues).map(ConfigWords.zh)
        #expect(zh.contains { $0.hasPrefix("第 16 行，") && $0.hasSuffix("第 2 个窗口的第 2 项业务：没有名为“社保医保”的业务类别，可选：户籍办理、社保医疗") }, "\(zh)")
        #expect(zh.contains { $0.hasSuffix("第 1 项业务的办理时限（分钟）：须在 1 到 1440 之间，现为 -5") }, "\(zh)")
        #expect(ConfigWords.zh(ConfigIssue(path: "tokens[3].window", message: "no window 2")) == "第 4 个令牌的窗口号：没有 2 号窗口（先在“窗口”中添加，或改掉引用它的设置）")
        // No word of Latin letters is left for a Chinese reader (a category code the config itself wrote aside).
        for line in zh where !line.contains("“hukou”") { #expect(!line.contains { $0.isASCII && $0.isLetter }, "\(line)") }
    }

    @Test func anUnknownMessageIsKeptAndMarked() {
        #expect(ConfigWords.message("something new") == "设置有误（检查器原文：something new）")
        #expect(ConfigWords.path("alerts.wait_minutes") == "预警的等候预警时长（分钟）")
    }
}

/// A saved edit says what changed, not 「无变化」.
@Suite struct SectionChangeTests {
    @Test func holidaysAndTimesAreNamed() {
        let before = #"{"calendar": {"holidays": ["2026-10-01"], "workdays": ["2026-10-10"]}}"#
        let after = #"{"calendar": {"holidays": ["2026-10-01", "2027-01-01"]}}"#
        #expect(SectionChange.zh(section: "calendar", before: before, after: after) == "新增节假日 2027-01-01；删除调休工作日 2026-10-10")
        let alerts = SectionChange.zh(section: "alerts", before: #"{"alerts": {"opening_hours": "08:30-17:30", "wait_minutes": 30}}"#,
                                      after: #"{"alerts": {"opening_hours": "09:00-17:00", "wait_minutes": 30}}"#)
        #expect(alerts == "开放时间：08:30-17:30 → 09:00-17:00")
        #expect(SectionChange.zh(section: "alerts", before: #"{"alerts": {"wait_minutes": 30}}"#, after: #"{"alerts": {"wait_minutes": 30}}"#) == "")
    }
}

/// One materials list per category: a guide that lists other materials than the category's checklist is refused.
@Suite struct MaterialsListTests {
    @Test func aGuideAndAChecklistThatDisagreeAreNamed() {
        let categories = [ServiceCategory(code: "hukou", name: "户籍", prefix: "A", checklist: ["身份证", "户口簿", "照片"]),
                          ServiceCategory(code: "social", name: "社保", prefix: "B", checklist: [])]
        let guides = ["hukou": ServiceGuide(category: "hukou", materials: ["身份证", "户口簿", "照片", "住所证明"]),
                      "social": ServiceGuide(category: "social", materials: ["社保卡"])]
        let issues = ServiceGuide.disagreements(guides: guides, categories: categories)
        #expect(issues.map(\.path) == ["hukou.toml: materials"] && issues.first?.message.contains("住所证明") == true, "\(issues)")
        let same = ["hukou": ServiceGuide(category: "hukou", materials: ["身份证", "户口簿", "照片"]), "social": ServiceGuide(category: "social")]
        #expect(ServiceGuide.disagreements(guides: same, categories: categories).isEmpty)
    }
}
