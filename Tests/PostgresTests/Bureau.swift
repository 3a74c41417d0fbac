import Foundation
import JianguanCore
import JianguanTestSupport
import Testing

/// The built `jianguan` binary run in a temporary folder of one test, with SQLite ledgers of
/// bureaus to copy into PostgreSQL.
struct Bureau {
  struct Result {
    let status: Int32
    let stdout: String
    let stderr: String
    var lines: [String] { stdout.split(separator: "\n").map(String.init) }
  }

  static let packageRoot = BuiltBinary.packageRoot(#filePath)
  static let binary = BuiltBinary.jianguan(packageRoot: packageRoot)

  let folder: URL
  var environment: [String: String]

  init() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "jianguan-pg-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    environment = ProcessInfo.processInfo.environment
    environment["JIANGUAN_NOW"] = "2026-06-30T12:00"
    environment["JIANGUAN_DATA"] = Self.packageRoot.appendingPathComponent("Data").path
    for name in ["JIANGUAN_DB", "JIANGUAN_KEY", "PGPASSWORD"] { environment.removeValue(forKey: name) }
  }

  func remove() { try? FileManager.default.removeItem(at: folder) }

  func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

  /// The county bureau 340104 started twice by `init`: in a file and in a new database of
  /// `server`, to run the same commands on both stores.
  func twinCounties(on server: PostgresServer) throws -> (file: String, url: String, database: String) {
    let county = ["--authority", "合肥市蜀山区教育体育局", "--region", "340104"]
    let file = path("county.sqlite")
    try ok(["init", "--db", file] + county)
    let database = try server.createDatabase()
    let url = server.url(database, bureau: "340104")
    try ok(["init", "--db", url] + county)
    return (file, url, database)
  }

  /// The registration of the county's institution 52340104MJ4300001F, with an escrow account.
  static let countyInstitution = [
    "institution", "register", "--uscc", "52340104MJ4300001F", "--name", "蜀山体育培训中心", "--region", "340104",
    "--kind", "non-subject", "--category", "体育", "--license", "教民3401047000001号", "--license-expires",
    "2029-12-31", "--escrow-bank", "中国银行", "--escrow-account", "6217000000000001",
  ]

  /// Runs the binary in the test's folder; output goes through files, never a full pipe.
  @discardableResult
  func run(_ arguments: [String]) throws -> Result {
    try start(arguments).finish()
  }

  /// A started command; `finish()` waits for it.
  struct Running {
    let command: RunningCommand
    var process: ChildProcess { command.process }

    func finish() throws -> Result {
      let result = try command.finish()
      return Result(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }
  }

  func start(_ arguments: [String]) throws -> Running {
    Running(command: try RunningCommand.start(Self.binary, arguments, environment: environment, in: folder))
  }

  /// Runs a command that must succeed, and returns what it printed.
  @discardableResult
  func ok(_ arguments: [String]) throws -> Result {
    let result = try run(arguments)
    try #require(result.status == 0, "jianguan \(arguments.joined(separator: " ")): \(result.stderr)")
    return result
  }

  /// The demo's ledger (region 110000) at `name`, with a checkpoint signed on it.
  func demo(_ name: String = "demo.sqlite") throws -> String {
    try ok(["demo", "--db", path("bureau-demo.sqlite")])
    for suffix in ["", ".key"] {
      try FileManager.default.moveItem(
        atPath: path("bureau-demo.sqlite") + suffix, toPath: path(name) + suffix)
    }
    try signCheckpoint(name, origin: "jianguan.110000.example/ledger")
    return path(name)
  }

  /// A second, smaller bureau of region 340104: its registry and one checkpoint.
  func countyBureau(_ name: String = "county.sqlite") throws -> String {
    let db = path(name)
    try ok(["init", "--db", db, "--authority", "合肥市蜀山区教育体育局", "--region", "340104"])
    try ok([
      "institution", "register", "--db", db, "--uscc", "52340104MJ4300001F", "--name", "合肥市蜀山区启明体育培训中心",
      "--region", "340104", "--kind", "non-subject", "--category", "体育", "--license", "教民3401047000123号",
      "--license-expires", "2029-12-31", "--escrow-bank", "中国银行", "--escrow-account", "6217000012345678",
    ])
    try ok([
      "parent", "register", "--db", db, "--name", "张三", "--id-number", "11010519491231002X", "--phone",
      "13800138000",
    ])
    try signCheckpoint(name, origin: "jianguan.340104.example/ledger")
    return db
  }

