/// One model of receipt printer, from a profile file (`kind = "printer"`): its paper, its cut, whether it
/// needs FS & for GB18030, and whether it sends automatic status back (GS a).
public struct PrinterProfile: Sendable, Equatable {
    public var id: String
    public var name: String
    /// 32 for 58 mm paper, 48 for 80 mm.
    public var columns: Int
    public var partialCut: Bool
    public var chineseMode: Bool
    /// The printer reports status changes by itself once told to (GS a): paper out shows within
    /// milliseconds instead of at the next poll.
    public var statusBack: Bool

    public init(id: String, name: String? = nil, columns: Int = 48, partialCut: Bool = true, chineseMode: Bool = true, statusBack: Bool = false) {
        self.id = id
        self.name = name ?? id
        self.columns = columns
        self.partialCut = partialCut
        self.chineseMode = chineseMode
        self.statusBack = statusBack
    }
}
