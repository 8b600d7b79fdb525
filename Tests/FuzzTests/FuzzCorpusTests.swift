import Foundation
import Codecs
import FuzzTargets
import Testing

/// The suite's short form of `make fuzz`: every fuzz target on its committed seed corpus, then on a few
/// hundred mutations of each seed (bit flips, cuts, splices, repeated bytes) from a fixed seed, so a
/// failure repeats. No libFuzzer and no sanitizer here (that is `make fuzz`); this catches a target that
/// no longer builds, a seed that now traps, and a broken chunking property.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz")

    static func seeds(_ target: FuzzTarget) throws -> [(String, [UInt8])] {
        let dir = corpus.appendingPathComponent(target.rawValue)
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().map {
            ($0, Array(try Data(contentsOf: dir.appendingPathComponent($0))))
        }
    }

    @Test("every target has a seed corpus and passes it, and its mutations", arguments: FuzzTarget.allCases)
    func corpus(_ target: FuzzTarget) throws {
        let seeds = try Self.seeds(target)
        #expect(seeds.count >= 2, "\(target.rawValue): seed corpus missing (run Tests/Fixtures/fuzz/seeds.py)")
        var mutator = Mutator(seed: 0x5EED_0000 + UInt64(target.rawValue.utf8.count))
        let rounds = target == .config || target == .profile ? 60 : 300
        var runs = 0
        for (name, bytes) in seeds {
            #expect(target.run(bytes) == [], "\(target.rawValue)/\(name)")
            for _ in 0..<rounds {
                let input = mutator.mutate(bytes, other: seeds[mutator.below(seeds.count)].1)
                let broken = target.run(input)
                #expect(broken == [], "\(target.rawValue): \(broken) for \(input.prefix(64).map { String(format: "%02x", $0) }.joined())")
                runs += 1
            }
        }
        #expect(runs == seeds.count * rounds)
    }

    @Test("the chunking property bites: a decoder that forgets a partial frame between reads is caught")
    func propertyBites() {
        // A decoder without memory: it finds the caller frames within each read only. In one read it sees
        // both frames; in reads of 4 bytes (0xFF, the first byte, chooses 4) it sees none, and the property says so.
        let frame: [UInt8] = [0xFF, 0x68, 0x03, 0x03, 0x68, 0x01, 0x01, 0x01, 0x03, 0x16]
        let forgetful = FuzzTarget.chunking(frame + frame, 0) { (_: inout Int, b: [UInt8]) -> [Int] in
            var d = CallerFrameDecoder()
            return d.feed(b).compactMap { if case .frame(let f, _) = $0 { Int(f.address) } else { nil } }
        }
        #expect(forgetful == "2 results in one read, 0 in reads of 4")
        // The real decoder keeps the partial frame, so it passes on the same bytes, split anywhere.
        #expect(FuzzTarget.caller.run(frame + frame) == [])
        #expect(FuzzTarget.caller.run(frame + Array(frame.prefix(5))) == [])
    }
}

/// A small deterministic mutator (SplitMix64), enough to push each decoder off its happy path.
struct Mutator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }

    mutating func mutate(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
        var b = input
        for _ in 0...below(4) {
            switch below(7) {
            case 0 where !b.isEmpty: b[below(b.count)] ^= UInt8(1 << below(8))
            case 1 where !b.isEmpty: b[below(b.count)] = UInt8(truncatingIfNeeded: next())
            case 2 where !b.isEmpty: b.removeSubrange(below(b.count)..<b.count)
            case 3: b.insert(UInt8(truncatingIfNeeded: next()), at: below(b.count + 1))
            case 4 where !other.isEmpty:
                let cut = below(other.count)
                b = Array(b.prefix(below(b.count + 1))) + other[cut...]
            case 5 where !b.isEmpty:
                let at = below(b.count)
                b.insert(contentsOf: repeatElement(b[at], count: 1 + below(32)), at: at)
            case 6 where !b.isEmpty: b.remove(at: below(b.count))
            default: b.append(UInt8(truncatingIfNeeded: next()))
            }
        }
        return b
    }
}
