import Foundation
import HummingbirdBcrypt

/// Account passwords: bcrypt (hummingbird-auth's), salted and slow on purpose, so a copied accounts file
/// does not give the passwords away. The cost is stored in each hash; raising `cost` affects new hashes only.
public enum Password {
    /// 2^12 rounds: about a quarter of a second on a hall PC, once per login.
    public static let cost: UInt8 = 12

    /// Why a new password is refused, in the words the pages and counterctl show; nil when it is acceptable.
    public static func problem(_ password: String) -> String? {
        if password.count < 8 { return "密码至少 8 个字符 (the password needs at least 8 characters)" }
        if password.utf8.count > 72 { return "密码不超过 72 字节 (bcrypt reads at most 72 bytes)" }
        return nil
    }

    /// Checked against when the login does not exist, so the time taken is the same as for a wrong password.
    public static let absentHash = Bcrypt.hash(randomText(), cost: cost)

    static func randomText() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<24).map { _ in String(UInt8.random(in: 97...122, using: &rng), radix: 36) }.joined()
    }

    public static func hash(_ password: String, cost: UInt8 = cost) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    public static func verify(_ password: String, hash: String) -> Bool {
        // A stored value that is not a bcrypt hash (a disabled account's "!") never verifies.
        guard hash.hasPrefix("$2") else { return false }
        return Bcrypt.verify(password, hash: hash)
    }
}
