import Crypto
import Foundation

/// Who presented a token.
public struct Principal: Sendable, Equatable {
    public var role: Role
    public var window: Int?
    public var label: String
    /// A kiosk token's own printer.
    public var printer: String? = nil
}

/// What a request needs.
public enum Permission: Sendable, Equatable {
    /// Hall state and the event stream: any valid token.
    case read
    case takeTicket
    case actAtWindow(Int)
    case reports
}

/// Checks bearer tokens against the configured SHA-256 hashes.
public struct AccessControl: Sendable {
    private let entries: [String: TokenEntry]
    /// Clerk id → stored PIN hash (`ClerkPIN`), for the clerks that have one.
    public let clerkPINs: [String: String]

    public init(tokens: [TokenEntry], clerkPINs: [String: String] = [:]) {
        var map: [String: TokenEntry] = [:]
        for t in tokens { map[t.sha256] = t }
        entries = map
        self.clerkPINs = clerkPINs
    }

    /// Lowercase hex SHA-256 of a token, as written in the config.
    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { byte in
            let s = String(byte, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }

    public func principal(token: String) -> Principal? {
        guard !token.isEmpty, let e = entries[Self.hash(token)] else { return nil }
        return Principal(role: e.role, window: e.window, label: e.label, printer: e.printer)
    }

    public func allows(_ p: Principal, _ permission: Permission) -> Bool {
        switch permission {
        case .read: true
        case .takeTicket: p.role == .kiosk
        case .actAtWindow(let w): p.role == .window && p.window == w
        case .reports: p.role == .manager
        }
    }
}
