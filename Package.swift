// swift-tools-version:6.1
import PackageDescription

let package = Package(
  name: "Jianguan",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "jianguan", targets: ["jianguan"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
    // Test-only: the reference our strict CSV reader is checked against on well-formed files.
    .package(url: "https://github.com/yaslab/CSV.swift", exact: "2.5.2"),
    // The platform service (`jianguan serve`).
    .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
    .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
    // The PostgreSQL store (issue 17): a province's bureaus in one database.
    .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
  ],
  targets: [
    // The system OpenSSL (libcrypto): SHA-256, HMAC, Ed25519. Only JianguanCrypto imports it.
    .systemLibrary(
      name: "COpenSSL",
      pkgConfig: "libcrypto",
      providers: [.apt(["libssl-dev"])]
    ),
    .target(name: "JianguanCrypto", dependencies: ["COpenSSL"]),
    // The system libqrencode: QR code symbols for the compliance plaque. Only JianguanPlaque imports it.
    .systemLibrary(
      name: "CQREncode",
      pkgConfig: "libqrencode",
      providers: [.apt(["libqrencode-dev"])]
    ),
    // Pure domain core: money, identifiers, policy, calendar, schedules. No I/O.
    .target(name: "JianguanCore"),
    // Starting other programs (posix_spawn): the PDF tools, and the tests' runs of the binary.
    .target(name: "CSpawn"),
    .target(name: "JianguanSystem", dependencies: ["CSpawn"]),
    // Entry encoding, hash chain, replay, Merkle tree, checkpoints. No SQL.
    .target(name: "JianguanLedger", dependencies: ["JianguanCore", "JianguanCrypto"]),
    // The only layer that speaks SQL.
    .target(
      name: "JianguanStore",
      dependencies: [
        "JianguanCore", "JianguanLedger", "JianguanCrypto",
        .product(name: "GRDB", package: "GRDB.swift"),
        // The system SQLite's C API, for the few statements of the import's hot path.
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
      ]
    ),
    // The only layer that speaks PostgreSQL: a bureau's log, Merkle hashes and checkpoints in a shared database,
    // with a SQLite file of the SQLite store as each process's cache of a bureau's tables (PostgresCache).
    .target(
      name: "JianguanPostgres",
      dependencies: [
        "JianguanCore", "JianguanLedger", "JianguanCrypto", "JianguanStore",
        .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    // The HTTP service: a thin adapter over the store, like the CLI.
    .target(
      name: "JianguanServer",
      dependencies: [
        "JianguanCore", "JianguanLedger", "JianguanStore", "JianguanCrypto", "JianguanWeb", "JianguanPlaque",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdCore", package: "hummingbird"),
        .product(name: "HummingbirdTLS", package: "hummingbird"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
      ]
    ),
    // The compliance plaque (合规码牌): the QR code of a signed statement, as SVG and a printable page.
    .target(name: "JianguanPlaque", dependencies: ["JianguanCore", "JianguanLedger", "CQREncode"]),
    // The server-rendered pages: Mustache templates, inline SVG charts, one stylesheet.
    .target(
      name: "JianguanWeb",
      dependencies: [
        "JianguanCore", "JianguanLedger", "JianguanStore", "JianguanCrypto", "JianguanPlaque",
        "JianguanSystem",
        .product(name: "Mustache", package: "swift-mustache"),
      ]
    ),
    .executableTarget(
      name: "jianguan",
      dependencies: [
        "JianguanCore", "JianguanLedger", "JianguanStore", "JianguanCrypto", "JianguanPlaque",
        "JianguanServer", "JianguanPostgres",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      linkerSettings: [
        // Every command is a short process. A Swift executable on Linux exports all of its symbols
        // (about 51,000 here), and at start the Swift runtime's backtracer finds its own path
        // with dladdr, which scans every exported symbol: 1-2 ms of each command
        // (docs/BENCHMARKS.md, the twelfth session). Nothing loads this program as a library or
        // looks its symbols up.
        .unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux]))
      ]
    ),
    // Helpers the test targets share (a seeded random generator, the programs they start).
    .target(
      name: "JianguanTestSupport", dependencies: ["JianguanLedger", "JianguanSystem"],
      path: "Tests/JianguanTestSupport"),
    .testTarget(
      name: "JianguanCoreTests",
      dependencies: ["JianguanCore", "JianguanTestSupport", .product(name: "CSV", package: "CSV.swift")]),
    .testTarget(name: "JianguanCryptoTests", dependencies: ["JianguanCrypto"]),
    .testTarget(name: "JianguanSystemTests", dependencies: ["JianguanSystem"]),
    .testTarget(
      name: "JianguanLedgerTests",
      dependencies: ["JianguanLedger", "JianguanCore", "JianguanCrypto", "JianguanTestSupport"]),
    .testTarget(
      name: "JianguanStoreTests",
      dependencies: [
        "JianguanStore", "JianguanLedger", "JianguanCore", "JianguanCrypto", "JianguanTestSupport",
        "JianguanPostgres", .product(name: "GRDB", package: "GRDB.swift"),
      ]
    ),
    .testTarget(
      name: "JianguanPlaqueTests",
      dependencies: [
        "JianguanPlaque", "JianguanLedger", "JianguanCore", "JianguanCrypto", "JianguanTestSupport",
      ]),
    // The pages, rendered from the demo's database (made by the built binary).
    .testTarget(
      name: "JianguanWebTests",
      dependencies: ["jianguan", "JianguanWeb", "JianguanStore", "JianguanCore", "JianguanTestSupport"]
    ),
    .testTarget(
      name: "ServerTests",
      dependencies: [
        "JianguanServer", "JianguanStore", "JianguanLedger", "JianguanCore", "JianguanPostgres",
        "JianguanTestSupport",
        .product(name: "HummingbirdTesting", package: "hummingbird"),
        .product(name: "HummingbirdTLS", package: "hummingbird"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ]
    ),
    // The PostgreSQL store against a server the tests start themselves (skipped where PostgreSQL 15 is missing).
    .testTarget(
      name: "PostgresTests",
      dependencies: [
        "jianguan", "JianguanPostgres", "JianguanStore", "JianguanLedger", "JianguanCore", "JianguanCrypto",
        "JianguanTestSupport",
      ]
    ),
    // Runs the built `jianguan` binary; depending on it makes `swift test` build it first.
    .testTarget(
      name: "EndToEndTests",
      dependencies: [
        "jianguan", "JianguanLedger", "JianguanCore", "JianguanCrypto", "JianguanTestSupport",
        .product(name: "GRDB", package: "GRDB.swift"),
      ]
    ),
  ]
)
