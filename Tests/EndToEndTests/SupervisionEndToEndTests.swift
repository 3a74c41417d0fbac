import Foundation
import JianguanTestSupport
import Testing

/// The built `jianguan` binary as a user runs it: stdout, stderr, exit status, and the database
/// afterwards. Needs `swift build` first (swift test builds it).
@Suite(.serialized) struct SupervisionEndToEndTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static let binary = root.appendingPathComponent(".build/debug/jianguan").path

  struct Result {
    let status: Int32
    let stdout: String
    let stderr: String
  }

  /// A fresh folder with a store (`CLI(store:)`, bureau 110000) created by `jianguan init`.
  final class Workspace {
    let cli: CLI
    var folder: URL { cli.folder }
    /// The file or the bureau's URL, given to each command as `--db`.
    var db: String { cli.databasePath }

    init(_ store: TestStore = .sqlite) throws {
      cli = try CLI(store: store, bureau: "110000")
      let created = try run(["init", "--authority", "“双减”工作专门协调机制办公室", "--region", "110000"])
      #expect(created.status == 0, "\(created.stderr)")
    }

    deinit { cli.remove() }

    func run(_ arguments: [String], now: String = "2023-01-12T18:00") throws -> Result {
      let process = ChildProcess()
      process.executableURL = URL(fileURLWithPath: SupervisionEndToEndTests.binary)
      process.arguments = arguments + ["--db", db]
      var environment = ProcessInfo.processInfo.environment
      environment["JIANGUAN_NOW"] = now
      environment["JIANGUAN_DATA"] = SupervisionEndToEndTests.root.appendingPathComponent("Data").path
      process.environment = environment
      process.currentDirectoryURL = folder
      let out = Pipe()
      let err = Pipe()
      process.standardOutput = out
      process.standardError = err
      try process.run()
      let stdout = out.fileHandleForReading.readDataToEndOfFile()
      let stderr = err.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      return Result(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// The number of ledger entries, from `audit --format json`.
    func entries() throws -> Int {
      let audit = try run(["audit", "--format", "json"])
      let object = try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any]
      #expect(object?["ok"] as? Bool == true, "\(audit.stdout)")
      return object?["entries"] as? Int ?? -1
    }
  }

  static let seedFile = root.appendingPathComponent("Data/supervision/2023-01-12.json").path
  static let headerOptions = [
    "--date", "2023-01-12", "--issue", "8", "--serial", "346", "--submitted-to", "部领导", "--copied-to",
    "办公厅、秘书局",
  ]

  @Test(arguments: TestStore.all)
  func importThenBulletinPrintsTheSeedBulletin(store: TestStore) throws {
    let workspace = try Workspace(store)
    let imported = try workspace.run(["import", "supervision", Self.seedFile])
    #expect(imported.status == 0)
    #expect(imported.stdout.hasPrefix("imported 18 records from"))
    #expect(imported.stderr.isEmpty)
    let bulletin = try workspace.run(["report", "bulletin"] + Self.headerOptions)
    #expect(bulletin.status == 0)
    let golden = try String(
      contentsOf: Self.root.appendingPathComponent("Tests/Golden/bulletin-2023-01-12.md"), encoding: .utf8)
    #expect(bulletin.stdout == golden)
    let json = try workspace.run(["report", "bulletin", "--format", "json", "--date", "2023-01-12"])
    let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
    #expect((object?["provinces"] as? [String])?.first == "150000")
    #expect(object?["items"] as? Int == 18)
    #expect(try workspace.entries() == 19 + CLI.calendarEntries)
    // The same file again adds nothing (issue 14.9).
    let again = try workspace.run(["import", "supervision", Self.seedFile])
    #expect(again.status == 0 && again.stdout.hasPrefix("imported nothing from"), "\(again.stderr)")
    #expect(try workspace.entries() == 19 + CLI.calendarEntries)
    #expect(try workspace.run(["report", "bulletin"] + Self.headerOptions).stdout == golden)
  }

  @Test(arguments: TestStore.all)
  func aMalformedBatchIsRefusedWithItsPositionAndWritesNothing(store: TestStore) throws {
    let workspace = try Workspace(store)
    let file = workspace.folder.appendingPathComponent("bad.json")
    try Data(
      """
      {"format": "jianguan-supervision/1", "records": [
        {"type": "measure", "date": "2023-01-12", "region": "340100", "kind": "hotline"},
        {"type": "action", "date": "2023-01-12", "region": "340100",
         "problems": [{"category": "fire-safety", "count": 1}],
         "findings": [{"operatorName": "某培训点", "category": "fire-saftey", "actions": ["rectify"]}]}]}
      """.utf8
    ).write(to: file)
    let result = try workspace.run(["import", "supervision", file.path])
    #expect(result.status == 1)
    #expect(result.stdout.isEmpty)
    #expect(
      result.stderr.hasPrefix("jianguan: records[1].findings[0].category \"fire-saftey\" is not a category"))
    #expect(result.stderr.split(separator: "\n").count == 1)
    #expect(try workspace.entries() == 1 + CLI.calendarEntries)
  }

  @Test(arguments: TestStore.all)
  func badInputIsOneSentenceAndExitOne(store: TestStore) throws {
    let workspace = try Workspace(store)
    let cases: [([String], String)] = [
      (
        ["action", "record", "--region", "999999", "--person-visits", "3"],
        "jianguan: region \"999999\" is not a GB/T 2260 region code\n"
      ),
      (
        ["action", "record", "--region", "340100", "--person-visits", "-3"],
        "jianguan: person-visits \"-3\" is not a whole number written with digits 0-9\n"
      ),
      (
        [
          "finding", "add", "--institution", "52340104MJ000000XX", "--category", "unlicensed", "--actions",
          "ban",
        ],
        "jianguan: institution \"52340104MJ000000XX\" is not registered\n"
      ),
      (
        [
          "finding", "add", "--operator-name", "某小区家教点", "--region", "340104", "--category", "disguised-flat",
          "--actions", "rectify", "--deadline", "2023-01-01",
        ],
        "jianguan: deadline \"2023-01-01\" is before the finding's date 2023-01-12; a deadline lies ahead\n"
      ),
      (
        ["report", "bulletin", "--date", "2023-01-12", "--to", "pdf"],
        "jianguan: --to pdf writes a file: give --out FILE.pdf\n"
      ),
    ]
    for (arguments, message) in cases {
      let result = try workspace.run(arguments)
      #expect(result.status == 1, "\(arguments)")
      #expect(result.stderr == message)
      #expect(result.stdout.isEmpty)
    }
    #expect(try workspace.entries() == 1 + CLI.calendarEntries)
  }

  @Test(arguments: TestStore.all)
  func aFindingIsFollowedToVerificationAndTheSummaryCountsIt(store: TestStore) throws {
    let workspace = try Workspace(store)
    let added = try workspace.run([
      "finding", "add", "--date", "2023-01-05", "--operator-name", "某小区家教点", "--region", "340104",
      "--category", "disguised-flat", "--actions", "rectify", "--deadline", "2023-01-10", "--format", "json",
    ])
    #expect(added.stdout == "{\"id\":\"F1\",\"repeated\":false,\"seq\":\(2 + CLI.calendarEntries)}\n")
    let summary = try workspace.run([
      "report", "summary", "--from", "2023-01-01", "--to", "2023-01-31", "--csv",
    ])
    #expect(summary.stdout.contains("\nfindings_overdue,1\n"))
    #expect(try workspace.run(["finding", "rectify", "F1", "--note", "已停止办班"]).status == 0)
    let verified = try workspace.run(["finding", "verify", "F1", "--note", "复查未见办班"])
    #expect(verified.stdout == "verification of finding F1 recorded at seq \(4 + CLI.calendarEntries)\n")
    let again = try workspace.run(["finding", "verify", "F1", "--note", "再次复查"])
    #expect(again.status == 1)
    #expect(
      again.stderr == "jianguan: finding F1 is verified; only a rectified finding can be marked verified\n")
    let after = try workspace.run([
      "report", "summary", "--from", "2023-01-01", "--to", "2023-01-31", "--csv",
    ])
    #expect(
      after.stdout.contains("\nfindings_verified,1\n") && after.stdout.contains("\nfindings_overdue,0\n"))
    #expect(try workspace.entries() == 4 + CLI.calendarEntries)
  }

  /// SQLite only: the table is edited with the sqlite3 shell on the file.
  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3")))
  func theAuditFindsASupervisionTableEditedBehindTheLedger() throws {
    let workspace = try Workspace()
    #expect(try workspace.run(["import", "supervision", Self.seedFile]).status == 0)
    let edit = ChildProcess()
    edit.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    edit.arguments = [workspace.db, "UPDATE supervision_items SET problems = 99 WHERE id = 'SA4'"]
    try edit.run()
    edit.waitUntilExit()
    #expect(edit.terminationStatus == 0)
    let audit = try workspace.run(["audit"])
    #expect(audit.status == 3)
    #expect(
      audit.stdout.contains(
        "seq \(8 + CLI.calendarEntries): supervision record SA4: table has action of 2023-01-12 with 99 problems, the ledger gives action of 2023-01-12 with 24"
      ))
  }

  /// SQLite only: what is rendered is the bulletin the first test prints on both stores.
  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/weasyprint")))
  func theBulletinRendersToAPDFWithChineseText() throws {
    let workspace = try Workspace()
    #expect(try workspace.run(["import", "supervision", Self.seedFile]).status == 0)
    let pdf = workspace.folder.appendingPathComponent("bulletin.pdf").path
    let result = try workspace.run(
      ["report", "bulletin"] + Self.headerOptions + ["--to", "pdf", "--out", pdf])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("bulletin of 2023-01-12 (14 provinces, 18 items) written to "))
    let bytes = try #require(FileManager.default.contents(atPath: pdf))
    #expect(bytes.starts(with: Array("%PDF-".utf8)))
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext") else { return }
    let text = ChildProcess()
    text.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
    text.arguments = [pdf, "-"]
    let pipe = Pipe()
    text.standardOutput = pipe
    try text.run()
    let extracted = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    text.waitUntilExit()
    #expect(extracted.contains("双减”改革每日快报"))
    #expect(extracted.contains("17267"))
    #expect(extracted.contains("鹿寨县加强部门协同联动"))
  }
}
