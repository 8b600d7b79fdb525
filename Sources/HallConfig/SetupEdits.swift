import Codecs
import Foundation
import Store
import TOMLKit
import TOMLSections

/// The admin pages' edits: whole sections of counterd.toml kept in `setup-edits.toml` beside the
/// database. Which source wins is one rule, shown on the pages and by `counterctl config check`: a
/// section present in the edits file replaces that section of counterd.toml as a whole; every other
/// section comes from counterd.toml. Giving a section back to the file ("交还配置文件") removes it from
/// the edits. Both are checked together by the config checker, so an edit is refused with the same
/// messages as a hand edit of the file.
public struct SetupEdits: Sendable {
    /// The sections the setup pages may own.
    public static let sections = ["categories", "windows", "clerks", "calendar", "display", "alerts", "tokens"]

    public let path: String

    public init(path: String) { self.path = path }

    /// The edits file of a config: beside its `[database] path`.
    public init(besideDatabase database: String) {
        let dir = (database as NSString).deletingLastPathComponent
        path = dir.isEmpty ? "setup-edits.toml" : (dir as NSString).appendingPathComponent("setup-edits.toml")
    }

    /// The file's text; "" when there is no file.
    public func currentText() throws(ConfigError) -> String {
        guard FileManager.default.fileExists(atPath: path) else { return "" }
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(file: path, issues: [ConfigIssue(path: "", message: "cannot read the setup edits (\(error.localizedDescription)): check the file's owner and mode")])
        }
    }

    /// The sections the file holds now (empty when there is no file).
    func read() throws(ConfigError) -> TOMLTable { try table(try currentText()) }

    /// The sections of edits text.
    func table(_ text: String) throws(ConfigError) -> TOMLTable {
        do {
            let table = try TOMLText.table(text)
            for key in table.keys where !Self.sections.contains(key) {
                throw ConfigError(file: path, issues: [ConfigIssue(path: key, message: "the setup edits may hold only \(Self.sections.joined(separator: ", ")): remove [\(key)] from this file")])
            }
            return table
        } catch let e as ConfigError {
            throw e
        } catch let e as TOMLParseError {
            throw ConfigError(file: path, issues: [ConfigIssue(path: "", line: e.source.begin.line, message: "TOML syntax: \(e.description) (this file is written by the setup pages; fix or delete it)")])
        } catch {
            throw ConfigError(file: path, issues: [ConfigIssue(path: "", message: "cannot read the setup edits (\(error))")])
        }
    }

    /// The sections the edits hold, sorted.
    public func editedSections(_ text: String) -> [String] { ((try? table(text))?.keys ?? []).sorted() }

    /// The edits text with `section` replaced by the TOML `edit` (which must hold exactly that section),
    /// or removed (given back to counterd.toml) when `edit` is nil.
    public func replacing(_ section: String, with edit: String?, in text: String) throws(ConfigError) -> String {
        let current = try table(text)
        current.remove(at: section)
        if let edit {
            switch Self.parseEdit(section: section, text: edit) {
            case .success(let t): if let v = t[section] { current[section] = v }
            case .failure(let issues): throw ConfigError(file: "setup edit", issues: issues.issues)
            }
        }
        return current.convert(to: .toml)
    }

    /// The `[[clerks]]` section as counterd runs with it, with one clerk's `pin_hash` set: the TOML of an
    /// edit that resets that clerk's PIN. Nil when there is no such clerk.
    public static func clerksWithPIN(_ clerk: String, hash: String, configPath: String, editsText: String) -> String? {
        let text = sectionText("clerks", configPath: configPath, editsText: editsText)
        guard let table = try? TOMLText.table(text), let list = table["clerks"]?.array else { return nil }
        var found = false
        let updated = TOMLArray()
        for item in list {
            guard let entry = item.table else { continue }
            if entry["id"]?.string == clerk {
                entry["pin_hash"] = hash
                found = true
            }
            updated.append(entry)
        }
        guard found else { return nil }
        let out = TOMLTable()
        out["clerks"] = updated
        return out.convert(to: .toml)
    }

    /// One section as counterd runs with it, as JSON ({"section": …}); "{}" when the config has none.
    public static func sectionJSON(_ section: String, configPath: String, editsText: String) -> String {
        let text = sectionText(section, configPath: configPath, editsText: editsText)
        return (try? TOMLText.table(text))?.convert(to: .json) ?? "{}"
    }

    /// One section as counterd runs with it, as TOML text: what the setup page shows for editing.
    public static func sectionText(_ section: String, configPath: String, editsText: String) -> String {
        guard let config = try? String(contentsOfFile: configPath, encoding: .utf8) else { return "" }
        let edits = (try? TOMLText.table(editsText)) ?? TOMLTable()
        return text(of: section, in: config, edits: edits)
    }

    /// counterd.toml's text with the edited sections put in place of its own.
    static func merge(configText: String, edits: TOMLTable) throws -> String {
        let root = try TOMLText.table(configText)
        for key in edits.keys {
            root.remove(at: key)
            if let value = edits[key] { root[key] = value }
        }
        return root.convert(to: .toml)
    }

    /// One section as TOML text: what the setup pages show for editing.
    static func text(of section: String, in configText: String, edits: TOMLTable) -> String {
        guard let merged = try? merge(configText: configText, edits: edits), let root = try? TOMLText.table(merged),
              let value = root[section] else { return "" }
        let one = TOMLTable()
        one[section] = value
        return one.convert(to: .toml)
    }

    /// Reads an edit as submitted: TOML holding exactly `section`.
    static func parseEdit(section: String, text: String) -> Result<TOMLTable, ConfigIssues> {
        guard sections.contains(section) else {
            return .failure(ConfigIssues(issues: [ConfigIssue(path: section, message: "the setup pages edit only \(sections.joined(separator: ", "))")]))
        }
        let table: TOMLTable
        do {
            table = try TOMLText.table(text)
        } catch let e as TOMLParseError {
            return .failure(ConfigIssues(issues: [ConfigIssue(path: section, line: e.source.begin.line, message: "TOML syntax: \(e.description)")]))
        } catch let e as TOMLPrecheck.Problem {
            return .failure(ConfigIssues(issues: [ConfigIssue(path: section, line: e.line, message: "TOML syntax: \(e.message)")]))
        } catch {
            return .failure(ConfigIssues(issues: [ConfigIssue(path: section, message: "TOML syntax: \(error)")]))
        }
        let others = table.keys.filter { $0 != section }
        if !others.isEmpty {
            return .failure(ConfigIssues(issues: [ConfigIssue(path: others[0], message: "this edit may change only [\(section)]")]))
        }
        if table[section] == nil {
            return .failure(ConfigIssues(issues: [ConfigIssue(path: section, message: "the edit has no [\(section)]")]))
        }
        return .success(table)
    }

    /// Writes the edits atomically (a new file renamed over the old), readable by counterd's group only.
    public func write(_ text: String) throws {
        let header = "# Written by counterd's setup pages. Each section here replaces the same section of counterd.toml.\n"
            + "# Give a section back to counterd.toml on the setup page (交还配置文件), or delete it here and reload.\n\n"
        let tmp = path + ".new"
        try Data((header + text + "\n").utf8).write(to: URL(fileURLWithPath: tmp))
        chmod(tmp, 0o640)
        guard rename(tmp, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
}
