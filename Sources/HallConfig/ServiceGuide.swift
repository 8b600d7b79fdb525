import Foundation
import HallModel
import TOMLKit
import TOMLSections

/// 办事指南 of one category, from `guides/CODE.toml`: what the citizen must bring (the 一次性告知
/// checklist), the promised time limit, fees, the legal basis, where to go and where to complain.
public struct ServiceGuide: Sendable, Equatable, Codable {
    /// The category code (the file's name).
    public var category: String
    /// The matter as the guide names it; nil: the category's name.
    public var title: String?
    public var materials: [String]
    /// 承诺时限, as the hall words it ("即办", "3 个工作日").
    public var timeLimit: String?
    public var fees: String?
    public var legalBasis: [String]
    /// 办理地点: "一楼 A 区 1–3 号窗口".
    public var location: String?
    /// 投诉电话; 12345 unless the file says otherwise.
    public var complaintPhone: String
    public var notes: [String]

    public init(category: String, title: String? = nil, materials: [String] = [], timeLimit: String? = nil, fees: String? = nil,
                legalBasis: [String] = [], location: String? = nil, complaintPhone: String = "12345", notes: [String] = []) {
        self.category = category
        self.title = title
        self.materials = materials
        self.timeLimit = timeLimit
        self.fees = fees
        self.legalBasis = legalBasis
        self.location = location
        self.complaintPhone = complaintPhone
        self.notes = notes
    }

    struct File: Decodable {
        var title: String?
        var materials: [String]?
        var timeLimit: String?
        var fees: String?
        var legalBasis: [String]?
        var location: String?
        var complaintPhone: String?
        var notes: [String]?
    }

    /// One guide file's text, checked key by key.
    public static func parse(_ text: String, category: String) -> Result<ServiceGuide, ConfigIssues> {
        TOMLDocument.read(File.self, text) { f, report in
            let materials = (f.materials ?? []).map { $0.trimmingCharacters(in: .whitespaces) }
            if materials.contains(where: \.isEmpty) { report.fail("materials", "an item is empty: list what the citizen must bring") }
            let phone = f.complaintPhone ?? "12345"
            if phone.isEmpty || !phone.allSatisfy({ $0.isNumber || $0 == "-" }) {
                report.fail("complaint_phone", "must be a telephone number, e.g. \"12345\"")
            }
            return ServiceGuide(category: category, title: f.title, materials: materials, timeLimit: f.timeLimit, fees: f.fees,
                                legalBasis: f.legalBasis ?? [], location: f.location, complaintPhone: phone, notes: f.notes ?? [])
        }
    }

    /// A citizen who packs from the ticket must not need a second trip: a category has one materials list, its
    /// `[[categories]] checklist` (edited on the setup pages), which the guide shows and the ticket prints. A guide
    /// that still lists `materials` of its own must list the same ones; otherwise both are named here.
    public static func disagreements(guides: [String: ServiceGuide], categories: [ServiceCategory]) -> [ConfigIssue] {
        guides.keys.sorted().compactMap { code in
            guard let g = guides[code], !g.materials.isEmpty, let c = categories.first(where: { $0.code == code }), !c.checklist.isEmpty,
                  g.materials != c.checklist else { return nil }
            return ConfigIssue(path: "\(code).toml: materials",
                               message: "differs from [[categories]] \(code) checklist (\(c.checklist.joined(separator: "、")) vs \(g.materials.joined(separator: "、"))): "
                                   + "a citizen packing from the ticket would miss items; keep one list — delete materials here (the guide shows the checklist) "
                                   + "or make the checklist the same")
        }
    }

    /// Every `CODE.toml` in `directory`, by category code; a missing directory is no guides and no issue.
    public static func loadAll(directory: String) -> ([String: ServiceGuide], [ConfigIssue]) {
        var guides: [String: ServiceGuide] = [:]
        var issues: [ConfigIssue] = []
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".toml") }.sorted()
        for file in files {
            let code = String(file.dropLast(5))
            guard let text = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8) else {
                issues.append(ConfigIssue(path: file, message: "cannot be read as UTF-8 text"))
                continue
            }
            switch parse(text, category: code) {
            case .success(let g): guides[code] = g
            case .failure(let e): issues += e.issues.map { ConfigIssue(path: "\(file): \($0.path)", line: $0.line, message: $0.message) }
            }
        }
        return (guides, issues)
    }
}
