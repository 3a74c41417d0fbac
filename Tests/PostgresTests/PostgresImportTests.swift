import Foundation
import JianguanCore
import JianguanLedger
import JianguanPostgres
import JianguanStore
import JianguanTestSupport
import Testing

/// `import payments` on a postgres:// URL: the same rows, rules, sentences and all-or-nothing
/// outcome as a file's import, in one transaction that writes its entries in bulk.
@Suite("import on PostgreSQL", .enabled(if: PostgresServer.available, PostgresServer.skipReason))
struct PostgresImportTests {
  static let header = "bank_ref,student,class,hours,amount_yuan,paid_at"
  /// Three new payments and, last, the first one again (already there).
  static let good = [
    "IMP-1,S1,B1,10,1000,2026-02-20T10:00", "IMP-2,S2,B1,10,1000,2026-02-20T10:00",
    "IMP-3,S1,B1,5,500,2026-02-21T09:00", "IMP-1,S1,B1,10,1000,2026-02-20T10:00",
  ]

  /// A bureau's SQLite ledger with class B1 (2 places, 3 students) and its copy in PostgreSQL.
  private func copiedBureau() throws -> (bureau: Bureau, file: String, url: String, database: String) {
    let server = try PostgresServer.server()
    let bureau = try Bureau()
    let file = try bureau.classBureau(capacity: 2, students: 3)
    let database = try server.createDatabase()
    let url = server.url(database, bureau: "340100")
    try bureau.ok(["copy", "--from", file, "--to", url])
    return (bureau, file, url, database)
  }

