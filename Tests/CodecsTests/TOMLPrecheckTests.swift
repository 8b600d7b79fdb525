import Codecs
import Testing

/// The headers toml++ would abort on are reported with their line; a `[` inside a value, a string or a
/// comment is never taken for a header, so valid TOML passes untouched.
@Suite struct TOMLPrecheckTests {
    @Test func headersThatWouldAbortTheParserAreReportedWithTheirLine() {
        #expect(TOMLPrecheck.problem(in: "[hall]\nname = \"x\"\n[测试]\n")?.line == 3)
        #expect(TOMLPrecheck.problem(in: "[[ !x]]\n")?.line == 1)
        #expect(TOMLPrecheck.problem(in: "a = 1\n  [\u{E9}t\u{E9}]\n")?.line == 2)
    }

    @Test func bracketsInsideValuesStringsAndCommentsAreNotHeaders() {
        let valid = """
            [hall]
            name = "[!不是表头"   # [!nor is this]
            rows = [
              [1, 2],
              ["x"],
              [{ a = 1 }],
            ]
            text = \"\"\"
            [!inside a multi-line string
            \"\"\"
            lit = '''
            [测试]
            '''
            [[windows]]
            ["quoted key"]
            [a.b-c_1]
            """
        #expect(TOMLPrecheck.problem(in: valid) == nil)
    }
}
