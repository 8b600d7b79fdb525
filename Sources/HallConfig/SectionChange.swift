import Foundation

/// What an edit of one setup section changed, in Chinese ("新增节假日 2027-01-01；营业时间：08:30-17:30 → 09:00-17:00"),
/// from the section as JSON before and after. Lists of tables (windows, categories, clerks) are left to the hall's
/// own `SetupChange`, which names them by number and code.
public enum SectionChange {
    public static func zh(section: String, before: String, after: String) -> String {
        func table(_ json: String) -> [String: Any] {
            let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any]
            return object?[section] as? [String: Any] ?? [:]
        }
        let old = table(before), new = table(after)
        var parts: [String] = []
        for key in Set(old.keys).union(new.keys).sorted() {
            let name = ConfigWords.keys[key] ?? "“\(key)”"
            let a = old[key], b = new[key]
            if let xs = a as? [Any] ?? (a == nil ? [] : nil), let ys = b as? [Any] ?? (b == nil ? [] : nil),
               xs.allSatisfy({ !($0 is [String: Any]) }), ys.allSatisfy({ !($0 is [String: Any]) }) {
                let before = xs.map(text), after = ys.map(text)
                let added = after.filter { !before.contains($0) }, removed = before.filter { !after.contains($0) }
                if !added.isEmpty { parts.append("新增\(name) \(added.joined(separator: "、"))") }
                if !removed.isEmpty { parts.append("删除\(name) \(removed.joined(separator: "、"))") }
                continue
            }
            if a is [Any] || b is [Any] { continue }
            let x = a.map(text), y = b.map(text)
            if x != y { parts.append("\(name)：\(x ?? "（未设）") → \(y ?? "（未设）")") }
        }
        return parts.joined(separator: "；")
    }

    static func text(_ v: Any) -> String {
        if type(of: v) == Bool.self, let b = v as? Bool { return b ? "是" : "否" }
        if let s = v as? String { return s }
        if let i = v as? Int { return String(i) }
        if let d = v as? Double { return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d) }
        return "\(v)"
    }
}
