/// The Chinese names of the audit record's actions, for the page and the CSV.
public enum AuditWords {
    public static let actions: [String: String] = [
        "login": "登录", "login_failed": "登录失败", "login_throttled": "登录受限", "logout": "退出登录",
        "user_add": "新建账号", "user_passwd": "重设密码", "user_disable": "停用账号", "user_enable": "启用账号",
        "setup_edit": "修改设置", "setup_restore": "设置交还配置文件", "setup_pin": "重设签到 PIN",
        "supervise_sign_out": "强制签退", "supervise_pause": "暂停窗口", "supervise_resume": "开放窗口", "supervise_no_show": "值班过号", "supervise_transfer": "值班转回排队",
        "supervise_move": "调整排队号", "supervise_notice": "发布通知", "supervise_notice_clear": "撤下通知",
        "case_contact": "差评回访", "case_rectify": "差评整改", "case_close": "差评办结", "case_assign": "差评工单指派",
        "reveal_phone": "查看回访电话", "export_phones": "导出完整回访电话", "token_new": "新建设备令牌", "token_revoke": "撤销设备令牌",
    ]

    public static func action(_ code: String) -> String { actions[code] ?? code }
}
