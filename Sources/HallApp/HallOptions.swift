import HallConfig

/// What the command line says about a hall beyond its config file: where the data files are, the demo, and
/// the overrides applied to the config at start and to every reloaded one.
public struct HallOptions: Sendable {
    /// The simulated hall: traffic, seeded history, demo accounts and devices.
    public struct Demo: Sendable {
        /// How many times faster than a real hall.
        public var speed: Double = 10
        /// Days of history seeded into an empty database.
        public var historyDays: Int = 30
        /// The random seed of traffic and history (halls of a district demo differ by it).
        public var seed: UInt64 = 20_261_201

        public init(speed: Double = 10, historyDays: Int = 30, seed: UInt64 = 20_261_201) {
            self.speed = speed
            self.historyDays = historyDays
            self.seed = seed
        }
    }

    public var configPath: String
    public var profilesDirectory = "/usr/share/counterd/profiles"
    public var platformsDirectory = "/usr/share/counterd/platforms"
    public var guidesDirectory = "/etc/counterd/guides"
    public var demo: Demo?
    /// Tests: a file of seconds added to the system clock (the clock-step tests).
    public var clockOffsetFile: String?
    /// Whether devices are found and watched through libudev (off: fixed paths and TCP only).
    public var useUdev = true
    /// The command line's changes to the config, applied again on every reload.
    public var overrides: @Sendable (inout CounterdConfig) -> Void = { _ in }

    public init(configPath: String) {
        self.configPath = configPath
    }
}

/// Why a hall could not be built, with the exit status that tells systemd and the administrator which kind.
public enum HallStartError: Error, Sendable {
    /// The config, a profile or a device binding is wrong (each problem was logged): EX_CONFIG.
    case config([String])
    /// Another process holds the database's writer lock: EX_TEMPFAIL.
    case databaseBusy(String)
    /// The log cannot be read into a live state: EX_DATAERR.
    case unreadableLog(String)

    public var exitCode: Int32 {
        switch self {
        case .config: 78
        case .databaseBusy: 75
        case .unreadableLog: 65
        }
    }
}
