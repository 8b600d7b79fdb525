import Access
import Foundation
import Logging
import Store

/// The demo's people: one account per role with a known password, made when missing.
enum DemoAccounts {
    static let accounts: [(login: String, name: String, role: Role, password: String)] = [
        ("admin", "系统管理员", .admin, "demo-admin"),
        ("manager", "王主任", .manager, "demo-manager"),
        ("supervisor", "李值班", .supervisor, "demo-supervisor"),
    ]

    static func ensure(in store: AccountStore, logger: Logger) throws {
        let now = Date()
        for a in accounts where try store.account(a.login) == nil {
            // Cost 10, not 12: the demo starts in a blink and its passwords are printed anyway.
            _ = try store.add(AccountRecord(login: a.login, name: a.name, role: a.role.rawValue, passwordHash: Password.hash(a.password, cost: 10),
                                            createdAt: now, changedAt: now))
            logger.info("demo account made", metadata: ["login": "\(a.login)", "role": "\(a.role.rawValue)"])
        }
    }
}
