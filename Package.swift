// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Tests import what they use, but not every module whose members they touch.
let testSettings: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "boxoffice",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "boxoffice", targets: ["boxoffice"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket.git", from: "1.6.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        // STARTTLS and smtps:// for the confirmation email (already built for postgres-nio's TLS).
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // HMAC-SHA256 for webhook signatures (already built for jwt-kit).
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        // Pure domain logic: seat maps, holds, versions. No I/O, no framework imports.
        .target(
            name: "SeatEngine",
            swiftSettings: swiftSettings
        ),
        // QR codes for e-tickets (ISO/IEC 18004: byte mode, level M, versions 1–10) and their SVG. Pure, no imports.
        .target(
            name: "QRCode",
            swiftSettings: swiftSettings
        ),
        // The only code that speaks SQL: schema, migrations, repositories, the journal writer.
        .target(
            name: "BoxOfficeStore",
            dependencies: [
                "SeatEngine",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // For `ConnectionPoolError` only: what the pool throws when it gives up on a connection.
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Services: accounts, catalog, booking, payments. Business rules live here.
        .target(
            name: "BoxOffice",
            dependencies: [
                "SeatEngine",
                "BoxOfficeStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // Transport: HTTP routes, WebSocket sessions, auth, errors in the contract's shape.
        .target(
            name: "BoxOfficeServer",
            dependencies: [
                "BoxOffice",
                "BoxOfficeStore",
                "SeatEngine",
                "QRCode",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            resources: [.copy("Resources/openapi.json")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "boxoffice",
            dependencies: [
                "BoxOfficeServer",
                "BoxOfficeStore",
                "QRCode",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // Benchmarks: drives the server over loopback, and the seat engine directly (see docs/BENCHMARKS.md). Not
        // part of the server.
        .executableTarget(
            name: "boxoffice-bench",
            dependencies: [
                "SeatEngine",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "WSCompression", package: "swift-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test support, in no product: the manual clock and the seeded generator every test target shares.
        .target(
            name: "BoxOfficeTestSupport",
            dependencies: ["SeatEngine"],
            path: "Tests/BoxOfficeTestSupport",
            swiftSettings: swiftSettings
        ),
        // Test support, in no product: fresh databases for suites that run against both stores (a temporary SQLite
        // file; a new PostgreSQL database of the test cluster when BOXOFFICE_TEST_POSTGRES_URL names one).
        .target(
            name: "TestDatabases",
            dependencies: [
                "BoxOfficeStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestDatabases",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SeatEngineTests",
            dependencies: ["SeatEngine", "BoxOfficeTestSupport"],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "QRCodeTests",
            dependencies: ["QRCode"],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "BoxOfficeStoreTests",
            dependencies: [
                "BoxOfficeStore", "SeatEngine", "TestDatabases", "BoxOfficeTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: testSettings
        ),
        // The services driven directly (no HTTP) on a manual clock, against SQLite and PostgreSQL.
        .testTarget(
            name: "BoxOfficeTests",
            dependencies: [
                "BoxOffice", "BoxOfficeStore", "SeatEngine", "BoxOfficeTestSupport", "TestDatabases",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "BoxOfficeServerTests",
            dependencies: [
                "BoxOfficeServer",
                "BoxOffice",
                "BoxOfficeStore",
                "BoxOfficeTestSupport",
                "TestDatabases",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "WSCompression", package: "swift-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: testSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
