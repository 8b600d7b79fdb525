import Codecs
import TOMLKit

/// One TOML file through the shared path: parse, decode into sections (`TOMLSectionDecoder`), the
/// unknown-key check, then the file's own validation; every problem with its key path and line.
public enum TOMLDocument {
    public static func read<File: Decodable, Value>(_ type: File.Type, _ text: String,
                                             validate: (File, TOMLReport) -> Value?) -> Result<Value, ConfigIssues> {
        let root: TOMLTable
        do {
            root = try TOMLText.table(text)
        } catch let e as TOMLParseError {
            return .failure(ConfigIssues(issues: [ConfigIssue(path: "", line: e.source.begin.line, message: "TOML syntax: \(e.description)")]))
        } catch let e as TOMLPrecheck.Problem {
            return .failure(ConfigIssues(issues: [ConfigIssue(path: "", line: e.line, message: "TOML syntax: \(e.message)")]))
        } catch {
            return .failure(ConfigIssues(issues: [ConfigIssue(path: "", message: "TOML syntax: \(error)")]))
        }
        let report = TOMLReport()
        let file = TOMLSectionDecoder().decode(type, from: root, report: report)
        report.reportUnknownKeys()
        let value = file.flatMap { validate($0, report) }
        let lines = SourceLines(text: text)
        let issues = report.issues.map { ConfigIssue(path: $0.path, line: lines.line(of: $0.path), message: $0.message) }
        if issues.isEmpty, let value { return .success(value) }
        return .failure(ConfigIssues(issues: issues))
    }
}