  private func csv(_ bureau: Bureau, _ name: String, _ rows: [String]) throws -> String {
    let path = bureau.path(name)
    try ([Self.header] + rows).joined(separator: "\n").appending("\n").write(
      toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// The import's line without its timing.
  private func counts(_ result: Bureau.Result) -> String {
    result.stdout.components(separatedBy: " in ").first ?? result.stdout
  }

  /// The same file into the file and into its copy: the same counts, the same entries byte for
  /// byte, the same Merkle root in both audits; imported again, every row is already there.
  @Test func theSameFileGivesTheSameEntriesAndRootOnBothStores() throws {
    let (bureau, file, url, _) = try copiedBureau()
    defer { bureau.remove() }
    let payments = try csv(bureau, "payments.csv", Self.good)
    let onFile = try bureau.ok(["import", "payments", payments, "--db", file])
    let onURL = try bureau.ok(["import", "payments", payments, "--db", url])
    #expect(counts(onURL) == "imported 4 payments rows: 3 added, 1 already there")
    #expect(counts(onURL) == counts(onFile))
    #expect(try bureau.ok(["ledger", "export", "--db", url]).lines == (try bureau.export(file)))
    let audit = try bureau.ok(["audit", "--db", url])
    #expect(
      audit.lines.first?.hasSuffix("Merkle root \(try bureau.auditRoot(file))") == true, "\(audit.stdout)")
    let again = try bureau.ok(["import", "payments", payments, "--db", url, "--format", "json"])
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
    #expect(object["added"] as? Int == 0 && object["alreadyThere"] as? Int == 4, "\(again.stdout)")
    #expect(try bureau.auditRoot(file) == (try rootOf(bureau, url)))
  }

  /// A file with one refused row writes nothing on PostgreSQL (every row of the database as it
  /// was) and names the row, its column and value, and the rule, in the file's sentences; with
  /// --skip-invalid the good rows go in and the refused ones are written out, as on a file.
  @Test func aRefusedRowWritesNothingAndIsNamedAsOnAFile() throws {
    let server = try PostgresServer.server()
    let (bureau, file, url, database) = try copiedBureau()
    defer { bureau.remove() }
    // S3 finds the class full; the other row's amount has three decimals.
    let rows = Self.good + ["IMP-4,S3,B1,10,1000,2026-02-20T10:00", "IMP-5,S2,B1,1,10.001,2026-02-20T10:00"]
    let payments = try csv(bureau, "payments.csv", rows)
    let before = try server.contentDigest(database)
    let onURL = try bureau.run(["import", "payments", payments, "--db", url])
    let onFile = try bureau.run(["import", "payments", payments, "--db", file])
    #expect(onURL.status == 1 && onFile.status == 1)
    #expect(onURL.stderr == onFile.stderr)
    let lines = onURL.stderr.split(separator: "\n").map(String.init)
    #expect(lines.count == 3, "\(onURL.stderr)")
    #expect(lines.first?.hasPrefix("line 6, column class \"B1\": ") == true, "\(onURL.stderr)")
    #expect(lines.dropFirst().first?.hasPrefix("line 7, column amount_yuan \"10.001\": ") == true)
    #expect(
      lines.last
        == "jianguan: 2 of 6 rows were refused, so nothing was imported (fix them, or use --skip-invalid FILE)"
    )
    #expect(try server.contentDigest(database) == before)

    let skippedURL = try bureau.run([
      "import", "payments", payments, "--db", url, "--skip-invalid", "url.csv",
    ])
    let skippedFile = try bureau.run([
      "import", "payments", payments, "--db", file, "--skip-invalid", "file.csv",
    ])
    #expect(skippedURL.status == 0 && counts(skippedURL) == counts(skippedFile), "\(skippedURL.stderr)")
    #expect(
      try String(contentsOfFile: bureau.path("url.csv"), encoding: .utf8)
        == String(contentsOfFile: bureau.path("file.csv"), encoding: .utf8))
    #expect(try bureau.auditRoot(file) == (try rootOf(bureau, url)))
  }

  /// The other bank files run on the bureau's cache with the file's rules: a refused row is
  /// named by its line, in one sentence, and nothing is written.
  @Test func otherBankFilesRunOnTheCacheWithTheFilesRules() throws {
    let server = try PostgresServer.server()
    let (bureau, _, url, database) = try copiedBureau()
    defer { bureau.remove() }
    let lessons = bureau.path("lessons.csv")
    try "enrollment,hours,taught_at,confirmed\nE1,2,2026-03-07T09:00,yes\n".write(
      toFile: lessons, atomically: true, encoding: .utf8)
    let before = try server.contentDigest(database)
    let result = try bureau.run(["import", "lessons", lessons, "--db", url, "--format", "json"])
    let onFile = try bureau.run([
      "import", "lessons", lessons, "--db", bureau.path("class.sqlite"), "--format", "json",
    ])
    #expect(result.status == 1 && result.stdout.contains("\"import_refused\""), "\(result.stdout)")
    #expect(
      result.stdout.contains(#""line":2,"message":"enrollment \"E1\" does not exist""#), "\(result.stdout)")
    #expect(PostgresCacheTests.timeless(result.stdout) == PostgresCacheTests.timeless(onFile.stdout))
    #expect(try server.contentDigest(database) == before)
  }

  /// A batch larger than the bulk write: entries are written a few at a time inside the
  /// transaction, and a repeated bank reference whose entry was already written answers it from
  /// the table. The log is the one a file's import of the same rows makes.
  @Test func aBatchWrittenInSeveralBulkInsertsIsTheFilesLog() throws {
    let (bureau, file, url, _) = try copiedBureau()
    defer { bureau.remove() }
    let log = try PostgresLog.connect(try PostgresURL.parse(url))
    defer { log.close() }
    let now = try LocalDateTime.parse("2026-06-30T12:00", field: "now")
    let requests = try Self.good.map {
      try AppDatabase.paymentRequest(importing: $0.split(separator: ",").map(String.init), now: now)
    }
    let answers = try log.write(clock: now, appendBatch: 3) { ledger in
      (try requests.map { try PaymentOperation.run($0, in: ledger) }, true)
    }
    #expect(answers.map(\.id) == ["E1", "E2", "E3", "E1"])
    #expect(answers.last?.repeated == true && answers.last?.seq == answers.first?.seq)
    try bureau.ok(["import", "payments", try csv(bureau, "payments.csv", Self.good), "--db", file])
    #expect(try bureau.ok(["ledger", "export", "--db", url]).lines == (try bureau.export(file)))
    #expect(try bureau.auditRoot(file) == (try rootOf(bureau, url)))
  }

  /// The Merkle root the audit of a URL gives (its text form names it).
  private func rootOf(_ bureau: Bureau, _ url: String) throws -> String {
    let line = try #require(try bureau.ok(["audit", "--db", url]).lines.first)
    return try #require(line.components(separatedBy: "Merkle root ").last)
  }
}
