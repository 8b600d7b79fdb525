/// Counts of durations in fixed buckets, small enough to keep one per window per day and add up
/// over a year. Bucket i covers (edges[i-1], edges[i]] seconds; bucket 0 is exactly 0; the last
/// bucket is everything above the last edge. Quantiles are reported as the upper edge of the bucket
/// holding the nearest-rank value (capped at the largest value seen), so a value on an edge is exact.
public struct DurationHistogram: Sendable, Equatable, Codable {
    /// 5 s steps to 5 min, 30 s to 30 min, 5 min to 2 h, 30 min to 8 h.
    public static let edges: [Double] = {
        var e: [Double] = [0]
        var v = 0.0
        while v < 300 { v += 5; e.append(v) }
        while v < 1800 { v += 30; e.append(v) }
        while v < 7200 { v += 300; e.append(v) }
        while v < 28800 { v += 1800; e.append(v) }
        return e
    }()

    public static var bucketCount: Int { edges.count + 1 }

    public private(set) var counts: [UInt32]

    public init() { counts = Array(repeating: 0, count: Self.bucketCount) }

    public init(counts: [UInt32]) {
        var c = counts
        if c.count < Self.bucketCount { c += Array(repeating: 0, count: Self.bucketCount - c.count) }
        self.counts = Array(c.prefix(Self.bucketCount))
    }

    public static func bucket(of seconds: Double) -> Int {
        let v = max(0, seconds)
        var lo = 0, hi = edges.count
        // First edge >= v.
        while lo < hi {
            let mid = (lo + hi) / 2
            if edges[mid] < v { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    public mutating func add(_ seconds: Double) { counts[Self.bucket(of: seconds)] &+= 1 }

    public mutating func merge(_ other: DurationHistogram) {
        for i in counts.indices { counts[i] &+= other.counts[i] }
    }

    /// Adds counts stored as `bytes` (little-endian UInt32s) without decoding them into a new value.
    public mutating func merge(littleEndian raw: UnsafeRawBufferPointer) {
        let n = min(counts.count, raw.count / 4)
        counts.withUnsafeMutableBufferPointer { c in
            for i in 0..<n { c[i] &+= UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)) }
        }
    }

    public var total: Int { counts.reduce(0) { $0 + Int($1) } }

    /// Nearest-rank quantile (q in 0…1) as a bucket's upper edge, capped at `maximum`; nil when empty.
    public func quantile(_ q: Double, maximum: Double) -> Double? {
        let n = total
        guard n > 0 else { return nil }
        let rank = max(1, Int((q * Double(n)).rounded(.up)))
        var seen = 0
        for (i, c) in counts.enumerated() {
            seen += Int(c)
            if seen >= rank {
                let upper = i < Self.edges.count ? Self.edges[i] : maximum
                return min(upper, maximum)
            }
        }
        return maximum
    }

    /// Little-endian UInt32 per bucket, for a BLOB column.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(counts.count * 4)
        for c in counts {
            out.append(UInt8(c & 0xFF))
            out.append(UInt8((c >> 8) & 0xFF))
            out.append(UInt8((c >> 16) & 0xFF))
            out.append(UInt8((c >> 24) & 0xFF))
        }
        return out
    }

    /// Decodes `bytes`; extra or missing trailing bytes are ignored or read as zero.
    public init<C: Collection>(bytes: C) where C.Element == UInt8 {
        var c = [UInt32](repeating: 0, count: Self.bucketCount)
        var i = 0
        var it = bytes.makeIterator()
        while i < Self.bucketCount, let b0 = it.next(), let b1 = it.next(), let b2 = it.next(), let b3 = it.next() {
            c[i] = UInt32(b0) | UInt32(b1) << 8 | UInt32(b2) << 16 | UInt32(b3) << 24
            i += 1
        }
        counts = c
    }
}
