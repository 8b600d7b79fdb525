/// The printed queue ticket (排队小票): pure layout to ESC/POS bytes for 58 mm (32 columns of font A)
/// and 80 mm (48 columns) paper, a CJK character counting as two columns.
public struct TicketLayout: Sendable, Equatable {
    public var hall: String
    public var number: String
    public var category: String
    /// e.g. "请到 1、2 号窗口办理"
    public var windowHint: String
    /// Local time the ticket was issued, as printed.
    public var issuedAt: String
    public var waitingAhead: Int
    /// 一次性告知: the materials the citizen needs.
    public var checklist: [String]
    /// Rating by phone: a URL with the ticket's token; nil prints no QR code.
    public var qrURL: String?
    public var barcode: String?
    public var columns: Int
    /// Whether the printer model needs FS & to print GB18030 (most Chinese printers do).
    public var chineseMode: Bool
    public var partialCut: Bool
    /// A staff reprint (补打): says so above the number, so a second paper is never taken for a new ticket.
    public var reprint: Bool
    /// The hall's wait estimate, whole minutes; nil prints none.
    public var estimatedWaitMinutes: Int?
    /// 绿色通道 / 预约: printed under the category.
    public var priorityReason: String?
    /// The category's 办事指南 page, as a second, smaller QR code; nil prints none.
    public var guideURL: String?

    public init(hall: String, number: String, category: String, windowHint: String, issuedAt: String, waitingAhead: Int,
                checklist: [String] = [], qrURL: String? = nil, barcode: String? = nil, columns: Int = 48,
                chineseMode: Bool = true, partialCut: Bool = true, reprint: Bool = false) {
        self.reprint = reprint
        self.hall = hall
        self.number = number
        self.category = category
        self.windowHint = windowHint
        self.issuedAt = issuedAt
        self.waitingAhead = waitingAhead
        self.checklist = checklist
        self.qrURL = qrURL
        self.barcode = barcode
        self.columns = columns
        self.chineseMode = chineseMode
        self.partialCut = partialCut
    }

    /// Columns a character takes in font A.
    public static func width(_ c: Character) -> Int { c.isASCII ? 1 : 2 }

    /// Splits `text` into lines of at most `columns`, never inside a character; continuation lines get `indent`.
    public static func wrap(_ text: String, columns: Int, indent: Int = 0) -> [String] {
        // Almost every line fits: then the text is its own only line, found without walking its characters.
        if text.utf8.count <= columns || text.unicodeScalars.count * 2 <= columns { return text.isEmpty ? [] : [text] }
        var lines: [String] = []
        var line = ""
        var used = 0
        for c in text {
            let w = width(c)
            if used + w > columns && !line.isEmpty {
                lines.append(line)
                line = String(repeating: " ", count: indent)
                used = indent
            }
            line.append(c)
            used += w
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// `wrap`'s lines, each with its line feed; a text that fits is written without splitting it.
    static func wrapped(_ text: String, columns: Int, indent: Int = 0, into p: inout EscPos, chinese: Bool) {
        if text.utf8.count <= columns {
            if !text.isEmpty { p.line(text, chinese: chinese) }
            return
        }
        for l in wrap(text, columns: columns, indent: indent) { p.line(l, chinese: chinese) }
    }

    /// The whole ticket: `body` then `cut`.
    public var bytes: [UInt8] {
        var b = body
        b += cut
        return b
    }

    /// Feed and cut, sent only after the printer has confirmed the body.
    public var cut: [UInt8] {
        var p = EscPos()
        p.cut(partial: partialCut)
        return p.bytes
    }

    /// Everything before the cut.
    public var body: [UInt8] {
        var p = EscPos(capacity: 640)
        let zh = chineseMode
        p.initialize()
        // State the character mode every time: printers differ on their power-up default.
        if zh { p.chineseMode(true) } else { p.codePage(0) }
        p.align(.center)
        p.bold(true)
        Self.wrapped(hall, columns: columns, into: &p, chinese: zh)
        p.bold(false)
        p.rule(columns)
        p.line(category, chinese: zh)
        if let priorityReason {
            p.bold(true)
            let label = priorityReason == "预约" ? "预约取号" : "绿色通道：\(priorityReason)"
            Self.wrapped(label, columns: columns, into: &p, chinese: zh)
            p.bold(false)
        }
        if reprint {
            p.bold(true)
            p.text("（补打）\n", chinese: zh)
            p.bold(false)
        }
        // The number as large as the paper allows: 4× on 80 mm, 3× on 58 mm.
        let scale = columns >= 48 ? 4 : 3
        p.size(width: scale, height: scale)
        p.bold(true)
        p.line(number, chinese: zh)
        p.bold(false)
        p.size(width: 1, height: 1)
        Self.wrapped(windowHint, columns: columns, into: &p, chinese: zh)
        p.text("您前面还有 ", chinese: zh)
        p.number(waitingAhead)
        p.text(" 人等候\n", chinese: zh)
        if let m = estimatedWaitMinutes { p.text(m == 0 ? "预计即将叫号\n" : "预计等候约 \(m) 分钟\n", chinese: zh) }
        p.text("取号时间 ", chinese: zh)
        p.line(issuedAt, chinese: zh)
        if !checklist.isEmpty {
            p.align(.left)
            p.rule(columns)
            p.bold(true)
            p.text("请备齐以下材料（一次性告知）：\n", chinese: zh)
            p.bold(false)
            for (i, item) in checklist.enumerated() {
                let prefix = "\(i + 1). "
                Self.wrapped(prefix + item, columns: columns, indent: prefix.count, into: &p, chinese: zh)
            }
            p.align(.center)
        }
        if let qrURL {
            p.text("\n", chinese: zh)
            p.qr(qrURL, moduleSize: columns >= 48 ? 6 : 4, level: .m)
            p.text("扫码评价本次服务\n", chinese: zh)
        }
        if let guideURL {
            p.text("\n", chinese: zh)
            p.qr(guideURL, moduleSize: columns >= 48 ? 4 : 3, level: .m)
            p.text("扫码查看办事指南\n", chinese: zh)
        }
        if let barcode { p.code128(barcode) }
        if zh { p.chineseMode(false) }
        return p.bytes
    }
}
