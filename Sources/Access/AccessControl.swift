import Crypto
import Foundation

/// Who presented a token or a session.
public struct Principal: Sendable, Equatable {
    public var role: Role
    public var window: Int?
    public var label: String
    /// A kiosk token's own printer.
    public var printer: String? = nil
    /// The account's login name when a person signed in; nil for a device token.
    public var account: String? = nil
    /// A signed-in clerk account's `[[clerks]]` id.
    public var clerk: String? = nil

    public init(role: Role, window: Int? = nil, label: String, printer: String? = nil, account: String? = nil, clerk: String? = nil) {
        self.role = role
        self.window = window
        self.label = label
        self.printer = printer
        self.account = account
        self.clerk = clerk
    }

    /// What the event log records as the command's source: the person's account, else the token's role and label.
    public var source: String {
        if let account { return "account:\(account)" }
        return label.isEmpty ? role.rawValue : "\(role.rawValue):\(label)"
    }
}

/// What a request needs.
public enum Permission: Sendable, Equatable {
    /// Hall state and the event stream: any valid token.
    case read
    case takeTicket
    case actAtWindow(Int)
    /// Reports, the dashboard, tickets and their history.
    case reports
    /// 差评 cases: contact, rectify, close.
    case cases
    /// A supervisor's moves on windows and waiting tickets, and hall notices.
    case supervise
    /// The record of who did what.
    case audit
    /// Setup edits and accounts.
    case administer
    /// Appointments from the booking system (预约): a manager token or an admin.
    case book
    /// A 差评 citizen's callback phone in full (显示号码): a person signed in as manager, supervisor or admin —
    /// never a device or script token — and each time recorded in the audit.
    case revealPhone
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
        Self.allows(p, permission)
    }

    /// One table for tokens and accounts alike.
    public static func allows(_ p: Principal, _ permission: Permission) -> Bool {
        switch permission {
        case .read: true
        case .takeTicket: p.role == .kiosk
        case .actAtWindow(let w): p.role == .window && p.window == w
        case .reports: [.manager, .supervisor, .admin].contains(p.role)
        case .cases, .audit: [.manager, .admin].contains(p.role)
        case .supervise: [.supervisor, .admin].contains(p.role)
        case .administer: p.role == .admin
        case .book: [.manager, .admin].contains(p.role)
        case .revealPhone: p.account != nil && [.manager, .supervisor, .admin].contains(p.role)
        }
    }
}
