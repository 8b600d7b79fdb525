// swift-tools-version: 6.2
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "counterd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "counterd", targets: ["counterd"]),
        .executable(name: "counterctl", targets: ["counterctl"]),
        .executable(name: "counterd-bench", targets: ["counterd-bench"]),
        .executable(name: "counterd-district", targets: ["counterd-district"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", exact: "0.6.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/pointfreeco/swift-clocks.git", from: "1.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", exact: "2.5.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", exact: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", exact: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", exact: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client.git", exact: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
    ],
    // Layers, lowest first; a target imports only targets above it (ARCHITECTURE.md says the same).
    targets: [
        // 1. Values and pure state machines: events, the queue engine, report math. No I/O.
        .target(name: "HallModel", swiftSettings: strict),
        // 2. Wire formats, pure: decoders are total over any byte sequence.
        .target(name: "Codecs", swiftSettings: strict),
        // 2b. The log's format on the wire and at rest, pure: batches, raw rows, the hash chain, the envelope scanner.
        //     The hall and the district both speak it; the district links no SQLite for it.
        .target(name: "LogFormat", dependencies: ["HallModel", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: strict),
        // 3. The SQLite event log, its projections and report queries. Only the Hall writes.
        .target(
            name: "Store",
            dependencies: ["HallModel", "LogFormat", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // libudev, for discovery and hotplug (Debian: libudev-dev).
        .systemLibrary(name: "CUdev", pkgConfig: "libudev", providers: [.apt(["libudev-dev"])]),
        // 4. Transports, discovery, matching, the device supervisor and one driver per device family.
        .target(
            name: "Devices",
            dependencies: [
                "HallModel", "Codecs", "CUdev",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // 5. Who may do what: API tokens and roles, the ticket's rating links.
        .target(name: "Access", dependencies: [.product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
                                               .product(name: "HummingbirdBcrypt", package: "hummingbird-auth")],
                swiftSettings: strict),
        // 6. counterd.toml and the device profiles: decoded, then validated with key paths and lines.
        // TOML files through one path: parse, decode into `Decodable` sections, unknown keys, every problem with
        // its key path and line. The hall's config and profiles and the district's config.
        .target(
            name: "TOMLSections",
            dependencies: ["Codecs", .product(name: "TOMLKit", package: "TOMLKit")],
            swiftSettings: strict
        ),
        .target(
            name: "HallConfig",
            dependencies: [
                "HallModel", "Codecs", "Store", "Devices", "Access", "TOMLSections",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            resources: [.embedInCode("Data/indicators.toml"), .embedInCode("Data/supervision-rules.toml")],
            swiftSettings: strict
        ),
        // 7. Report and export formats (text tables, CSV, XLSX): pure, no I/O.
        .target(name: "Exports", dependencies: ["HallModel"], swiftSettings: strict),
        // 8. The Hall runtime: the Hall actor (decide, commit, publish), event hub, clock, device gateway,
        //    kiosk desk, supervision alerts, voice, reports, status file.
        .target(
            name: "HallRuntime",
            dependencies: [
                "HallModel", "Codecs", "LogFormat", "Store", "Devices", "Access", "HallConfig", "Exports",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // 8a. The kiosk's desk (print before issue, appointment check-in, guides), appointment intake, the citizens'
        //     report: what the kiosk and the appointment pages need beside the Hall.
        .target(
            name: "Kiosk",
            dependencies: [
                "HallModel", "Codecs", "Store", "Devices", "Access", "HallConfig", "HallRuntime",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // 8b. Delivery beside the hall, never in its path: the 好差评 push (record builder, pusher), the district
        //     shipper, the alert webhook, 叫号提醒 — each on the outbox or the event hub, retrying on its own.
        .target(
            name: "Delivery",
            dependencies: [
                "HallModel", "LogFormat", "Store", "HallConfig", "HallRuntime",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // 8c. The demo: one planner for the live traffic and the seeded history. Linked by the daemon for --demo.
        .target(
            name: "Demo",
            dependencies: [
                "HallModel", "Store", "HallRuntime",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // 9. HTTP. The API contract (openapi.yaml) and what swift-openapi-generator makes of it: types, server
        //    stubs, a client for the tests.
        .target(
            name: "HallAPI",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            resources: [.embedInCode("openapi.yaml")],
            // Only generated code and one constant here: the generator's unused `public import`s are its warnings, not ours.
            swiftSettings: strict + [.unsafeFlags(["-suppress-warnings"])],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        //    The JSON API's handlers, server-sent events, the pages (Pages/).
        .target(
            name: "Web",
            dependencies: [
                "HallModel", "LogFormat", "Store", "Devices", "Access", "HallConfig", "Exports", "HallRuntime", "Kiosk", "Delivery", "HallAPI",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            // The pages and the API contract are compiled into the binary: an installed counterd serves them
            // with no files on disk.
            resources: [.embedInCode("Pages")],
            swiftSettings: strict
        ),
        // Simulated devices speaking the real wire protocols on pseudo-terminals and TCP: demo and tests.
        .target(name: "Simulators", dependencies: ["Codecs"], swiftSettings: strict),
        // The hall's composition root: every service of one hall built from its config, in stage order, and the
        // reload path; systemd, the demo's devices and accounts.
        .target(
            name: "HallApp",
            dependencies: [
                "HallModel", "Store", "Devices", "Access", "HallConfig", "HallRuntime", "Kiosk", "Delivery", "Demo", "Web", "Simulators", "Codecs",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        // The daemon: arguments, logging and metrics, then `HallApp.build(...).run()`.
        .executableTarget(
            name: "counterd",
            dependencies: [
                "HallApp", "HallConfig", "HallRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "counterctl",
            dependencies: [
                "HallModel", "Store", "Devices", "Access", "HallConfig", "Exports", "HallRuntime", "Kiosk", "Delivery", "Codecs",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // 10. The district service: every hall's log in PostgreSQL (postgres-nio), exactly once per (hall, seq).
        .target(
            name: "District",
            dependencies: [
                "HallModel", "LogFormat", "Access", "Exports", "TOMLSections",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            resources: [.embedInCode("Pages")],
            swiftSettings: strict
        ),
        // A private PostgreSQL cluster in a temporary directory, for the district's tests and benchmark.
        .target(name: "PostgresHarness", swiftSettings: strict),
        .executableTarget(
            name: "counterd-district",
            dependencies: [
                "District",
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "counterd-bench",
            dependencies: [
                "HallModel", "LogFormat", "Store", "Devices", "Access", "HallConfig", "HallRuntime", "Kiosk", "Delivery", "Demo", "Codecs", "Simulators", "Web", "District",
                "PostgresHarness",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // Test-only program: hall commands against a database, killed at random by CrashSafetyTests. Not a product.
        .executableTarget(
            name: "counterd-crash-probe",
            dependencies: [
                "HallModel", "Store", "HallRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/CrashProbe", swiftSettings: strict
        ),
        // 11. Fuzzing: every decoder of outside bytes as a target (FuzzTargets), and one program that is either
        //     libFuzzer's (`make fuzz`: -sanitize=fuzzer,address -D FUZZING) or a replayer of saved inputs.
        .target(name: "FuzzTargets", dependencies: ["Codecs", "Devices", "HallConfig", "HallModel", "LogFormat", "Store", "Web"], swiftSettings: strict),
        .target(name: "CFuzz"),
        .executableTarget(name: "counterd-fuzz", dependencies: ["FuzzTargets", "CFuzz"],
                          swiftSettings: strict + [.unsafeFlags(["-parse-as-library"])]),
        // What several test targets share: helpers, never shipped.
        .target(
            name: "TestSupport",
            dependencies: ["HallModel", "LogFormat", "Store", "Exports", "HallRuntime", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "FuzzTests", dependencies: ["FuzzTargets", "Codecs", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "HallModelTests", dependencies: ["HallModel", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "DistrictTests", dependencies: ["District", "LogFormat", "Store", "HallModel", "TestSupport",
                                                       .product(name: "Hummingbird", package: "hummingbird")], swiftSettings: strict),
        .testTarget(name: "CodecsTests", dependencies: ["Codecs", "HallModel", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "StoreTests",
            dependencies: ["TestSupport", "HallModel", "LogFormat", "Store", "Exports", "HallConfig", "HallRuntime", "Delivery",
                           .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HallConfigTests",
            dependencies: ["TestSupport", "HallModel", "Devices", "Access", "Exports", "HallConfig", "HallRuntime"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HallRuntimeTests",
            dependencies: ["TestSupport", "HallModel", "Store", "Access", "HallConfig", "HallRuntime", "Kiosk", "Delivery", "Demo", "Devices", "Codecs", "Simulators",
                           .product(name: "Clocks", package: "swift-clocks"), .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DevicesTests",
            dependencies: ["TestSupport", "Devices", "Codecs", "HallModel", "HallConfig", "HallRuntime", "Store", "Simulators",
                           .product(name: "Clocks", package: "swift-clocks"), .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HallAppTests",
            dependencies: ["TestSupport", "HallApp", "HallModel", "HallConfig", "HallRuntime", "Web", "Access",
                           .product(name: "Prometheus", package: "swift-prometheus"), .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WebTests",
            dependencies: [
                "TestSupport", "HallModel", "LogFormat", "Store", "Access", "HallConfig", "HallRuntime", "Web", "Simulators", "Codecs", "District",
                "PostgresHarness", "HallAPI",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
