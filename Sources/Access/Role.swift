import Foundation

/// Who a token or an account speaks for.
public enum Role: String, Sendable, CaseIterable, Codable {
    /// Takes tickets.
    case kiosk
    /// One window: its clerk console, caller keypad and evaluator.
    case window
    /// Read-only: hall state and the event stream.
    case display
    /// Reports and 差评 cases, plus everything a display reads.
    case manager
    /// An account: acts on windows and tickets from the dashboard (sign-out, pause, move, notices), reads reports.
    case supervisor
    /// An account: everything, including setup and accounts.
    case admin
    /// An account: a clerk (`clerk` names the `[[clerks]]` id); signs in at windows.
    case clerk

    /// The roles a `[[tokens]]` entry may have: devices, and manager for scripts that read reports.
    public static let tokenRoles: [Role] = [.kiosk, .window, .display, .manager]
    /// The roles a person's account may have.
    public static let accountRoles: [Role] = [.admin, .manager, .supervisor, .clerk]

    /// How the pages name the role.
    public var zh: String {
        switch self {
        case .kiosk: "取号机"
        case .window: "窗口设备"
        case .display: "显示屏"
        case .manager: "管理人员"
        case .supervisor: "值班主任"
        case .admin: "系统管理员"
        case .clerk: "窗口工作人员"
        }
    }
}
