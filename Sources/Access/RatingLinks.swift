import Crypto
import Foundation

/// The per-ticket rating token printed in the ticket's QR code: the ticket's id and an HMAC-SHA256 of it
/// (128 bits shown) under a key only counterd has. It names one ticket and cannot be made for another
/// without the key; nothing is stored per ticket.
public struct RatingLinks: Sendable {
    private let key: [UInt8]

    public init(key: [UInt8]) { self.key = key }

    /// "2026-11-23-A012.<32 hex digits>" for ticket "2026-11-23/A012".
    public func token(for ticket: String) -> String {
        let name = ticket.replacingOccurrences(of: "/", with: "-")
        return name + "." + mac(ticket)
    }

    /// The ticket id a token names, or nil when the token is not one of ours.
    public func ticket(for token: String) -> String? {
        guard token.count <= 80, let dot = token.lastIndex(of: ".") else { return nil }
        let name = token[..<dot], given = token[token.index(after: dot)...]
        // yyyy-MM-dd-NUMBER
        guard name.count > 11, name[name.index(name.startIndex, offsetBy: 10)] == "-" else { return nil }
        let ticket = name.prefix(10) + "/" + name.dropFirst(11)
        let expected = mac(String(ticket))
        // Constant time: a timing difference must not tell how much of a guess was right.
        guard given.utf8.count == expected.utf8.count else { return nil }
        var diff: UInt8 = 0
        for (a, b) in zip(given.utf8, expected.utf8) { diff |= a ^ b }
        return diff == 0 ? String(ticket) : nil
    }

    private func mac(_ ticket: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(ticket.utf8), using: SymmetricKey(data: key))
        return code.prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
