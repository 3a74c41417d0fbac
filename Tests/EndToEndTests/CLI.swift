import Foundation
import JianguanCrypto
import JianguanTestSupport
import Testing

/// Runs the built `jianguan` binary in a temporary folder and captures what it prints.
struct CLI {
  struct Result {
    let status: Int32
    let stdout: String
    let stderr: String
  }

  static let packageRoot = BuiltBinary.packageRoot(#filePath)

  /// The Python that runs Tools/verify_ledger.py: the repository's `.venv`, where `.ci/run`
  /// installs `cbor2`, which the verifier needs to read entries.
  static let verifierPython = packageRoot.appendingPathComponent(".venv/bin/python").path

  /// Whether `verifierPython` can import `cbor2`; the verifier's tests are skipped without it.
  static let hasCBOR2: Bool = {
    guard FileManager.default.isExecutableFile(atPath: verifierPython) else { return false }
    let process = ChildProcess()
    process.executableURL = URL(fileURLWithPath: verifierPython)
    process.arguments = ["-c", "import cbor2"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
  }()

  /// The reason a verifier test is skipped.
  static let noCBOR2 = Comment("cbor2 is not installed: .venv/bin/pip install cbor2 (.ci/run does)")

  /// The binary beside the test bundle (the same build folder), else `.build/debug/jianguan`.
  static let binary = BuiltBinary.jianguan(packageRoot: packageRoot)

  let folder: URL
  var environment: [String: String]
  /// The binary `run` starts: the built one, or a copy of it placed elsewhere.
  var executable = CLI.binary
  /// The store `JIANGUAN_DB` names: the file `bureau.sqlite` in the folder, or a bureau in a new
  /// database of the tests' PostgreSQL server.
  let store: TestStore
  /// On PostgreSQL: the server and this CLI's own database in it.
  let postgres: (server: PostgresServer, database: String)?

  /// A new folder, and on PostgreSQL a new database whose bureau `bureau` (the region the test
  /// gives `init`; the URL names it) `JIANGUAN_DB` names.
  init(store: TestStore = .sqlite, bureau: String = "340100") throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "jianguan-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    self.store = store
    environment = ProcessInfo.processInfo.environment
    switch store {
    case .sqlite:
      postgres = nil
      environment["JIANGUAN_DB"] = folder.appendingPathComponent("bureau.sqlite").path
    case .postgres:
      let server = try PostgresServer.server()
      postgres = (server, try server.createDatabase())
      environment["JIANGUAN_DB"] = server.url(postgres!.database, bureau: bureau)
    }
    environment["JIANGUAN_NOW"] = "2026-06-30T12:00"
    environment["JIANGUAN_DATA"] = Self.packageRoot.appendingPathComponent("Data").path
    for name in ["JIANGUAN_KEY", "JIANGUAN_CACHE", "PGPASSWORD"] { environment.removeValue(forKey: name) }
  }

  /// What `JIANGUAN_DB` names: the SQLite file's path, or the bureau's postgres:// URL.
  var databasePath: String { environment["JIANGUAN_DB"]! }

  /// The bureau's personal-data key: `FILE.key` beside a SQLite file; on PostgreSQL the default
  /// of `--key`, `jianguan-REGION.key` in the folder the commands run in.
  var keyPath: String {
    guard store == .postgres else { return databasePath + ".key" }
    return folder.appendingPathComponent("jianguan-\(bureau).key").path
  }

  /// The SQLite files the store keeps in the folder: the database itself, or on PostgreSQL the
  /// bureau's cache of its tables (`jianguan-REGION.cache.sqlite`).
  var sqliteFile: String {
    guard store == .postgres else { return databasePath }
    return folder.appendingPathComponent("jianguan-\(bureau).cache.sqlite").path
  }

  /// The bureau of the URL (on PostgreSQL).
  private var bureau: String { databasePath.split(separator: "=").last.map(String.init) ?? "" }

  /// Whether the store holds a bureau's log yet: the file exists, or the database has the
  /// `jianguan` schema's tables.
  var storeExists: Bool {
    guard let postgres else { return FileManager.default.fileExists(atPath: databasePath) }
    return (try? postgres.server.contentDigest(postgres.database)) != "no jianguan schema"
  }

  /// The `calendar` entries `init` appends right after genesis: one per year of Data/calendar.csv
  /// (its "# covered-years: FIRST-LAST" line).
  static let calendarEntries: Int = {
    let text = try! String(
      contentsOf: packageRoot.appendingPathComponent("Data/calendar.csv"), encoding: .utf8)
    let line = text.split(separator: "\n").first { $0.hasPrefix("# covered-years:") }!
    let years = line.dropFirst("# covered-years:".count).split(separator: "-").map {
      Int($0.trimmingCharacters(in: .whitespaces))!
    }
    // One entry per calendar year, then the policy book.
    return years[1] - years[0] + 1 + 1
  }()

  /// Removes the folder, and on PostgreSQL the CLI's database.
  func remove() {
    try? FileManager.default.removeItem(at: folder)
    if let postgres { try? postgres.server.dropDatabase(postgres.database) }
  }

  /// Runs `demo` and makes its database (and key) the one commands without `--db` use: on
  /// PostgreSQL, copied (`copy --from jianguan-demo.sqlite`) into bureau 110000 of the CLI's
  /// database, which `JIANGUAN_DB` names from then on.
  mutating func useDemoDatabase() throws {
    let demo = try run(["demo"])
    guard demo.status == 0 else { throw CocoaError(.fileReadUnknown, userInfo: ["demo": demo.stderr]) }
    guard let postgres else {
      for suffix in ["", ".key"] {
        try FileManager.default.copyItem(
          at: folder.appendingPathComponent("jianguan-demo.sqlite" + suffix),
          to: URL(fileURLWithPath: databasePath + suffix))
      }
      return
    }
    environment["JIANGUAN_DB"] = postgres.server.url(postgres.database, bureau: "110000")
    let copied = try run(["copy", "--from", "jianguan-demo.sqlite", "--to", databasePath])
    guard copied.status == 0 else { throw CocoaError(.fileReadUnknown, userInfo: ["copy": copied.stderr]) }
  }

  @discardableResult
  func run(_ arguments: [String]) throws -> Result {
    try Self.run(executable.path, arguments, environment: environment, in: folder)
  }

  /// Starts the command and returns at once; `wait()` on the process.
  func start(_ arguments: [String]) throws -> ChildProcess {
    let process = ChildProcess()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = environment
    process.currentDirectoryURL = folder
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  static func run(_ executable: String, _ arguments: [String], environment: [String: String], in folder: URL)
    throws -> Result
  {
    let result = try RunningCommand.start(
      URL(fileURLWithPath: executable), arguments, environment: environment, in: folder
    ).finish()
    return Result(status: result.status, stdout: result.stdout, stderr: result.stderr)
  }

  /// Equal digests mean not one byte of the store was written: SHA-256 of the database file and
  /// its WAL; on PostgreSQL, of every row of every table of the database (`contentDigest`). A
  /// digest that cannot be taken is unequal to every other.
  func databaseDigest() -> String {
    if let postgres {
      do { return try postgres.server.contentDigest(postgres.database) } catch {
        return "no digest (\(error)) \(UUID())"
      }
    }
    var parts: [[UInt8]] = []
    for suffix in ["", "-wal"] {
      parts.append(Array((try? Data(contentsOf: URL(fileURLWithPath: databasePath + suffix))) ?? Data()))
    }
    return Hex.encode(SHA256.hash(parts: parts))
  }

  /// The sqlite3 shell on the database, as an operator tampering with it would use it (SQLite only).
  func sqlite(_ sql: String) throws -> Result {
    precondition(store == .sqlite, "sqlite3 runs on the SQLite store only")
    return try Self.run("/usr/bin/sqlite3", [databasePath, sql], environment: environment, in: folder)
  }

  /// Every entry of the log, in order, as `ledger export` prints it (on either store): `seq`,
  /// `kind`, the decoded `entry` (its `payload`), … .
  func exportedEntries() throws -> [[String: Any]] {
    let export = try run(["ledger", "export"])
    try #require(export.status == 0, "ledger export: \(export.stderr)")
    return try export.stdout.split(separator: "\n").map { line in
      try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }
  }

  /// The kind of every entry of the log, in order.
  func entryKinds() throws -> [String] { try exportedEntries().map { $0["kind"] as? String ?? "?" } }

  /// A valid USCC in region 340104 with the given serial.
  static func uscc(_ serial: Int) -> String {
    let first17 = "52340104MJ\(String(format: "%07d", serial))"
    let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    let sum = zip(first17, weights).reduce(0) { $0 + alphabet.firstIndex(of: $1.0)! * $1.1 }
    return first17 + String(alphabet[(31 - sum % 31) % 31])
  }

  /// A valid resident ID number born in `year` on 05-1x, with the given serial.
  static func residentID(_ serial: Int, year: Int = 2014) -> String {
    let first17 = "340104\(year)051\(serial % 10)\(String(format: "%03d", serial % 1000))"
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    let sum = zip(first17, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
    return first17 + String(Array("10X98765432")[sum % 11])
  }
}
