import Foundation
import HallModel
import TOMLSections

/// Reads a 好差评 indicator list (`version`, then `[[indicator]] code, level, text`), checking every entry.
public enum IndicatorList {
    /// The national list shipped with counterd (`Sources/HallConfig/Data/indicators.toml`).
    public static let national: RatingIndicators = {
        let text = String(decoding: PackageResources.indicators_toml, as: UTF8.self)
        guard case .success(let list) = parse(text) else { return .empty }
        return list
    }()

    struct File: Decodable {
        struct Entry: Decodable {
            var code: String?
            var level: Int?
            var text: String?
        }
        var version: String?
        var indicator: ConfigList<Entry>?
    }

    public static func parse(_ text: String) -> Result<RatingIndicators, ConfigIssues> {
        TOMLDocument.read(File.self, text) { file, report in
            guard let version = file.version, !version.isEmpty else {
                report.fail("version", "needs a version string (which list this is)")
                return nil
            }
            var out: [RatingIndicators.Indicator] = []
            var codes = Set<String>()
            for (i, e) in file.indicator?.items ?? [] {
                let p = "indicator[\(i)]"
                guard let code = e.code, !code.isEmpty, code.count <= 10 else { report.fail("\(p).code", "needs a code of 1–10 characters"); continue }
                guard let l = e.level, let level = RatingLevel(rawValue: l) else { report.fail("\(p).level", "must be a level 1–5"); continue }
                guard let t = e.text, !t.isEmpty else { report.fail("\(p).text", "needs the text the citizen sees"); continue }
                if !codes.insert(code).inserted { report.fail("\(p).code", "duplicate code \"\(code)\""); continue }
                out.append(.init(code: code, level: level, text: t))
            }
            if out.isEmpty { report.fail("indicator", "the list has no [[indicator]]") }
            return RatingIndicators(version: version, indicators: out)
        }
    }

    /// Reads a list from a file; the issues name the file.
    public static func load(path: String) -> Result<RatingIndicators, ConfigIssues> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return .failure(ConfigIssues(issues: [ConfigIssue(path: "ratings.indicators", message: "cannot read \(path)")]))
        }
        return parse(text).mapError { e in
            ConfigIssues(issues: e.issues.map { ConfigIssue(path: "ratings.indicators (\(path)): \($0.path)", line: $0.line, message: $0.message) })
        }
    }
}
