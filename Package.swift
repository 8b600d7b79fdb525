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
    ],
    targets: [
        // 1. Pure values and state machines. No I/O.
        .target(name: "HallModel", swiftSettings: strict),
        // 2. Wire formats, pure: decoders are total over any byte sequence.
        .target(name: "Codecs", swiftSettings: strict),
        // libudev, for discovery and hotplug (Debian: libudev-dev).
        .systemLibrary(name: "CUdev", pkgConfig: "libudev", providers: [.apt(["libudev-dev"])]),
        // 4. Transports, discovery, matching and the device supervisor.
        .target(
            name: "Devices",
            dependencies: [
                "HallModel", "Codecs", "CUdev",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // 3. SQLite event log, projections and reports.
        .target(
            name: "Store",
            dependencies: ["HallModel", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        // The Hall actor, configuration and the loop that ties model and store together.
        .target(
            name: "HallService",
            dependencies: [
                "HallModel", "Store", "Devices",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // 8. Simulated devices speaking the real wire protocols on pseudo-terminals: demo mode and tests.
        .target(name: "Simulators", dependencies: ["Codecs"], swiftSettings: strict),
        // 5. HTTP API, server-sent events and pages.
        .target(
            name: "Web",
            dependencies: [
                "HallModel", "Store", "HallService", "Devices",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            // The pages and the API contract are compiled into the binary: an installed counterd serves them
            // with no files on disk.
            resources: [.embedInCode("Pages"), .embedInCode("openapi.yaml")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "counterd",
            dependencies: [
                "HallModel", "Store", "HallService", "Web", "Devices", "Simulators", "Codecs",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "counterctl",
            dependencies: [
                "HallModel", "Store", "HallService", "Devices", "Codecs",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "counterd-bench",
            dependencies: [
                "HallModel", "Store", "HallService", "Devices", "Codecs", "Simulators", "Web",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // What several test targets share: helpers, never shipped.
        .target(
            name: "TestSupport",
            dependencies: ["HallModel", "Store", "HallService", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "HallModelTests", dependencies: ["HallModel", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "CodecsTests", dependencies: ["Codecs"], swiftSettings: strict),
        .testTarget(
            name: "StoreTests",
            dependencies: ["TestSupport", "HallModel", "Store", "HallService", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HallServiceTests",
            dependencies: ["TestSupport", "HallModel", "Store", "HallService", "Devices", "Codecs", "Simulators"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DevicesTests",
            dependencies: ["TestSupport", "Devices", "Codecs", "HallModel", "HallService", "Store", "Simulators"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WebTests",
            dependencies: ["TestSupport", 
                "HallModel", "Store", "HallService", "Web", "Simulators", "Codecs",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
