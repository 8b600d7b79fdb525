/// A printed 办事指南 (service guide) for one category: what to bring, the time limit, fees, the legal
/// basis, where to go and the complaint line, on the kiosk's receipt paper.
public struct GuideSlip: Sendable, Equatable {
    public var hall: String
    public var title: String
    public var materials: [String]
    public var timeLimit: String?
    public var fees: String?
    public var legalBasis: [String]
    public var location: String?
    public var complaintPhone: String
    public var notes: [String]
    /// The guide's page, printed as a QR code; nil prints none.
    public var qrURL: String?
    public var columns: Int
    public var chineseMode: Bool
    public var partialCut: Bool

    public init(hall: String, title: String, materials: [String], timeLimit: String?, fees: String?, legalBasis: [String],
                location: String?, complaintPhone: String, notes: [String], qrURL: String?, columns: Int = 48,
                chineseMode: Bool = true, partialCut: Bool = true) {
        self.hall = hall
        self.title = title
        self.materials = materials
        self.timeLimit = timeLimit
        self.fees = fees
        self.legalBasis = legalBasis
        self.location = location
        self.complaintPhone = complaintPhone
        self.notes = notes
        self.qrURL = qrURL
        self.columns = columns
        self.chineseMode = chineseMode
        self.partialCut = partialCut
    }

    public var cut: [UInt8] {
        var p = EscPos()
        p.cut(partial: partialCut)
        return p.bytes
    }

    public var body: [UInt8] {
        var p = EscPos()
        let zh = chineseMode
        p.initialize()
        if zh { p.chineseMode(true) } else { p.codePage(0) }
        p.align(.center)
        p.bold(true)
        for l in TicketLayout.wrap(hall, columns: columns) { p.text(l + "\n", chinese: zh) }
        p.size(width: 2, height: 2)
        for l in TicketLayout.wrap("办事指南", columns: columns / 2) { p.text(l + "\n", chinese: zh) }
        p.size(width: 1, height: 1)
        for l in TicketLayout.wrap(title, columns: columns) { p.text(l + "\n", chinese: zh) }
        p.bold(false)
        p.align(.left)
        func section(_ heading: String, _ lines: [String], numbered: Bool = false) {
            guard !lines.isEmpty else { return }
            p.text(String(repeating: "-", count: columns) + "\n", chinese: zh)
            p.bold(true)
            p.text(heading + "\n", chinese: zh)
            p.bold(false)
            for (i, item) in lines.enumerated() {
                let prefix = numbered ? "\(i + 1). " : ""
                for l in TicketLayout.wrap(prefix + item, columns: columns, indent: prefix.count) { p.text(l + "\n", chinese: zh) }
            }
        }
        section("所需材料（一次性告知）", materials, numbered: true)
        section("承诺时限", timeLimit.map { [$0] } ?? [])
        section("收费标准", fees.map { [$0] } ?? [])
        section("设定依据", legalBasis)
        section("办理地点", location.map { [$0] } ?? [])
        section("温馨提示", notes)
        section("监督投诉", ["政务服务便民热线 \(complaintPhone)"])
        p.align(.center)
        if let qrURL {
            p.text("\n", chinese: zh)
            p.qr(qrURL, moduleSize: columns >= 48 ? 5 : 4, level: .m)
            p.text("扫码在手机上查看\n", chinese: zh)
        }
        if zh { p.chineseMode(false) }
        return p.bytes
    }
}
