import Access
import Foundation
import HallAPI

/// Device tokens from the setup pages — made (the secret shown once), listed (never the secret), revoked at once —
/// and a clerk's sign-in PIN: generated operations (`openapi.yaml`), each an edit of the setup applied like a reload.
extension HallAPIService {
    func listTokens(_ input: Operations.ListTokens.Input) async throws -> Operations.ListTokens.Output {
        let editor = try setupEditor()
        return .ok(.init(body: .json(.init(tokens: await editor.tokens().map(Components.Schemas.Token.init)))))
    }

    func newToken(_ input: Operations.NewToken.Input) async throws -> Operations.NewToken.Output {
        let principal = try RequestPrincipal.required
        let editor = try setupEditor()
        guard case .json(let body) = input.body else { throw APIError.notFound }
        guard let role = Role(rawValue: body.role.rawValue), Role.tokenRoles.contains(role) else {
            throw APIError.badRequest("invalid_role", zh: "令牌用途须为取号机、窗口设备、显示屏或管理脚本之一", en: "role must be kiosk, window, display or manager")
        }
        let setup = await deps.hall.setup
        if role == .window {
            guard let w = body.window, setup.window(w) != nil else {
                throw APIError.badRequest("invalid_window", zh: "窗口设备的令牌须指明一个已有的窗口号（现有：\(setup.windows.map { String($0.number) }.joined(separator: "、"))）",
                                          en: "a window token needs an existing window number")
            }
        } else if body.window != nil {
            throw APIError.badRequest("invalid_window", zh: "只有窗口设备的令牌属于某个窗口", en: "only a window token has a window")
        }
        let label = (body.label ?? "").trimmingCharacters(in: .whitespaces)
        guard label.count <= 40 else { throw APIError.badRequest("invalid_label", zh: "备注不超过 40 个字", en: "label is at most 40 characters") }
        var bytes = [UInt8](repeating: 0, count: 24)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        let token = bytes.map { String(format: "%02x", $0) }.joined()
        let entry = TokenEntry(role: role, window: role == .window ? body.window : nil, sha256: AccessControl.hash(token), label: label)
        let (refused, _) = await editor.edit(section: "tokens", toml: Components.Schemas.Token.toml(await editor.tokens() + [entry]), by: principal)
        if !refused.isEmpty {
            deps.audit(principal, "token_new", target: role.zh, detail: "未执行：" + refused.joined(separator: "；"), ok: false)
            throw APIError(.conflict, code: "setup_refused", zh: "令牌未生成：" + refused.joined(separator: "；"), en: "no token was made: " + refused.joined(separator: "; "))
        }
        deps.audit(principal, "token_new", target: role.zh + (entry.window.map { " \($0) 号窗口" } ?? ""),
                   detail: "新令牌 \(entry.sha256.prefix(12))" + (label.isEmpty ? "" : "（\(label)）"))
        return .created(.init(body: .json(.init(token: token, made: .init(entry)))))
    }

    func revokeToken(_ input: Operations.RevokeToken.Input) async throws -> Operations.RevokeToken.Output {
        let principal = try RequestPrincipal.required
        let editor = try setupEditor()
        let fingerprint = input.path.fingerprint.lowercased()
        let all = await editor.tokens()
        let matching = all.filter { fingerprint.count >= 8 && $0.sha256.hasPrefix(fingerprint) }
        guard matching.count == 1, let gone = matching.first else {
            throw APIError(.notFound, code: "unknown_token", zh: "没有这个令牌（按列表中的指纹撤销）", en: "no token with that fingerprint")
        }
        let (refused, _) = await editor.edit(section: "tokens", toml: Components.Schemas.Token.toml(all.filter { $0 != gone }), by: principal)
        if !refused.isEmpty {
            deps.audit(principal, "token_revoke", target: gone.role.zh, detail: "未执行：" + refused.joined(separator: "；"), ok: false)
            throw APIError(.conflict, code: "setup_refused", zh: "令牌未撤销：" + refused.joined(separator: "；"), en: "the token was not revoked: " + refused.joined(separator: "; "))
        }
        deps.audit(principal, "token_revoke", target: gone.role.zh + (gone.window.map { " \($0) 号窗口" } ?? ""), detail: "撤销令牌 \(gone.sha256.prefix(12))")
        return .ok(.init(body: .json(.init(revoked: .init(gone)))))
    }

    /// A clerk's new sign-in PIN, stored only as its slow hash, in the clerks section the setup pages own.
    func resetClerkPIN(_ input: Operations.ResetClerkPIN.Input) async throws -> Operations.ResetClerkPIN.Output {
        let principal = try RequestPrincipal.required
        let editor = try setupEditor()
        guard case .json(let body) = input.body else { throw APIError.notFound }
        guard ClerkPIN.isWellFormed(body.pin) else {
            throw APIError.badRequest("invalid_pin", zh: "PIN 须为 4 到 8 位数字", en: "a PIN is 4 to 8 digits")
        }
        let clerk = input.path.clerk
        let (refused, summary) = await editor.resetPIN(clerk: clerk, hash: ClerkPIN.hash(body.pin), by: principal)
        if !refused.isEmpty {
            deps.audit(principal, "setup_pin", target: clerk, detail: "未执行：" + refused.joined(separator: "；"), ok: false)
            throw APIError(.conflict, code: "setup_refused", zh: "PIN 未重设：" + refused.joined(separator: "；"), en: "the PIN was not reset: " + refused.joined(separator: "; "))
        }
        deps.audit(principal, "setup_pin", target: clerk, detail: "重设签到 PIN")
        return .ok(.init(body: .json(.init(reset: true, summary: summary))))
    }

    private func setupEditor() throws -> any SetupEditing {
        guard let editor = deps.setupEditor else { throw APIError.setupUnavailable }
        return editor
    }
}
