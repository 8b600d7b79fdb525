import HallModel
import TOMLSections

/// Reads an 电子监察 rules file (`version`, then `[[rules]] id, kind, condition, …, department, text`), every rule checked:
/// an unknown condition or kind names the allowed ones, a condition's own parameters are required and in range, ids
/// are unique. The shipped file is `Sources/HallConfig/Data/supervision-rules.toml`.
public enum SupervisionRules {
    public static let shipped: [SupervisionRule] = {
        guard case .success(let rules) = parse(String(decoding: PackageResources.supervision_rules_toml, as: UTF8.self)) else { return [] }
        return rules
    }()

    struct File: Decodable {
        struct Rule: Decodable {
            var id: String?
            var kind: String?
            var condition: String?
            var workingDays: Int?
            var minutes: Int?
            var stage: String?
            var department: String?
            var text: String?
        }
        var version: String?
        var rules: ConfigList<Rule>?
    }

    public static func parse(_ text: String) -> Result<[SupervisionRule], ConfigIssues> {
        TOMLDocument.read(File.self, text) { file, report in
            if (file.version ?? "").isEmpty { report.fail("version", "needs a version string (which rules these are)") }
            var out: [SupervisionRule] = []
            var ids = Set<String>()
            for (i, r) in file.rules?.items ?? [] {
                let p = "rules[\(i)]"
                guard let id = r.id, !id.isEmpty, id.count <= 40 else { report.fail("\(p).id", "needs a rule id (监察规则编号) of 1–40 characters"); continue }
                if !ids.insert(id).inserted { report.fail("\(p).id", "duplicate rule id \"\(id)\""); continue }
                guard let k = r.kind, let kind = SupervisionRule.Kind(rawValue: k) else {
                    report.fail("\(p).kind", "must be notice (预警), yellow (黄牌) or red (红牌), found \"\(r.kind ?? "nothing")\"")
                    continue
                }
                guard let department = r.department, !department.isEmpty else { report.fail("\(p).department", "needs the 责任部门"); continue }
                guard let text = r.text, !text.isEmpty else { report.fail("\(p).text", "needs the 督办内容 the warning says"); continue }
                func days(_ range: ClosedRange<Int>) -> Int? {
                    guard let d = r.workingDays else { report.fail("\(p).working_days", "this condition needs working_days"); return nil }
                    guard range.contains(d) else { report.fail("\(p).working_days", "must be \(range.lowerBound)–\(range.upperBound), found \(d)"); return nil }
                    return d
                }
                let condition: SupervisionRule.Condition?
                switch r.condition {
                case "due_within": condition = days(0...30).map { .dueWithin(workingDays: $0) }
                case "overdue": condition = .overdue
                case "stage_over": condition = days(1...365).map { .stageOver(name: r.stage, workingDays: $0) }
                case "denied_without_reason": condition = .deniedWithoutReason
                case "accepted_late":
                    if let m = r.minutes, (1...1440).contains(m) { condition = .acceptedLate(minutes: m) } else {
                        report.fail("\(p).minutes", "accepted_late needs minutes, 1–1440")
                        condition = nil
                    }
                default:
                    report.fail("\(p).condition", "unknown condition \"\(r.condition ?? "nothing")\" (allowed: \(SupervisionRule.Condition.names.joined(separator: ", ")))")
                    condition = nil
                }
                if let condition { out.append(SupervisionRule(id: id, kind: kind, condition: condition, department: department, text: text)) }
            }
            if out.isEmpty && report.issues.isEmpty { report.fail("rules", "the file has no [[rules]]") }
            return out
        }
    }
}
