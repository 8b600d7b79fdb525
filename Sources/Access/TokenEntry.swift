import Foundation

/// An API token as configured: only its SHA-256 is stored.
public struct TokenEntry: Sendable, Equatable {
    public var role: Role
    public var window: Int?
    public var sha256: String
    public var label: String
    /// A kiosk token's own printer (several kiosks, each with its printer); nil: `[kiosk] printer`.
    public var printer: String?

    public init(role: Role, window: Int? = nil, sha256: String, label: String = "", printer: String? = nil) {
        self.printer = printer
        self.role = role
        self.window = window
        self.sha256 = sha256.lowercased()
        self.label = label
    }
}
