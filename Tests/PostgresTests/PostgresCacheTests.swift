import Foundation
import JianguanCore
import JianguanCrypto
import JianguanTestSupport
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The commands that need the SQLite store's tables run on a URL through the bureau's cache
/// (`PostgresCache`): a SQLite file kept up to the bureau's log, whose every write is appended to
/// the log in PostgreSQL before it commits. They print what they print on a file, they write the
/// same entries, a refusal on either side writes nothing on either, and the file is rebuilt from
/// the log when it is missing or is not a prefix of it.
@Suite("the bureau's cache on PostgreSQL", .enabled(if: PostgresServer.available, PostgresServer.skipReason))
struct PostgresCacheTests {
  /// The demo's ledger in a file and, copied, in a new database.
  private func demoBureau(_ server: PostgresServer, _ bureau: Bureau) throws -> (
    file: String, url: String, database: String
  ) {
    let file = try bureau.demo()
    let database = try server.createDatabase()
    let url = server.url(database, bureau: "110000")
    try bureau.ok(["copy", "--from", file, "--to", url])
    return (file, url, database)
  }

  /// A command's output without the time it took (an import's `"milliseconds"`).
  static func timeless(_ output: String) -> String {
    output.replacing(/"milliseconds":\d+/, with: "")
  }

  /// The cache file of bureau `region` in the test's folder.
  private func cachePath(_ bureau: Bureau, _ region: String) -> String {
    bureau.path("jianguan-\(region).cache.sqlite")
  }

  @Test func readCommandsPrintWhatTheyPrintOnTheFile() throws {
    let server = try PostgresServer.server()
    let bureau = try Bureau()
    defer { bureau.remove() }
    let (file, url, _) = try demoBureau(server, bureau)
    let commands: [[String]] = [
      ["report", "bulletin", "--date", "2026-04-21"],
      ["report", "summary", "--from", "2026-01-01", "--to", "2026-06-30"],
      ["report", "coverage", "--as-of", "2026-04-21"], ["report", "risk", "--as-of", "2026-04-21"],
      ["enrollment", "list"], ["enrollment", "show", "E2"], ["lesson", "list"], ["lesson", "show", "L3"],
      ["refund", "list"], ["venue", "list"], ["teacher", "list"], ["calendar", "list"], ["policy", "show"],
      ["policy", "list"], ["enrollment", "show", "E99"],
    ]
    #expect(!FileManager.default.fileExists(atPath: cachePath(bureau, "110000")))
    // The last one is refused on both, the same sentence: the cache answers as a file does.
    #expect(try bureau.compare(commands, file: file, url: url) == 1)
    #expect(FileManager.default.fileExists(atPath: cachePath(bureau, "110000")))
  }

