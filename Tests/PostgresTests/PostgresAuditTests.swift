import Foundation
import JianguanTestSupport
import Testing

/// The audit of a PostgreSQL log finds what an operator with the database changed, naming the
/// table and the seq; refused commands leave the database as it was.
@Suite("the PostgreSQL audit and refusals", .enabled(if: PostgresServer.available, PostgresServer.skipReason))
struct PostgresAuditTests {
  /// A county bureau copied into a database of its own: (bureau, URL, database).
  private func copied() throws -> (Bureau, String, String) {
    let server = try PostgresServer.server()
    let bureau = try Bureau()
    let county = try bureau.countyBureau()
    let database = try server.createDatabase()
    let url = server.url(database, bureau: "340104")
    try bureau.ok(["copy", "--from", county, "--to", url])
    try bureau.ok(["audit", "--db", url])
    return (bureau, url, database)
  }

  /// Each change made as an attacker with the database would (the append-only triggers off),
  /// and what the audit must say about it.
  @Test(arguments: [
    (
      "ALTER TABLE jianguan.ledger DISABLE TRIGGER USER; UPDATE jianguan.ledger SET entry = set_byte(entry, 40, get_byte(entry, 40) # 1) WHERE bureau = '340104' AND seq = 5",
      "FAULT seq 5: table ledger: the entry's bytes do not hash to its stored hash"
    ),
    (
      "ALTER TABLE jianguan.merkle_tiles DISABLE TRIGGER USER; DELETE FROM jianguan.merkle_tiles WHERE bureau = '340104' AND level = 0 AND idx = 0",
      "table merkle_tiles, tile 0/0 (seq 1…"
    ),
    (
      "INSERT INTO jianguan.merkle_tiles SELECT bureau, level, idx + 7, width, hashes, levels FROM jianguan.merkle_tiles WHERE bureau = '340104' AND level = 0 AND idx = 0",
      "FAULT seq 1793: table merkle_tiles, tile 0/7: not a tile of the tree"
    ),
    (
      "UPDATE jianguan.checkpoints SET signed_at = '2026-01-01T00:00' WHERE bureau = '340104'",
      "table checkpoints, id 1: differs from the checkpoint.signed entry at seq"
    ),
    (
      "UPDATE jianguan.bureaus SET size = size - 1 WHERE bureau = '340104'",
      "table bureaus: the head row says"
    ),
    (
      "UPDATE jianguan.persons SET sealed = NULL WHERE bureau = '340104'",
      "the sealed personal data is missing"
    ),
    (
      "INSERT INTO jianguan.persons SELECT bureau, 'x' || commitment, role, masked_id, sealed FROM jianguan.persons WHERE bureau = '340104'",
      "FAULT table persons, row commitment = x"
    ),
    (
      "DELETE FROM jianguan.persons WHERE bureau = '340104'",
      "the parent the log commits to has no row"
    ),
  ])
  func auditNamesTheChangedTableAndSeq(_ change: String, _ fault: String) throws {
    let (bureau, url, database) = try copied()
    defer { bureau.remove() }
    try PostgresServer.server().sql(database, change)
    let audit = try bureau.run(["audit", "--db", url])
    #expect(audit.status == 3, "\(audit.stdout)\(audit.stderr)")
    #expect(audit.stdout.contains(fault), "\(audit.stdout)")
  }

  /// A bureau's tampered log is not copied out: the copy is refused and writes no file.
  @Test func tamperedLogIsNotCopiedOut() throws {
    let (bureau, url, database) = try copied()
    defer { bureau.remove() }
    try PostgresServer.server().sql(
      database, "ALTER TABLE jianguan.merkle_tiles DISABLE TRIGGER USER; DELETE FROM jianguan.merkle_tiles")
    let back = bureau.path("back.sqlite")
    let copy = try bureau.run(["copy", "--from", url, "--to", back])
    #expect(copy.status == 1)
    #expect(copy.stderr.contains("fails its audit"))
    #expect(!FileManager.default.fileExists(atPath: back))
    #expect(!FileManager.default.fileExists(atPath: back + ".key"))
  }

  /// Refused copies leave the database byte for byte as it was, and write no key file.
  @Test func refusedCopiesWriteNothing() throws {
    let server = try PostgresServer.server()
    let (bureau, url, database) = try copied()
    defer { bureau.remove() }
    let county = bureau.path("county.sqlite")
    let demo = try bureau.demo()
    let before = try server.contentDigest(database)
    let cases: [([String], String)] = [
      (["copy", "--from", county, "--to", url], "already holds a log of bureau 340104"),
      (["copy", "--from", demo, "--to", server.url(database, bureau: "340104")], "key file"),
      (
        ["copy", "--from", demo, "--to", server.url(database, bureau: "110001")],
        "is not the region of the ledger"
      ),
      (
        ["copy", "--from", bureau.path("missing.sqlite"), "--to", server.url(database, bureau: "110000")],
        "does not exist"
      ),
      (
        ["copy", "--from", demo, "--to", "postgres://postgres@127.0.0.1:\(server.port)/\(database)"],
        "the bureau is missing"
      ),
      (
        ["copy", "--from", demo, "--to", "postgres://postgres@127.0.0.1/\(database)?bureau=110000"],
        "the port is missing"
      ),
      (
        ["copy", "--from", demo, "--to", bureau.path("other.sqlite")],
        "copy moves a ledger between a SQLite file and PostgreSQL"
      ),
      (["copy", "--from", url, "--to", county], "already exists"),
      (
        ["backup", "--db", url, "--to", bureau.path("backup.sqlite")],
        "--db names a PostgreSQL store, and `jianguan backup` works on a SQLite file only; a bureau in PostgreSQL is copied out with `jianguan copy`"
      ),
    ]
    for (arguments, message) in cases {
      let result = try bureau.run(arguments)
      #expect(result.status == 1, "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): one sentence, \(result.stderr)")
    }
    // A bureau the database does not hold is a database that is not there, as a missing file is:
    // exit 2, `database_missing`, nothing created.
    let missing = try bureau.run([
      "audit", "--db", server.url(database, bureau: "110000"), "--format", "json",
    ])
    #expect(
      missing.status == 2 && missing.stdout.contains(#""code":"database_missing""#), "\(missing.stdout)")
    #expect(missing.stdout.contains("holds no log of bureau 110000"))
    // $JIANGUAN_DB names the store as --db does.
    var viaEnvironment = bureau
    viaEnvironment.environment["JIANGUAN_DB"] = url
    let backup = try viaEnvironment.run(["backup", "--to", bureau.path("backup.sqlite")])
    #expect(backup.status == 1 && backup.stderr.contains("`jianguan backup` works on a SQLite file only"))
    #expect(!FileManager.default.fileExists(atPath: bureau.path("backup.sqlite")))
    #expect(try viaEnvironment.ok(["audit"]).lines.first?.hasPrefix("audit ok: 29 entries") == true)
    #expect(try server.contentDigest(database) == before)
    #expect(!FileManager.default.fileExists(atPath: bureau.path("jianguan-110001.key")))
    #expect(!FileManager.default.fileExists(atPath: bureau.path("jianguan-110000.key")))
  }
}
