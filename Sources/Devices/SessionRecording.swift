import Foundation

/// A recorded device session: a header naming the transport, then timestamped reads and writes.
///
///     # counterd-recording 1
///     # transport=serial path=/dev/ttyUSB0 baud=9600 frame=8N1 vid_pid=1a86:7523
///     0.000000 W ff6802026801031616
///     0.012345 R ff6802026801031616
///
/// Text, one record a line, so a recording can be read, diffed and attached to a bug report.
public struct SessionRecording: Sendable, Equatable {
    public enum Direction: String, Sendable { case read = "R", write = "W" }

    public struct Record: Sendable, Equatable {
        public var time: Double
        public var direction: Direction
        public var bytes: [UInt8]

        public init(time: Double, direction: Direction, bytes: [UInt8]) {
            self.time = time
            self.direction = direction
            self.bytes = bytes
        }
    }

    public var header: [String: String]
    public var records: [Record]

    public init(header: [String: String], records: [Record] = []) {
        self.header = header
        self.records = records
    }

    public static let magic = "# counterd-recording 1"

    public var text: String {
        var lines = [Self.magic, "# " + header.keys.sorted().map { "\($0)=\(header[$0]!)" }.joined(separator: " ")]
        for r in records {
            lines.append(String(format: "%.6f", r.time) + " \(r.direction.rawValue) " + Self.hex(r.bytes))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var s = ""
        s.reserveCapacity(bytes.count * 2)
        for b in bytes {
            s.append(digits[Int(b >> 4)])
            s.append(digits[Int(b & 0xF)])
        }
        return s
    }

    static func unhex(_ s: Substring) -> [UInt8]? {
        guard s.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var it = s.makeIterator()
        while let a = it.next(), let b = it.next() {
            guard let h = a.hexDigitValue, let l = b.hexDigitValue else { return nil }
            out.append(UInt8(h << 4 | l))
        }
        return out
    }

    /// Parses a recording; a malformed line is an error naming its line number.
    public init(text: String) throws(LinkError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first.map({ $0.hasPrefix(Self.magic) }) == true else { throw .recording("not a counterd recording (no \"\(Self.magic)\" line)") }
        header = [:]
        records = []
        for (i, line) in lines.enumerated().dropFirst() {
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                for pair in line.dropFirst().split(separator: " ") {
                    let kv = pair.split(separator: "=", maxSplits: 1)
                    if kv.count == 2 { header[String(kv[0])] = String(kv[1]) }
                }
                continue
            }
            let f = line.split(separator: " ")
            guard f.count == 3, let t = Double(f[0]), let d = Direction(rawValue: String(f[1])), let bytes = Self.unhex(f[2]) else {
                throw .recording("line \(i + 1) is not \"SECONDS R|W HEX\": \(line.prefix(60))")
            }
            records.append(Record(time: t, direction: d, bytes: bytes))
        }
    }
}