  /// The same writes on a file and on its copy in PostgreSQL — the class session and the bank
  /// files of lessons and refunds through the cache, payments and confirmations on the log
  /// itself, in turns — give the same log: the same Merkle root, and both audits pass.
  @Test func writesThroughTheCacheGiveTheFilesLog() throws {
    let server = try PostgresServer.server()
    let bureau = try Bureau()
    defer { bureau.remove() }
    let (file, url, _) = try bureau.copiedClassBureau(on: server, capacity: 3, students: 3)
    let lessons = bureau.path("lessons.csv")
    try "enrollment,hours,taught_at,confirmed\nE1,3,2026-03-14T09:00,yes\nE2,3,2026-03-14T09:00,no\n".write(
      toFile: lessons, atomically: true, encoding: .utf8)
    let refunds = bureau.path("refunds.csv")
    try "bank_ref,enrollment,hours,reason\nRF-1,E3,3,搬家\n".write(
      toFile: refunds, atomically: true, encoding: .utf8)
    let steps: [[String]] = [
      [
        "pay", "--student", "S1", "--class", "B1", "--hours", "12", "--amount", "1200", "--bank-ref", "P-1",
        "--at",
        "2026-03-01T10:00",
      ],
      [
        "pay", "--student", "S2", "--class", "B1", "--hours", "12", "--amount", "1200", "--bank-ref", "P-2",
        "--at",
        "2026-03-01T10:00",
      ],
      [
        "pay", "--student", "S3", "--class", "B1", "--hours", "12", "--amount", "1200", "--bank-ref", "P-3",
        "--at",
        "2026-03-01T10:00",
      ],
      ["lesson", "record", "--class", "B1", "--hours", "3", "--taught-at", "2026-03-07T09:00"],
      ["lesson", "confirm", "L1"],
      ["import", "lessons", lessons], ["import", "refunds", refunds],
      [
        "lesson", "record", "--class", "B1", "--hours", "3", "--taught-at", "2026-03-15T09:00", "--absent",
        "S3",
      ],
      ["settle", "--as-of", "2026-03-20"],
    ]
    for step in steps {
      let onFile = try bureau.run(step + ["--db", file, "--format", "json"])
      let onURL = try bureau.run(step + ["--db", url, "--format", "json"])
      #expect(onFile.status == 0, "\(step): \(onFile.stderr)")
      #expect(onURL.status == onFile.status, "\(step): \(onURL.stderr)")
      #expect(Self.timeless(onURL.stdout) == Self.timeless(onFile.stdout), "\(step)")
    }
    let fileAudit = try bureau.ok(["audit", "--db", file]).lines.first
    let urlAudit = try bureau.ok(["audit", "--db", url]).lines.first
    #expect(fileAudit == urlAudit, "same size and root")
    #expect(urlAudit?.hasPrefix("audit ok:") == true, "\(urlAudit ?? "")")
  }

  /// A write the rules refuse, and a write PostgreSQL refuses after the cache ran it, leave the
  /// bureau's rows and the cache's log as they were; once PostgreSQL accepts, the same command
  /// is written once, in both.
  @Test func aRefusalOnEitherSideWritesNothingOnEither() throws {
    let server = try PostgresServer.server()
    let bureau = try Bureau()
    defer { bureau.remove() }
    let (_, url, database) = try bureau.copiedClassBureau(on: server, capacity: 3, students: 2)
    try bureau.ok([
      "pay", "--db", url, "--student", "S1", "--class", "B1", "--hours", "12", "--amount", "1200",
      "--bank-ref",
      "P-1", "--at", "2026-03-01T10:00",
    ])
    let session = ["lesson", "record", "--db", url, "--class", "B1", "--hours", "3", "--taught-at"]
    let cache = cachePath(bureau, "340100")
    func cachedEntries() throws -> String {
      try RunningCommand.start(
        URL(fileURLWithPath: "/usr/bin/sqlite3"), [cache, "SELECT count(*) FROM ledger"],
        environment: bureau.environment, in: bureau.folder
      ).finish().stdout
    }
    _ = try bureau.ok(["enrollment", "list", "--db", url])
    let before = try server.contentDigest(database)
    let cachedBefore = try cachedEntries()
    // The rules: not a slot of the class.
    let refused = try bureau.run(session + ["2026-03-07T10:00", "--format", "json"])
    #expect(refused.status == 1 && refused.stdout.contains("\"lesson_not_in_schedule\""), "\(refused.stdout)")
    #expect(try server.contentDigest(database) == before)
    #expect(try cachedEntries() == cachedBefore)
    // PostgreSQL: its ledger refuses every insert for now.
    _ = try server.sql(
      database,
      """
      CREATE FUNCTION jianguan.no_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'inserts are off'; END $$;
      CREATE TRIGGER no_insert BEFORE INSERT ON jianguan.ledger FOR EACH ROW EXECUTE FUNCTION jianguan.no_insert();
      """)
    let failed = try bureau.run(session + ["2026-03-07T09:00"])
    #expect(failed.status == 2, "\(failed.stderr)")
    #expect(failed.stderr.split(separator: "\n").count == 1, "one sentence: \(failed.stderr)")
    #expect(try cachedEntries() == cachedBefore, "the cache rolled back with PostgreSQL")
    _ = try server.sql(database, "DROP TRIGGER no_insert ON jianguan.ledger")
    #expect(try server.contentDigest(database) == before)
    try bureau.ok(session + ["2026-03-07T09:00"])
    let lessons = try bureau.ok(["lesson", "list", "--db", url, "--format", "json"]).stdout
    #expect(lessons.components(separatedBy: "\"id\":\"L").count - 1 == 1, "one lesson: \(lessons)")
    #expect(try bureau.ok(["audit", "--db", url]).lines.first?.hasPrefix("audit ok:") == true)
  }

