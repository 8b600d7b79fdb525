import HallModel

/// Every event kind in Chinese, for the pages that list a log's events (a kind must never reach a person as its
/// log name).
enum EventWords {
    static func name(_ kind: EventKind) -> String {
        switch kind {
        case .dayStarted: "新的一天开始"
        case .ticketIssued: "取号"
        case .ticketReserved: "取号机出票中"
        case .ticketVoided: "号码作废"
        case .clerkSignedIn: "工作人员签到"
        case .clerkSignedOut: "工作人员签退"
        case .windowPaused: "窗口暂停服务"
        case .windowResumed: "窗口恢复服务"
        case .ticketCalled: "叫号"
        case .ticketRecalled: "重呼"
        case .ticketNoShow: "过号"
        case .ticketTransferred: "转移"
        case .ticketFinished: "办结"
        case .ticketParked: "挂起"
        case .ticketCalledBack: "叫回"
        case .ticketRated: "评价"
        case .ratingNotGiven: "未评价"
        case .ratingIgnored: "评价按键未计入"
        case .caseOpened: "生成差评工单"
        case .caseContacted: "差评回访"
        case .caseRectified: "差评整改"
        case .caseClosed: "差评办结"
        case .alertRaised: "预警"
        case .alertCleared: "预警解除"
        case .deviceConnected: "设备连接"
        case .deviceLost: "设备断开"
        case .chainAnchored: "日志校验锚点"
        case .ratingSkipRefused: "评价未完成，操作被拒绝"
        case .ratingReasonsAdded: "补充评价原因"
        case .ticketMoved: "值班调整"
        case .noticePosted: "大厅通知"
        case .setupChanged: "设置变更"
        case .ticketRequeued: "恢复过号"
        case .ratingReasonsExtended: "评价原因填写延时"
        case .caseAssigned: "差评工单指派"
        }
    }
}
