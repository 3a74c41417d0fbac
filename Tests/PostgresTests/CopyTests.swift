import Foundation
import JianguanTestSupport
import Testing

/// `jianguan copy` between SQLite and PostgreSQL, and `jianguan audit` on a postgres:// URL,
/// against the tests' own PostgreSQL server.
@Suite(
  "copy between SQLite and PostgreSQL", .enabled(if: PostgresServer.available, PostgresServer.skipReason))
struct CopyTests {
  /// SQLite → PostgreSQL → SQLite: the same root three times, the same entries, the same
  /// balances, and the sealed personal data and key carried both ways.
  @Test func demoRoundTripKeepsTheRootAndEveryEntry() throws {
    let server = try PostgresServer.server()
    let bureau = try Bureau()
    defer { bureau.remove() }
    let demo = try bureau.demo()
    let url = server.url(try server.createDatabase(), bureau: "110000")
    let sourceRoot = try bureau.auditRoot(demo)

    let into = try bureau.ok(["copy", "--from", demo, "--to", url])
    #expect(into.lines.contains("from Merkle root \(sourceRoot)"))
    #expect(into.lines.contains("to   Merkle root \(sourceRoot)"))
    let keyFile = bureau.path("jianguan-110000.key")
    #expect(
      FileManager.default.contents(atPath: keyFile) == FileManager.default.contents(atPath: demo + ".key"))

    let audit = try bureau.ok(["audit", "--db", url])
    #expect(audit.lines.first?.hasPrefix("audit ok: ") == true)
    #expect(audit.lines.first?.hasSuffix("Merkle root \(sourceRoot)") == true)
    #expect(audit.lines.contains("1 stored checkpoints checked"))
    #expect(try bureau.run(["audit", "--db", demo]).lines.dropFirst().first == audit.lines.dropFirst().first)
    #expect(try bureau.ok(["ledger", "export", "--db", url]).lines == bureau.export(demo))
    for proof in [
      ["5"], ["1", "--size", "1"], ["150", "--size", "199"], ["199"], ["9", "--size", "5"], ["500"],
    ] {
      let (fromFile, fromURL) = try (
        bureau.run(["proof", "inclusion"] + proof + ["--db", demo]),
        bureau.run(["proof", "inclusion"] + proof + ["--db", url])
      )
      #expect(
        fromURL.status == fromFile.status && fromURL.stdout == fromFile.stdout
          && fromURL.stderr == fromFile.stderr, "\(proof)")
    }

    let back = bureau.path("back.sqlite")
    let out = try bureau.ok(["copy", "--from", url, "--to", back])
    #expect(out.lines.contains("to   Merkle root \(sourceRoot)"))
    #expect(try bureau.auditRoot(back) == sourceRoot)
    #expect(try bureau.export(back) == bureau.export(demo))
    #expect(
      FileManager.default.contents(atPath: back + ".key")
        == FileManager.default.contents(atPath: demo + ".key"))
    for read in [
      ["balance", "--all", "--format", "json"], ["parent", "show", "P1"], ["checkpoint", "list"],
    ] {
      let original = try bureau.run(read + ["--db", demo])
      #expect(original.status == 0, "\(read): \(original.stderr)")
      #expect(try bureau.run(read + ["--db", back]).stdout == original.stdout, "\(read)")
    }
  }

  /// Two bureaus in one database: each audit sees its own log only, and copying one out carries
  /// none of the other's rows.
  @Test func twoBureausInOneDatabaseStayApart() throws {
    let server = try PostgresServer.server()
    let bureau = try Bureau()
    defer { bureau.remove() }
    let (demo, county) = (try bureau.demo(), try bureau.countyBureau())
    let database = try server.createDatabase()
    let (cityURL, countyURL) = (
      server.url(database, bureau: "110000"), server.url(database, bureau: "340104")
    )
    try bureau.ok(["copy", "--from", demo, "--to", cityURL])
    let json = try bureau.ok(["copy", "--from", county, "--to", countyURL, "--format", "json"])
    let copied = try #require(
      try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    #expect(copied["fromRoot"] as? String == copied["toRoot"] as? String)
    #expect(copied["keyFile"] as? String == "jianguan-340104.key")

    let countyEntries = try bureau.export(county).count
    let cityEntries = try bureau.export(demo).count
    #expect(countyEntries < cityEntries)
    let counts = try server.sql(
      database, "SELECT bureau || '=' || count(*) FROM jianguan.ledger GROUP BY bureau ORDER BY bureau")
    #expect(counts == "110000=\(cityEntries)\n340104=\(countyEntries)")
    #expect(
      try bureau.ok(["audit", "--db", countyURL]).lines.first
        == "audit ok: \(countyEntries) entries, Merkle root \(bureau.auditRoot(county))")
    #expect(
      try bureau.ok(["audit", "--db", cityURL]).lines.first
        == "audit ok: \(cityEntries) entries, Merkle root \(bureau.auditRoot(demo))")

    let back = bureau.path("county-back.sqlite")
    try bureau.ok(["copy", "--from", countyURL, "--to", back])
    #expect(try bureau.export(back) == bureau.export(county))
    #expect(
      try bureau.ok(["parent", "show", "P1", "--db", back]).stdout
        == bureau.ok(["parent", "show", "P1", "--db", county]).stdout)
    let persons = try server.sql(
      database, "SELECT bureau || '=' || count(*) FROM jianguan.persons GROUP BY bureau ORDER BY bureau")
    #expect(persons.hasSuffix("340104=1"))
  }

  /// Two copies of one bureau into one database at once: exactly one is done, the other is
  /// refused after it, and the log is the source's, not a fork or a mix.
  @Test func concurrentCopiesOfOneBureauNeverFork() throws {
    let server = try PostgresServer.server()
    let bureau = try Bureau()
    defer { bureau.remove() }
    let demo = try bureau.demo()
    let url = server.url(try server.createDatabase(), bureau: "110000")
    let running = try (0..<2).map { _ in try bureau.start(["copy", "--from", demo, "--to", url]) }
    let results = try running.map { try $0.finish() }
    #expect(results.map(\.status).sorted() == [0, 1], "\(results.map(\.stderr))")
    let refused = try #require(results.first { $0.status == 1 })
    #expect(refused.stderr.contains("already holds a log of bureau 110000"))
    let audit = try bureau.ok(["audit", "--db", url])
    #expect(
      audit.lines.first
        == "audit ok: \(try bureau.export(demo).count) entries, Merkle root \(try bureau.auditRoot(demo))")
  }
}
