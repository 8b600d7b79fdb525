/// 16-bit PCM WAV files: enough to join voice clips into one announcement. Other WAV formats are refused
/// with a clear error rather than played as noise.
public struct WAVAudio: Sendable, Equatable {
    public var sampleRate: Int
    public var channels: Int
    /// Interleaved little-endian 16-bit samples.
    public var samples: [Int16]

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case notWAV
        case unsupported(String)
        case truncated
        case mismatched(String)

        public var description: String {
            switch self {
            case .notWAV: "not a RIFF/WAVE file"
            case .unsupported(let what): "unsupported WAV: \(what) (want 16-bit PCM)"
            case .truncated: "WAV file is truncated"
            case .mismatched(let what): "clips differ in format: \(what)"
            }
        }
    }

    public init(sampleRate: Int, channels: Int = 1, samples: [Int16] = []) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.samples = samples
    }

    public var seconds: Double { Double(samples.count) / Double(max(1, sampleRate * channels)) }

    /// Root mean square of the samples, 0…32768: near zero is silence.
    public var rms: Double {
        guard !samples.isEmpty else { return 0 }
        let sum = samples.reduce(0.0) { $0 + Double($1) * Double($1) }
        return (sum / Double(samples.count)).squareRoot()
    }

    public static func parse(_ bytes: [UInt8]) throws(Failure) -> WAVAudio {
        func u32(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) << 16 | Int(bytes[i + 3]) << 24 }
        func u16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
        guard bytes.count >= 12, bytes[0..<4] == [0x52, 0x49, 0x46, 0x46], bytes[8..<12] == [0x57, 0x41, 0x56, 0x45] else { throw .notWAV }
        var offset = 12
        var format: (rate: Int, channels: Int)?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            var size = u32(offset + 4)
            let body = offset + 8
            if id == "fmt " {
                guard body + 16 <= bytes.count else { throw .truncated }
                guard u16(body) == 1 else { throw .unsupported("format tag \(u16(body))") }
                guard u16(body + 14) == 16 else { throw .unsupported("\(u16(body + 14)) bits per sample") }
                format = (u32(body + 4), u16(body + 2))
            } else if id == "data" {
                guard let format else { throw .unsupported("data before fmt") }
                // espeak-ng writing to a pipe leaves the sizes at 0x7FFFFFFF: take what is there.
                size = min(size, bytes.count - body)
                var samples = [Int16](repeating: 0, count: size / 2)
                for i in 0..<samples.count { samples[i] = Int16(bitPattern: UInt16(bytes[body + 2 * i]) | UInt16(bytes[body + 2 * i + 1]) << 8) }
                return WAVAudio(sampleRate: format.rate, channels: format.channels, samples: samples)
            }
            offset = body + size + (size & 1)
        }
        throw format == nil ? .notWAV : .truncated
    }

    public var bytes: [UInt8] {
        func le32(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)] }
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        let data = samples.count * 2
        var out = Array("RIFF".utf8) + le32(36 + data) + Array("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(channels)
        out += le32(sampleRate) + le32(sampleRate * channels * 2) + le16(channels * 2) + le16(16) + Array("data".utf8) + le32(data)
        out.reserveCapacity(out.count + data)
        for s in samples {
            let u = UInt16(bitPattern: s)
            out.append(UInt8(u & 0xFF))
            out.append(UInt8(u >> 8))
        }
        return out
    }

    /// The clips one after another with `gap` seconds of silence between them; all must share a format.
    public static func join(_ clips: [WAVAudio], gap: Double) throws(Failure) -> WAVAudio {
        guard let first = clips.first else { return WAVAudio(sampleRate: 22050) }
        var out = WAVAudio(sampleRate: first.sampleRate, channels: first.channels)
        let silence = [Int16](repeating: 0, count: Int(gap * Double(first.sampleRate)) * first.channels)
        for (i, clip) in clips.enumerated() {
            guard clip.sampleRate == first.sampleRate, clip.channels == first.channels else {
                throw .mismatched("\(clip.sampleRate) Hz × \(clip.channels) vs \(first.sampleRate) Hz × \(first.channels)")
            }
            if i > 0 { out.samples += silence }
            out.samples += clip.trimmed().samples
        }
        return out
    }

    /// Without the near-silent lead-in and tail that synthesised clips carry.
    public func trimmed(threshold: Int16 = 200) -> WAVAudio {
        guard let start = samples.firstIndex(where: { abs(Int($0)) > Int(threshold) }),
              let end = samples.lastIndex(where: { abs(Int($0)) > Int(threshold) }) else { return self }
        let pad = sampleRate / 50 * channels
        var copy = self
        copy.samples = Array(samples[max(0, start - pad)...min(samples.count - 1, end + pad)])
        return copy
    }
}