  /// The cache follows what other processes append to the log, and is rebuilt from the log when
  /// it is removed or holds an entry the log does not.
  @Test func theCacheFollowsTheLogAndIsRebuiltFromIt() throws {
    let server = try PostgresServer.server()
    var bureau = try Bureau()
    defer { bureau.remove() }
    let (file, url, _) = try demoBureau(server, bureau)
    let cache = cachePath(bureau, "110000")
    let list = ["enrollment", "list", "--db", url, "--format", "json"]
    let first = try bureau.ok(list).stdout
    bureau.environment["JIANGUAN_NOW"] = "2026-07-01T12:00"
    // Appended on the log itself (`pay` replays it): the cache catches up at its next use.
    let pay = [
      "pay", "--student", "S5", "--class", "B1", "--hours", "2", "--amount", "240", "--bank-ref", "LATE-1",
      "--at",
      "2026-04-20T10:00",
    ]
    try bureau.ok(pay + ["--db", url])
    let second = try bureau.ok(list).stdout
    #expect(second != first && second.contains("LATE-1"))
    // Removed: built again, the same answer.
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: cache + suffix) }
    #expect(try bureau.ok(list).stdout == second)
    // A cache with an entry the log lacks (the file's own payment, made only there) is not a
    // prefix of the log: it is dropped and built again from the log.
    try bureau.ok(pay + ["--db", file])
    try bureau.ok([
      "pay", "--db", file, "--student", "S6", "--class", "B1", "--hours", "2", "--amount", "240",
      "--bank-ref",
      "FILE-ONLY", "--at", "2026-04-20T10:00",
    ])
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: cache + suffix) }
    try FileManager.default.copyItem(atPath: file, toPath: cache)
    let rebuilt = try bureau.ok(list).stdout
    #expect(rebuilt == second, "the log's enrollments, not the file's")
    #expect(!rebuilt.contains("FILE-ONLY"))
    // A damaged cache (not a database at all) is built again too.
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: cache + suffix) }
    try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: cache))
    #expect(try bureau.ok(list).stdout == second)
  }

  /// Two bureaus in one database: every read command on the county's URL, asked about the
  /// city's records, answers what it answers on the county's own file, where the city's records
  /// are not — on the log itself and through the cache alike.
  @Test func everyReadAcrossTheBoundaryAnswersAsTheBureausOwnFile() throws {
    let server = try PostgresServer.server()
    let bureau = try Bureau()
    defer { bureau.remove() }
    let (demo, county) = (try bureau.demo(), try bureau.countyBureau())
    let database = try server.createDatabase()
    let countyURL = server.url(database, bureau: "340104")
    try bureau.ok(["copy", "--from", demo, "--to", server.url(database, bureau: "110000")])
    try bureau.ok(["copy", "--from", county, "--to", countyURL])
    let city = "52110101MJ4307919R"
    let reads: [[String]] = [
      ["institution", "list"], ["institution", "show", city], ["course", "list"], ["course", "show", "C1"],
      ["class", "list"], ["class", "show", "B1"], ["parent", "show", "P2"], ["student", "show", "S1"],
      ["enrollment", "list"], ["enrollment", "show", "E1"], ["lesson", "list"], ["lesson", "show", "L1"],
      ["refund", "list"], ["refund", "show", "R1"], ["venue", "list"], ["teacher", "list"],
      ["refund-request", "list"], ["refund-request", "show", "RA1"],
      ["contract", "show", "--enrollment", "E1"],
      ["balance", "--all"], ["balance", "--enrollment", "E1"], ["balance", "--institution", city],
      ["report", "bulletin", "--date", "2026-04-21"],
      ["report", "summary", "--from", "2026-01-01", "--to", "2026-06-30"],
      ["report", "coverage", "--as-of", "2026-04-21"], ["report", "risk", "--as-of", "2026-04-21"],
      ["report", "ratings", "--institution", city], ["credential", "list"], ["checkpoint", "list"],
      ["ledger", "export"],
      ["receipt", "export", "--enrollment", "E1", "--key", bureau.path("county.sqlite.signing")],
      ["calendar", "list"], ["policy", "show"],
    ]
    for read in reads {
      let onFile = try bureau.run(read + ["--db", county, "--format", "json"])
      let onURL = try bureau.run(read + ["--db", countyURL, "--format", "json"])
      #expect(onURL.status == onFile.status, "\(read): \(onURL.stderr)")
      #expect(onURL.stdout == onFile.stdout, "\(read)")
      #expect(onURL.stderr == onFile.stderr, "\(read)")
      #expect(!onURL.stdout.contains(city) || read.contains(city), "\(read): \(onURL.stdout)")
    }
  }

  /// Writes through two caches of one bureau (two folders, two offices) and on the log itself,
  /// all at once: they wait for each other at the bureau's lock, none is lost and the chain does
  /// not fork; each cache then reads the same log.
  @Test func concurrentWritersThroughTwoCachesNeverForkTheLog() throws {
    let server = try PostgresServer.server()
    let bureau = try Bureau()
    defer { bureau.remove() }
    let (_, url, _) = try bureau.copiedClassBureau(on: server, capacity: 3, students: 3)
    for student in 1...2 {
      try bureau.ok([
        "pay", "--db", url, "--student", "S\(student)", "--class", "B1", "--hours", "30", "--amount", "3000",
        "--bank-ref", "P-\(student)", "--at", "2026-03-01T10:00",
      ])
    }
    var offices = [bureau, bureau]
    offices[0].environment["JIANGUAN_CACHE"] = bureau.path("office-a.sqlite")
    offices[1].environment["JIANGUAN_CACHE"] = bureau.path("office-b.sqlite")
    let slots = ["2026-03-07", "2026-03-08", "2026-03-14", "2026-03-15", "2026-03-21", "2026-03-22"]
    var running = slots.enumerated().map { index, day in
      try? offices[index % 2].start([
        "lesson", "record", "--db", url, "--class", "B1", "--hours", "3", "--taught-at", "\(day)T09:00",
      ])
    }
    running.append(
      try? bureau.start([
        "pay", "--db", url, "--student", "S3", "--class", "B1", "--hours", "30", "--amount", "3000",
        "--bank-ref",
        "P-3", "--at", "2026-03-01T10:00",
      ]))
    for process in running {
      let result = try #require(try process?.finish())
      #expect(result.status == 0, "\(result.stderr)")
    }
    let audit = try bureau.ok(["audit", "--db", url]).lines.first ?? ""
    #expect(audit.hasPrefix("audit ok:"), "\(audit)")
    let lessons = ["lesson", "list", "--db", url, "--format", "json"]
    let fromA = try offices[0].ok(lessons).stdout
    #expect(try offices[1].ok(lessons).stdout == fromA)
    // S1 and S2 in each of the six sessions, and S3 in those recorded after its payment.
    let count = fromA.components(separatedBy: "\"id\":\"L").count - 1
    #expect((12...18).contains(count), "\(count) lessons: \(fromA)")
  }

  /// A registry file of 2,100 parents imported through the cache: pushed to the log in pages, the
  /// sealed records with it, the file's root; a parent's name then opens on the log itself.
  @Test func aLargeImportThroughTheCacheIsTheFilesImport() throws {
    let server = try PostgresServer.server()
    let bureau = try Bureau()
    defer { bureau.remove() }
    let (file, url, database) = try bureau.copiedClassBureau(on: server, capacity: 2, students: 1)
    var rows = ["name,id_number,phone"]
    for serial in 0..<2100 {
      // A birth date per serial: 1970-01-01 on, 28 days a month.
      let first17 =
        "340104\(1970 + serial / 336)" + String(format: "%02d%02d", serial / 28 % 12 + 1, serial % 28 + 1)
        + "123"
      let id = first17 + String(ResidentID.checkCharacter(forFirst17: first17)!)
      rows.append("家长\(serial),\(id),138\(String(format: "%08d", serial))")
    }
    let parents = bureau.path("parents.csv")
    try (rows.joined(separator: "\n") + "\n").write(toFile: parents, atomically: true, encoding: .utf8)
    let onFile = try bureau.ok(["import", "registry", "parents", parents, "--db", file, "--format", "json"])
    let onURL = try bureau.ok(["import", "registry", "parents", parents, "--db", url, "--format", "json"])
    #expect(Self.timeless(onURL.stdout) == Self.timeless(onFile.stdout))
    // The class bureau's own parent and student, and the 2,100.
    #expect(try server.sql(database, "SELECT count(*) FROM jianguan.persons") == "2102")
    let fileAudit = try bureau.ok(["audit", "--db", file]).lines.first
    #expect(try bureau.ok(["audit", "--db", url]).lines.first == fileAudit)
    let show = ["parent", "show", "P2078", "--format", "json"]
    let shown = try bureau.ok(show + ["--db", url]).stdout
    let shownOnFile = try bureau.ok(show + ["--db", file]).stdout
    #expect(shown.contains("家长2076") && shown == shownOnFile, "\(shown)")
  }

  /// A family erased on the log reaches the cache at its next use, and the cache keeps no copy of
  /// the sealed record: not in the file, not in its write-ahead log.
  @Test func anErasureOnTheLogLeavesNoCopyInTheCache() throws {
    let server = try PostgresServer.server()
    let bureau = try Bureau()
    defer { bureau.remove() }
    let (_, url, _) = try bureau.copiedClassBureau(on: server, capacity: 2, students: 2)
    let cache = cachePath(bureau, "340100")
    try bureau.ok(["enrollment", "list", "--db", url])
    let sealed = try RunningCommand.start(
      URL(fileURLWithPath: "/usr/bin/sqlite3"),
      [
        cache,
        "SELECT hex(sealed) FROM persons WHERE commitment = (SELECT commitment FROM parents WHERE id = 'P1')",
      ],
      environment: bureau.environment, in: bureau.folder
    ).finish().stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(sealed.count > 64, "P1's sealed record is in the cache: \(sealed)")
    let probe = try #require(Hex.decode(String(sealed.prefix(64)).lowercased()))
    try bureau.ok(["parent", "erase", "P1", "--reason", "家长申请删除", "--yes-erase", "--db", url])
    try bureau.ok(["enrollment", "list", "--db", url])
    for suffix in ["", "-wal"] {
      let bytes = [UInt8](FileManager.default.contents(atPath: cache + suffix) ?? Data())
      #expect(!Self.contains(bytes, probe), "the cache\(suffix) still holds P1's sealed record")
    }
    let shown = try bureau.ok(["parent", "show", "P1", "--db", url, "--format", "json"]).stdout
    #expect(shown.contains("erased"), "\(shown)")
  }

  /// Whether `bytes` holds `needle` somewhere.
  static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, bytes.count >= needle.count else { return false }
    return (0...(bytes.count - needle.count)).contains { start in
      bytes[start] == needle[0] && Array(bytes[start..<start + needle.count]) == needle
    }
  }

  /// Commands about a SQLite file as such are refused on a URL, in one sentence, nothing written.
  @Test func fileOnlyCommandsAreRefusedOnAURL() throws {
    let server = try PostgresServer.server()
    let bureau = try Bureau()
    defer { bureau.remove() }
    let (_, url, database) = try demoBureau(server, bureau)
    let before = try server.contentDigest(database)
    let result = try bureau.run(["backup", "--db", url, "--to", bureau.path("b.sqlite"), "--format", "json"])
    #expect(result.status == 1 && result.stdout.contains("\"postgres_file_only\""), "\(result.stdout)")
    #expect(result.stdout.contains("`jianguan copy`"))
    #expect(try server.contentDigest(database) == before)
    #expect(!FileManager.default.fileExists(atPath: bureau.path("b.sqlite")))
  }

  /// `serve --db URL`: a bank's payment over HTTP is in the bureau's log when it is answered, a
  /// retry answers the same enrollment, and a payment made meanwhile by the command line on the
  /// same log counts for the service's next answer (the class is then full).
  @Test func serveRunsOnAURL() throws {
    let server = try PostgresServer.server()
    let bureau = try Bureau()
    defer { bureau.remove() }
    let (_, url, database) = try bureau.copiedClassBureau(on: server)
    let issued = try bureau.ok([
      "credential", "issue", "--db", url, "--role", "bank", "--bank", "中国银行", "--format", "json",
    ])
    let token = String(try #require(issued.stdout.firstMatch(of: /"token":"([^"]+)"/)?.1))
    let (process, base) = try ServedProcess.start(
      Bureau.binary, ["serve", "--db", url, "--port", "0"], environment: bureau.environment, in: bureau.folder
    )
    defer {
      process.terminate()
      process.waitUntilExit()
    }
    func pay(_ student: String, _ ref: String) throws -> (Int, String) {
      var request = URLRequest(url: URL(string: base + "/v1/payments")!)
      request.httpMethod = "POST"
      request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
      request.httpBody = Data(
        """
        {"student":"\(student)","class":"B1","hours":6,"amountFen":60000,"bankRef":"\(ref)","paidAt":"2026-03-01T10:00"}
        """.utf8)
      return try HTTP.send(request)
    }
    let (status, body) = try pay("S1", "HTTP-1")
    #expect(status == 200 && body.contains("\"id\":\"E1\""), "\(body)")
    #expect(try pay("S1", "HTTP-1") == (status, body), "a retry answers the same enrollment")
    // The server drops the service's connection (a restart would): the next write connects again.
    _ = try server.sql(
      database,
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    Thread.sleep(forTimeInterval: 0.5)
    #expect(try pay("S1", "HTTP-1") == (status, body), "answered again after the connection was lost")
    // PostgreSQL refuses the append (its ledger takes no insert for now): 503 in one sentence, and
    // neither the bureau nor the cache holds the payment.
    let before = try server.contentDigest(database)
    _ = try server.sql(
      database,
      """
      CREATE FUNCTION jianguan.no_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'inserts are off'; END $$;
      CREATE TRIGGER no_insert BEFORE INSERT ON jianguan.ledger FOR EACH ROW EXECUTE FUNCTION jianguan.no_insert();
      """)
    let (unavailable, sentence) = try pay("S2", "HTTP-2")
    #expect(unavailable == 503 && sentence.contains("inserts are off"), "\(unavailable) \(sentence)")
    _ = try server.sql(database, "DROP TRIGGER no_insert ON jianguan.ledger")
    #expect(try server.contentDigest(database) == before)
    let enrollments = try bureau.ok(["enrollment", "list", "--db", url, "--format", "json"]).stdout
    #expect(enrollments.contains("HTTP-1"), "in the log when answered")
    try bureau.ok([
      "pay", "--db", url, "--student", "S2", "--class", "B1", "--hours", "6", "--amount", "600", "--bank-ref",
      "CLI-2",
      "--at", "2026-03-01T10:00",
    ])
    let (full, refusal) = try pay("S3", "HTTP-3")
    #expect(full == 422 && refusal.contains("class_full"), "\(full) \(refusal)")
    #expect(try bureau.ok(["audit", "--db", url]).lines.first?.hasPrefix("audit ok:") == true)
  }
}

/// One HTTP request, answered synchronously.
enum HTTP {
  static func send(_ request: URLRequest) throws -> (Int, String) {
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var answer: (Int, String)?
    nonisolated(unsafe) var failure: (any Error)?
    URLSession.shared.dataTask(with: request) { data, response, error in
      if let error { failure = error }
      answer = (
        (response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data ?? Data(), as: UTF8.self)
      )
      done.signal()
    }.resume()
    done.wait()
    if let failure { throw failure }
    return answer!
  }
}
