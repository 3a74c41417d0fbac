import ArgumentParser
import Foundation
import JianguanPostgres

/// How results are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table, json
}

/// The options every command takes.
struct GlobalOptions: ParsableArguments {
  @Option(
    name: .long,
    help:
      "The database file, or postgres://USER@HOST:PORT/DBNAME?bureau=REGION (default: $JIANGUAN_DB, else ./jianguan.sqlite)."
  )
  var db: String?

  @Option(name: .long, help: "table (for people) or json (exactly one JSON object on stdout).")
  var format: OutputFormat = .table

  /// The database path in force.
  var databasePath: String {
    db ?? ProcessInfo.processInfo.environment["JIANGUAN_DB"] ?? "./jianguan.sqlite"
  }

  /// The personal-data key file: $JIANGUAN_KEY, else the database path with `.key` appended (for
  /// a PostgreSQL URL, `jianguan-BUREAU.key` in the working folder).
  var keyPath: String {
    ProcessInfo.processInfo.environment["JIANGUAN_KEY"]
      ?? (bureau.map { "jianguan-\($0).key" } ?? databasePath + ".key")
  }

  /// For a PostgreSQL URL, the SQLite cache of the bureau's tables (`PostgresCache`):
  /// $JIANGUAN_CACHE, else `jianguan-BUREAU.cache.sqlite` in the working folder.
  var cachePath: String {
    ProcessInfo.processInfo.environment["JIANGUAN_CACHE"] ?? "jianguan-\(bureau ?? "").cache.sqlite"
  }

  /// The bureau a PostgreSQL URL names, or nil for a file (or a URL that does not parse).
  private var bureau: String? {
    namesPostgres ? (try? PostgresURL.parse(databasePath))?.bureau : nil
  }

  /// Whether the database in force is a PostgreSQL URL rather than a SQLite file.
  var namesPostgres: Bool { PostgresURL.isURL(databasePath) }
}