  /// `classBureau` in a file, and copied into a new database of `server` as bureau 340100.
  func copiedClassBureau(on server: PostgresServer, capacity: Int = 2, students: Int = 3) throws -> (
    file: String, url: String, database: String
  ) {
    let file = try classBureau(capacity: capacity, students: students)
    let database = try server.createDatabase()
    let url = server.url(database, bureau: "340100")
    try ok(["copy", "--from", file, "--to", url])
    return (file, url, database)
  }

  /// Runs each command on the file and on the URL, as a table and as JSON, and expects the same
  /// status and output; returns how many of them were refused.
  func compare(_ commands: [[String]], file: String, url: String) throws -> Int {
    var refused = 0
    for command in commands {
      for format in [[], ["--format", "json"]] {
        let onFile = try run(command + format + ["--db", file])
        let onURL = try run(command + format + ["--db", url])
        #expect(onURL.status == onFile.status, "\(command): \(onURL.stderr)")
        #expect(onURL.stdout == onFile.stdout, "\(command + format)")
        #expect(onURL.stderr == onFile.stderr, "\(command + format)")
        if format.isEmpty && onFile.status != 0 { refused += 1 }
      }
    }
    return refused
  }

  /// The bureau the requests across stores run in (`AcrossStoresRequest`): region 340100, one
  /// institution of 340104 with a class B1 of `capacity` places at 100 yuan an hour, weekend slots
  /// of three hours from 2026-03-02, and `students` students S1… of as many parents.
  func classBureau(_ name: String = "class.sqlite", capacity: Int = 2, students: Int = 3) throws -> String {
    let db = path(name)
    let uscc = "52340104MJ4300001F"
    try ok(["init", "--db", db, "--authority", "合肥市教育局", "--region", "340100"])
    for step in [
      [
        "institution", "register", "--uscc", uscc, "--name", "合肥市蜀山区启明体育培训中心", "--region", "340104",
        "--kind", "non-subject", "--category", "体育", "--license", "教民3401047000123号", "--license-expires",
        "2029-12-31", "--escrow-bank", "中国银行", "--escrow-account", "6217000012345678",
      ],
      ["venue", "add", "--institution", uscc, "--address", "合肥市蜀山区长江西路1号", "--area-m2", "300"],
      ["teacher", "add", "--institution", uscc, "--name", "王老师", "--certificate", "20203400123"],
      [
        "course", "add", "--institution", uscc, "--name", "篮球", "--category", "体育", "--delivery", "offline",
        "--lesson-minutes", "60", "--hours", "60", "--price-per-hour", "100", "--class-size",
        capacity < 10 ? "under10" : "10to35",
      ],
      [
        "class", "add", "--course", "C1", "--venue", "V1", "--teacher", "T1", "--capacity", "\(capacity)",
        "--starts", "2026-03-02", "--ends", "2026-05-15", "--schedule", "Sat 09:00-12:00,Sun 09:00-12:00",
      ],
    ] {
      try ok(step + ["--db", db])
    }
    for serial in 1...students {
      try ok([
        "parent", "register", "--db", db, "--name", "家长", "--id-number", Self.residentID(serial, year: 1985),
        "--phone", "13800138000",
      ])
      try ok([
        "student", "add", "--db", db, "--parent", "P\(serial)", "--name", "学生", "--id-number",
        Self.residentID(50 + serial, year: 2015), "--grade", "5",
      ])
    }
    return db
  }

  /// A valid resident ID number of someone born in `year`, different for each `serial` below 90.
  static func residentID(_ serial: Int, year: Int) -> String {
    let first17 = "340104\(year)05\(10 + serial % 18)\(String(format: "%03d", serial))"
    return first17 + String(ResidentID.checkCharacter(forFirst17: first17)!)
  }

  private func signCheckpoint(_ name: String, origin: String) throws {
    let key = path(name + ".signing")
    try ok(["key", "generate", "--name", origin, "--out", key])
    try ok(["checkpoint", "sign", "--db", path(name), "--key", key])
  }

  /// `ledger export` of a SQLite ledger: one line per entry.
  func export(_ db: String) throws -> [String] { try ok(["ledger", "export", "--db", db]).lines }

  /// The Merkle root `audit --format json` gives.
  func auditRoot(_ db: String) throws -> String {
    let result = try ok(["audit", "--db", db, "--format", "json"])
    let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    return try #require(object?["rootHash"] as? String)
  }
}
