import Foundation
import TOMLSections

/// A config problem in Chinese, for the people who edit the setup on `/admin`: the key path in words ("第 7 个窗口的
/// 第 1 项业务"), the problem and, where the parser named them, the valid choices. `counterctl config check` keeps
/// the English messages with their key paths (administrators paste those into files and searches).
public enum ConfigWords {
    /// The issue in Chinese: "第 4 行，第 7 个窗口的第 1 项业务：没有名为“社保医保”的业务类别，可选：户籍办理、社保医疗".
    public static func zh(_ issue: ConfigIssue) -> String {
        let place = path(issue.path)
        let line = issue.line.map { "第 \($0) 行，" } ?? ""
        return line + (place.isEmpty ? "" : place + "：") + message(issue.message)
    }

    /// A key path in words: `windows[6].categories[0]` → "第 7 个窗口的第 1 项业务".
    public static func path(_ path: String) -> String {
        guard !path.isEmpty else { return "" }
        var words: [String] = []
        for part in path.split(separator: ".") {
            let name = part.split(separator: "[").first.map(String.init) ?? String(part)
            let index = part.split(separator: "[").dropFirst().first.flatMap { Int($0.dropLast()) }
            let noun = keys[name] ?? "设置项“\(name)”"
            if let index {
                words.append("第 \(index + 1) \(counters[name] ?? "项")\(itemNouns[name] ?? noun)")
            } else {
                words.append(noun)
            }
        }
        return words.joined(separator: "的")
    }

