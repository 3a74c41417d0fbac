import Foundation
import JianguanTestSupport
import Testing

/// `jianguan init` on a postgres:// URL: the bureau's log with exactly the entries a file's
/// `init` appends, its key in a file beside the command, and refusals that write nothing.
@Suite("init on PostgreSQL", .enabled(if: PostgresServer.available, PostgresServer.skipReason))
struct PostgresInitTests {
  static let county = ["--authority", "合肥市蜀山区教育体育局", "--region", "340104"]

  @Test func initOnAURLAppendsWhatAFileInitAppends() throws {
    let server = try PostgresServer.server()
    let bureau = try Bureau()
    defer { bureau.remove() }
    let file = bureau.path("county.sqlite")
    try bureau.ok(["init", "--db", file] + Self.county)
    let database = try server.createDatabase()
    let url = server.url(database, bureau: "340104")
    let created = try bureau.ok(["init", "--db", url] + Self.county)
    #expect(
      created.lines.first
        == "created the log of bureau 340104 in \(url) for 合肥市蜀山区教育体育局; genesis entry at seq 1")
    #expect(created.lines.contains("checkpoint origin: jianguan.340104.example/ledger"))

    // The same entries, byte for byte (the clock is JIANGUAN_NOW): genesis, calendar, policy.
    let fileEntries = try bureau.export(file)
    #expect(fileEntries.count > 3)
    #expect(try bureau.ok(["ledger", "export", "--db", url]).lines == fileEntries)
    let kinds = try server.sql(
      database, "SELECT string_agg(DISTINCT kind, ',' ORDER BY kind) FROM jianguan.ledger")
    #expect(kinds == "calendar,genesis,policy")
    let audit = try bureau.ok(["audit", "--db", url])
    #expect(
      audit.lines.first == "audit ok: \(fileEntries.count) entries, Merkle root \(try bureau.auditRoot(file))"
    )

    // The key: 64 hex digits and a newline, readable by its owner only, never in the database.
    let keyPath = bureau.path("jianguan-340104.key")
    let key = try #require(FileManager.default.contents(atPath: keyPath))
    #expect(key.count == 65 && key.last == 0x0A)
    let mode = try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int
    #expect(mode == 0o600)
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: bureau.folder.path).filter {
        $0.contains(".partial-")
      }.isEmpty)

    // A second bureau in the same database, its key where --key says.
    let city = server.url(database, bureau: "340100")
    try bureau.ok([
      "init", "--db", city, "--region", "340100", "--key", "city.key", "--origin",
      "jianguan.hefei.example/ledger",
    ])
    #expect(FileManager.default.fileExists(atPath: bureau.path("city.key")))
    #expect(
      try bureau.ok(["audit", "--db", city]).lines.first?.hasPrefix("audit ok: \(fileEntries.count) entries")
        == true)
    #expect(try bureau.ok(["audit", "--db", url]).lines == audit.lines)
  }

  /// Each refusal is one sentence, exit 1, and leaves the database and the folder as they were.
  @Test func refusedInitsWriteNothing() throws {
    let server = try PostgresServer.server()
    let bureau = try Bureau()
    defer { bureau.remove() }
    let database = try server.createDatabase()
    let url = server.url(database, bureau: "340104")
    try bureau.ok(["init", "--db", url] + Self.county)
    FileManager.default.createFile(atPath: bureau.path("taken.key"), contents: Data("x".utf8))
    let before = try server.contentDigest(database)
    let files = try FileManager.default.contentsOfDirectory(atPath: bureau.folder.path).sorted()
    let other = server.url(database, bureau: "340102")
    let cases: [([String], String)] = [
      (
        ["init", "--db", url, "--region", "340104", "--key", "again.key"],
        "already holds a log of bureau 340104"
      ),
      (["init", "--db", other, "--region", "340104"], "region 340104 is not the bureau of db"),
      (
        ["init", "--db", other, "--region", "340102", "--key", "taken.key"],
        "key file \"taken.key\" already exists"
      ),
      (["init", "--db", other, "--region", "340102"], "key file \"jianguan-340102.key\" already exists"),
      (["init", "--db", other, "--region", "340102", "--origin", "a b"], "origin \"a b\" must be"),
      (["init", "--db", other, "--region", "999999"], "region"),
      (
        ["init", "--db", bureau.path("f.sqlite"), "--region", "340102", "--key", "k.key"],
        "--key \"k.key\" names the key file of a PostgreSQL store"
      ),
    ]
    // The key file jianguan-340102.key exists only for its case.
    for (arguments, message) in cases {
      let keyCase = message.contains("jianguan-340102.key")
      if keyCase {
        FileManager.default.createFile(atPath: bureau.path("jianguan-340102.key"), contents: Data())
      }
      let result = try bureau.run(arguments)
      if keyCase { try FileManager.default.removeItem(atPath: bureau.path("jianguan-340102.key")) }
      #expect(result.status == 1, "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): one sentence, \(result.stderr)")
    }
    #expect(try server.contentDigest(database) == before)
    #expect(try FileManager.default.contentsOfDirectory(atPath: bureau.folder.path).sorted() == files)
  }
}
