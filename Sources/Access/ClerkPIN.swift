import Crypto
import _CryptoExtras
import Foundation

/// A clerk's sign-in PIN as stored in the config: `pbkdf2-sha256$ROUNDS$SALT$HASH` (salt and hash in hex),
/// made by `counterctl clerk pin ID`. Slow on purpose: a copied config does not give the PINs away cheaply.
public enum ClerkPIN {
    public static let defaultRounds = 100_000
    static let prefix = "pbkdf2-sha256"

    /// 4 to 8 digits.
    public static func isWellFormed(_ pin: String) -> Bool {
        (4...8).contains(pin.count) && pin.allSatisfy { $0.isASCII && $0.isNumber }
    }

    public static func hash(_ pin: String, rounds: Int = defaultRounds, salt: [UInt8]? = nil) -> String {
        var rng = SystemRandomNumberGenerator()
        let salt = salt ?? (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        return "\(prefix)$\(rounds)$\(hex(salt))$\(hex(derive(pin, salt, rounds)))"
    }

    /// Whether `stored` is a PIN hash this version can check.
    public static func isStoredForm(_ stored: String) -> Bool { parse(stored) != nil }

    public static func verify(_ pin: String, against stored: String) -> Bool {
        guard let (rounds, salt, expected) = parse(stored) else { return false }
        let got = derive(pin, salt, rounds)
        // Constant time: every byte compared whatever the first difference.
        return got.count == expected.count && zip(got, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func derive(_ pin: String, _ salt: [UInt8], _ rounds: Int) -> [UInt8] {
        let key = (try? KDF.Insecure.PBKDF2.deriveKey(from: Array(pin.utf8), salt: salt, using: .sha256, outputByteCount: 32,
                                                       unsafeUncheckedRounds: rounds)) ?? SymmetricKey(data: [UInt8]())
        return key.withUnsafeBytes { Array($0) }
    }

    static func parse(_ stored: String) -> (Int, [UInt8], [UInt8])? {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == prefix, let rounds = Int(parts[1]), (1_000...10_000_000).contains(rounds),
              let salt = unhex(parts[2]), salt.count >= 8, let hash = unhex(parts[3]), hash.count == 32 else { return nil }
        return (rounds, salt, hash)
    }

    static func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }

    static func unhex(_ s: Substring) -> [UInt8]? {
        guard s.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            let j = s.index(i, offsetBy: 2)
            guard let b = UInt8(s[i..<j], radix: 16) else { return nil }
            out.append(b)
            i = j
        }
        return out
    }
}