    /// The parser's message in Chinese; one it does not know yet is kept, marked as the checker's own words.
    public static func message(_ m: String) -> String {
        if let r = match(m, #"^unknown category "(.*)" \(known: (.*)\)$"#) {
            let names = r[1].components(separatedBy: "; ").compactMap { $0.components(separatedBy: " = ").last }
            return "没有名为“\(r[0])”的业务类别，可选：\(names.joined(separator: "、"))"
        }
        if let r = match(m, #"^unknown category "(.*)"$"#) { return "没有名为“\(r[0])”的业务类别，请先在“业务类别”中添加" }
        if let r = match(m, #"^must be between (.*) and (.*), found (.*)$"#) {
            return "须在 \(number(r[0])) 到 \(number(r[1])) 之间，现为 \(number(r[2]))"
        }
        if let r = match(m, #"^no window (\d+)$"#) { return "没有 \(r[0]) 号窗口（先在“窗口”中添加，或改掉引用它的设置）" }
        if let r = match(m, #"^duplicate window number (.*)$"#) { return "窗口号 \(r[0]) 重复，每个窗口须有自己的号" }
        if let r = match(m, #"^duplicate clerk id "(.*)"$"#) { return "工作人员编号“\(r[0])”重复" }
        if let r = match(m, #"^duplicate category code "(.*)"$"#) { return "业务代码“\(r[0])”重复" }
        if let r = match(m, #"^must be one or two capital letters A–Z, found "(.*)"$"#) { return "须为一到两个大写字母，现为“\(r[0])”" }
        if let r = match(m, #"^must be ASCII letters, digits, - or _ \(it appears in URLs\), found "(.*)"$"#) {
            return "只能用英文字母、数字、- 或 _（会出现在网址中），现为“\(r[0])”"
        }
        if let r = match(m, #"^(\S+) is both a holiday and a working day$"#) { return "\(r[0]) 既列为节假日又列为调休工作日，请删去其一" }
        if m.hasPrefix("must be one of immediate") { return "须为即办件、承诺件、联办件、上报件、答复件之一" }
        if m.hasPrefix("prefix ") { return "号码前缀与其他业务重复，每类业务须有自己的前缀" }
        if m.hasPrefix("is not a PIN hash") { return "不是签到 PIN 的哈希值：请用“重设 PIN”设置" }
        if m.hasPrefix("must be a .jpg") { return "照片须为 .jpg、.jpeg 或 .png 文件" }
        if m.hasPrefix("must be 1 to 20 characters") { return "工号须为 1 到 20 个字" }
        if m.hasPrefix("must be \"HH:MM-HH:MM\"") || m.hasPrefix("must be \"09:00") { return "须写成“09:00-17:00”这样的时段" }
        if m.hasPrefix("unknown placeholder") { return "显示文字中有不认识的占位符，请用设置页列出的占位符" }
        let fixed: [String: String] = [
            "must not be empty": "不能为空",
            "a window must serve at least one category": "每个窗口至少要办理一项业务",
            "at least one [[categories]] is needed": "至少要有一类业务",
            "at least one [[windows]] is needed": "至少要有一个窗口",
            "must be an http:// or https:// URL": "须为以 http:// 或 https:// 开头的网址",
        ]
        if let zh = fixed[m] { return zh }
        if m.hasPrefix("missing") { return "缺少此项" }
        if m.hasPrefix("unknown key") { return "不认识的设置项（拼写有误，或不属于这一节）" }
        if m.hasPrefix("must be a string") { return "须为文字（用英文双引号括起来）" }
        if m.hasPrefix("must be an integer") { return "须为整数" }
        if m.hasPrefix("must be a number") { return "须为数字" }
        if m.hasPrefix("must be true or false") || m.hasPrefix("must be a boolean") { return "须为 true（是）或 false（否）" }
        if m.hasPrefix("must be a list") || m.hasPrefix("must be an array") { return "须为用方括号括起来的列表" }
        return "设置有误（检查器原文：\(m)）"
    }

    /// Whole numbers without ".0": "1.0" → "1".
    static func number(_ s: String) -> String {
        if s.hasSuffix(".0"), Double(s) != nil { return String(s.dropLast(2)) }
        return s
    }

    static func match(_ text: String, _ pattern: String) -> [String]? {
        guard let re = try? NSRegularExpression(pattern: pattern),
              let m = re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
        return (1..<m.numberOfRanges).compactMap { Range(m.range(at: $0), in: text).map { String(text[$0]) } }
    }

    /// The sections and keys the setup pages edit, in words.
    static let keys: [String: String] = [
        "hall": "大厅", "name": "名称", "timezone": "时区", "rating_timeout_seconds": "评价等待时间（秒）", "max_recalls": "最多重呼次数",
        "categories": "业务类别", "code": "代码", "prefix": "号码前缀", "checklist": "材料清单", "time_limit_minutes": "办理时限（分钟）",
        "default_outcome": "默认办件类型", "task_code": "事项编码", "task_name": "事项名称",
        "windows": "窗口", "number": "窗口号", "clerks": "工作人员", "id": "编号", "staff_no": "工号", "photo": "照片", "pin_hash": "签到 PIN",
        "calendar": "日历", "holidays": "节假日", "workdays": "调休工作日",
        "alerts": "预警", "wait_minutes": "等候预警时长（分钟）", "opening_hours": "开放时间", "webhook": "预警推送地址",
        "silent_after_minutes": "无数据预警时长（分钟）", "display": "显示屏文字", "cases": "差评工单", "deadline_working_days": "办结期限（工作日）",
        "ratings": "评价", "reasons_window_seconds": "补充原因时长（秒）", "kiosk": "取号机", "tokens": "令牌", "devices": "设备",
        "window": "窗口号", "role": "用途", "sha256": "散列", "label": "备注", "printer": "打印机",
        "items": "事项", "implementation_code": "实施编码", "category": "业务类别", "outcome": "办件类型",
        "promised_days": "承诺办结时限", "promised_unit": "承诺时限单位", "legal_days": "法定办结时限", "legal_unit": "法定时限单位",
    ]
    /// Counters and nouns for the items of a list ("第 7 个窗口", "第 1 项业务").
    static let counters: [String: String] = ["windows": "个", "clerks": "位", "categories": "项", "tokens": "个", "devices": "台", "holidays": "个", "workdays": "个", "items": "项"]
    static let itemNouns: [String: String] = ["windows": "窗口", "clerks": "工作人员", "categories": "业务", "tokens": "令牌", "devices": "设备",
                                              "holidays": "节假日", "workdays": "调休工作日", "items": "事项"]
}
