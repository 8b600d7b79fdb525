import Foundation

/// A service category (业务类别) that tickets are taken for.
public struct ServiceCategory: Codable, Sendable, Equatable {
    public var code: String
    public var name: String
    /// Ticket prefix letter(s), e.g. "A" gives A001, A002 …
    public var prefix: String
    /// 一次性告知: the materials a citizen must bring.
    public var checklist: [String]
    /// 限时办结: the handling time limit of one service, in minutes.
    public var timeLimitMinutes: Int
    /// The outcome class (即办/承诺/联办/上报/答复) a caller keypad's evaluate key gives a service of this
    /// category, which has no key to choose one; nil: 即办件. The console always asks.
    public var defaultOutcome: Outcome?
    /// 事项编码 and 事项名称 the 好差评 platform knows this service by (nil: not configured).
    public var taskCode: String?
    public var taskName: String?

    public init(code: String, name: String, prefix: String, checklist: [String] = [], timeLimitMinutes: Int = 30,
                defaultOutcome: Outcome? = nil, taskCode: String? = nil, taskName: String? = nil) {
        self.taskCode = taskCode
        self.taskName = taskName
        self.code = code
        self.name = name
        self.prefix = prefix
        self.checklist = checklist
        self.timeLimitMinutes = timeLimitMinutes
        self.defaultOutcome = defaultOutcome
    }
}

/// A numbered counter window (窗口) and the categories it serves, highest priority first.
public struct ServiceWindow: Codable, Sendable, Equatable {
    public var number: Int
    public var name: String
    public var categories: [String]

    public init(number: Int, name: String, categories: [String]) {
        self.number = number
        self.name = name
        self.categories = categories
    }
}

/// A clerk who can sign in at any window.
public struct Clerk: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    /// 工号, shown to the citizen on the evaluator pages.
    public var staffNo: String?
    /// A photo file (JPEG or PNG) the evaluator pages show; served by counterd.
    public var photo: String?

    public init(id: String, name: String, staffNo: String? = nil, photo: String? = nil) {
        self.id = id
        self.name = name
        self.staffNo = staffNo
        self.photo = photo
    }
}

/// Who the hall is to the 好差评 platform (`[hall] area_code`, `dept_code` …).
public struct HallIdentity: Codable, Sendable, Equatable {
    /// 行政区划代码, 6 to 12 digits.
    public var areaCode: String?
    public var areaName: String?
    /// 统一社会信用代码 of the department running the hall, 18 characters.
    public var deptCode: String?
    public var deptName: String?
    /// The start of generated 办件编号 (default: the area code).
    public var projectNoPrefix: String?

    public init(areaCode: String? = nil, areaName: String? = nil, deptCode: String? = nil, deptName: String? = nil,
                projectNoPrefix: String? = nil) {
        self.areaCode = areaCode
        self.areaName = areaName
        self.deptCode = deptCode
        self.deptName = deptName
        self.projectNoPrefix = projectNoPrefix
    }
}

/// The rules the queue and rating machines follow.
public struct HallRules: Codable, Sendable, Equatable {
    /// How long a window waits for a rating after finishing a ticket.
    public var ratingTimeoutSeconds: Double
    /// Recalls allowed for one call; the recall after the last one marks the ticket a no-show.
    public var maxRecalls: Int
    /// Time zone whose local midnight starts a new business day.
    public var timeZone: String
    /// Score of each level, index 0 = 非常不满意 … index 4 = 非常满意.
    public var scoreWeights: [Double]
    /// How long after a service ends a rating by ticket (the QR code's phone page) is still accepted.
    public var ticketRatingHours: Double
    /// Holidays and 调休 working weekends, for the 差评 cases' 15-working-day deadline.
    public var workingCalendar: WorkingCalendar = WorkingCalendar()
    /// While a window awaits a rating, calling the next number, signing out, hanging up or calling back
    /// are refused (and kept in the log) until the rating comes or its wait ends: the clerk cannot skip it.
    public var ratingBlocksNext: Bool = true
    /// Working days a 差评 case has from the rating to be closed (`[cases] deadline_working_days`; the
    /// provinces' rules say 5 to 15).
    public var caseDeadlineWorkingDays: Int = BadRatingCase.workingDaysAllowed
    /// The 绿色通道 reasons a priority ticket may carry (`[kiosk] priority_reasons`); empty: any reason.
    public var priorityReasons: [String] = []
    /// How long after a level-only rating (keypad, or the tablet's tap) the tablet may still add its reasons,
    /// comment and phone (`[ratings] reasons_window_seconds`); each sign of typing on the tablet renews it.
    public var reasonsWindowSeconds: Double = 120
    /// However often the citizen types, the reasons window ends this long after the level was given.
    public static let reasonsWindowCapSeconds: Double = 1800
    /// The service time the wait estimate assumes before the day has measured any (`[kiosk] default_service_minutes`).
    public var defaultServiceSeconds: Double = 300

    public init(ratingTimeoutSeconds: Double = 30, maxRecalls: Int = 3, timeZone: String = "Asia/Shanghai",
                scoreWeights: [Double] = [0, 25, 50, 75, 100], ticketRatingHours: Double = 24) {
        self.ticketRatingHours = ticketRatingHours
        self.ratingTimeoutSeconds = ratingTimeoutSeconds
        self.maxRecalls = maxRecalls
        self.timeZone = timeZone
        self.scoreWeights = scoreWeights
    }
}

/// Everything the model needs to know about the hall; derived from the config file.
public struct HallSetup: Codable, Sendable, Equatable {
    public var name: String
    public var categories: [ServiceCategory]
    public var windows: [ServiceWindow]
    public var clerks: [Clerk]
    public var rules: HallRules
    /// Optional so setups stored before it decode.
    public var identity: HallIdentity?

    public init(name: String, categories: [ServiceCategory], windows: [ServiceWindow], clerks: [Clerk],
                rules: HallRules = HallRules(), identity: HallIdentity? = nil) {
        self.identity = identity
        self.name = name
        self.categories = categories
        self.windows = windows
        self.clerks = clerks
        self.rules = rules
    }

    public func category(_ code: String) -> ServiceCategory? { categories.first { $0.code == code } }
    public func window(_ number: Int) -> ServiceWindow? { windows.first { $0.number == number } }
    public func clerk(_ id: String) -> Clerk? { clerks.first { $0.id == id } }

    /// The 办件编号 of a ticket the clerk gave none: prefix (the area code), the day as YYYYMMDD, the number.
    /// Unique in the hall; halls sharing an area code set distinct `project_no_prefix`es.
    public func generatedProjectNo(day: String, number: String) -> String {
        let prefix = identity?.projectNoPrefix ?? identity?.areaCode ?? ""
        return prefix + day.replacingOccurrences(of: "-", with: "") + number
    }
}
