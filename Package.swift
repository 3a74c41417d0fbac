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
    // The compliance plaque (合规码牌): the QR code of a signed statement, as SVG and a printable page.
    .target(name: "JianguanPlaque", dependencies: ["JianguanCore", "JianguanLedger", "CQREncode"]),
    // The server-rendered pages: Mustache templates, inline SVG charts, one stylesheet.
    .target(
      name: "JianguanWeb",
      dependencies: [
        "JianguanCore", "JianguanLedger", "JianguanStore", "JianguanCrypto", "JianguanPlaque",
        .product(name: "Mustache", package: "swift-mustache"),
      ]
    ),
    .executableTarget(
      name: "jianguan",
      dependencies: [
        "JianguanCore", "JianguanLedger", "JianguanStore", "JianguanCrypto", "JianguanPlaque",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // Helpers the test targets share (a seeded random generator).
    .target(name: "JianguanTestSupport", path: "Tests/JianguanTestSupport"),
    .testTarget(
      name: "JianguanCoreTests",
      dependencies: ["JianguanCore", "JianguanTestSupport", .product(name: "CSV", package: "CSV.swift")]),
    .testTarget(name: "JianguanCryptoTests", dependencies: ["JianguanCrypto"]),
    .testTarget(
      name: "JianguanLedgerTests",
      dependencies: ["JianguanLedger", "JianguanCore", "JianguanCrypto", "JianguanTestSupport"]),
    .testTarget(
      name: "JianguanStoreTests",
      dependencies: [
        "JianguanStore", "JianguanLedger", "JianguanCore", "JianguanTestSupport",
        .product(name: "GRDB", package: "GRDB.swift"),
      ]
    ),
    .testTarget(
      name: "JianguanPlaqueTests",
      dependencies: ["JianguanPlaque", "JianguanLedger", "JianguanCore", "JianguanCrypto", "JianguanTestSupport"]),
    // The pages, rendered from the demo's database (made by the built binary).
    .testTarget(
      name: "JianguanWebTests",
      dependencies: ["jianguan", "JianguanWeb", "JianguanStore", "JianguanCore"]
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
