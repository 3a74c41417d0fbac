import Foundation
import JianguanTestSupport
import Testing

/// pay, lesson record, refund and balance on a postgres:// URL: the same operations as on a
/// SQLite file, with the same outcomes and the same entries, one transaction each, serialized
/// per bureau.
@Suite("money on PostgreSQL", .enabled(if: PostgresServer.available, PostgresServer.skipReason))
struct PostgresOperationsTests {
  /// A bureau's SQLite ledger with the class of the requests, and its copy in PostgreSQL.
  private func copiedClassBureau(capacity: Int = 2, students: Int = 3) throws -> (
    bureau: Bureau, file: String, url: String, database: String
  ) {
    let server = try PostgresServer.server()
    let bureau = try Bureau()
    let file = try bureau.classBureau(capacity: capacity, students: students)
    let database = try server.createDatabase()
    let url = server.url(database, bureau: "340100")
    try bureau.ok(["copy", "--from", file, "--to", url])
    return (bureau, file, url, database)
  }

  /// What the command answered, from its JSON.
  private func outcome(_ result: Bureau.Result) throws -> AcrossStoresOutcome {
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
    if let error = object["error"] as? [String: Any] {
      #expect(result.status == 1, "\(result.stderr)")
      return .refused(try #require(error["code"] as? String))
    }
    return .appended(
      try #require(object["id"] as? String), try #require(object["seq"] as? Int64),
      repeated: try #require(object["repeated"] as? Bool))
  }

  /// The list of requests every store runs, on the SQLite file and on its copy in PostgreSQL:
  /// the same outcome for each, the same entries byte for byte, the same balances, the same root.
  @Test func theSharedRequestsGiveTheSameOutcomesAndEntriesOnPostgres() throws {
    let (bureau, file, url, _) = try copiedClassBureau()
    defer { bureau.remove() }
    let copied = try bureau.export(file).count
    var outcomes: [(file: AcrossStoresOutcome, url: AcrossStoresOutcome)] = []
    for request in AcrossStoresRequest.all {
      let command = request.arguments! + ["--format", "json"]
      outcomes.append(
        (
          try outcome(bureau.run(command + ["--db", file])), try outcome(bureau.run(command + ["--db", url]))
        ))
    }
    #expect(
      outcomes.compactMap { if case .refused(let code) = $0.url { code } else { nil } }
        == AcrossStoresRequest.refusals)
    // The lesson flow after them: each status rule once, and an unknown lesson.
    let flow = [
      ["lesson", "confirm", "L1"], ["lesson", "confirm", "L1"],
      ["lesson", "dispute", "L2", "--reason", "没上课"],
      ["lesson", "resolve", "L2", "--void"], ["lesson", "resolve", "L2", "--release"],
      ["lesson", "confirm", "L9"],
    ]
    for command in flow {
      let json = command + ["--format", "json"]
      outcomes.append(
        (try outcome(bureau.run(json + ["--db", file])), try outcome(bureau.run(json + ["--db", url]))))
    }
    #expect(
      outcomes.suffix(flow.count).compactMap { if case .refused(let code) = $0.url { code } else { nil } }
        == [
          "lesson_released_cannot_be_confirmed", "lesson_voided_cannot_be_resolved", "lesson_unknown",
        ])
    for (index, pair) in outcomes.enumerated() { #expect(pair.file == pair.url, "request \(index)") }

    let entries = try bureau.ok(["ledger", "export", "--db", url]).lines
    #expect(entries == (try bureau.export(file)))
    // The confirmation, the dispute and the voiding.
    #expect(entries.count == copied + AcrossStoresRequest.appendedKinds.count + 3)
    let audit = try bureau.ok(["audit", "--db", url])
    #expect(
      audit.lines.first == "audit ok: \(entries.count) entries, Merkle root \(try bureau.auditRoot(file))")
    for scope in [
      ["--all"], ["--enrollment", "E1"], ["--enrollment", "E2"], ["--region", "340104"],
      ["--institution", "52340104MJ4300001F"],
    ] {
      let read = ["balance"] + scope + ["--format", "json"]
      let original = try bureau.ok(read + ["--db", file]).stdout
      #expect(try bureau.ok(read + ["--db", url]).stdout == original, "\(scope)")
    }
    // Paid into on PostgreSQL, copied back: the SQLite store's own append path takes every entry
    // byte for byte and its tables agree with the file that ran the same requests.
    let back = bureau.path("back.sqlite")
    try bureau.ok(["copy", "--from", url, "--to", back])
    #expect(try bureau.auditRoot(back) == bureau.auditRoot(file))
    for read in [["balance", "--all"], ["refund", "list"], ["lesson", "list"]] {
      #expect(
        try bureau.ok(read + ["--db", back]).stdout == bureau.ok(read + ["--db", file]).stdout, "\(read)")
    }
    let unknown = try bureau.run(["balance", "--enrollment", "E7", "--db", url])
    #expect(unknown.status == 1 && unknown.stderr == "jianguan: enrollment \"E7\" does not exist\n")
  }

  /// A repeated payment answers the enrollment it made and writes nothing; a refused one writes
  /// nothing either: every row of the database is as it was.
  @Test func repeatedAndRefusedPaymentsWriteNothing() throws {
    let server = try PostgresServer.server()
    let (bureau, _, url, database) = try copiedClassBureau(capacity: 2, students: 3)
    defer { bureau.remove() }
    let pay = [
      "pay", "--db", url, "--class", "B1", "--hours", "10", "--amount", "1000", "--at",
      AcrossStoresRequest.paidAt,
    ]
    let first = try bureau.ok(pay + ["--student", "S1", "--bank-ref", "BANK-1"])
    // The payment, then its contract.
    let paymentSeq = try entryCount(bureau, url) - 1
    #expect(first.lines == ["enrollment E1 recorded at seq \(paymentSeq)"])
    try bureau.ok(pay + ["--student", "S2", "--bank-ref", "BANK-2"])
    let before = try server.contentDigest(database)
    let repeated = try bureau.ok(pay + ["--student", "S1", "--bank-ref", "BANK-1"])
    #expect(
      repeated.lines == [
        "enrollment E1 was already recorded at seq \(paymentSeq) (same bank reference and content; nothing new written)"
      ])
    for (arguments, code) in [
      (pay + ["--student", "S3", "--bank-ref", "BANK-3"], "class_full"),
      (pay + ["--student", "S1", "--bank-ref", "BANK-2"], "bank_ref_reused_with_different_content"),
      (
        [
          "pay", "--db", url, "--class", "B1", "--hours", "10", "--amount", "10.001", "--student", "S1",
          "--bank-ref", "X",
        ], "amount_has_more_than_two_decimals"
      ),
      (
        [
          "lesson", "record", "--db", url, "--enrollment", "E1", "--hours", "2", "--taught-at",
          "2026-03-07T10:30",
        ], "lesson_not_in_schedule"
      ),
      (
        ["refund", "--db", url, "--enrollment", "E5", "--all", "--reason", "搬家", "--bank-ref", "RF-9"],
        "enrollment_unknown"
      ),
    ] {
      let result = try bureau.run(arguments + ["--format", "json"])
      #expect(try outcome(result) == .refused(code), "\(arguments)")
      #expect(result.stderr.split(separator: "\n").count == 1, "one sentence: \(result.stderr)")
    }
    #expect(try server.contentDigest(database) == before)
  }

  /// A log changed behind the store's back (an entry's bytes, the triggers off) is neither paid
  /// into nor read: the command says so in one sentence and the database stays as it was.
  @Test func aChangedLogIsNeitherWrittenNorRead() throws {
    let server = try PostgresServer.server()
    let (bureau, _, url, database) = try copiedClassBureau()
    defer { bureau.remove() }
    try server.sql(
      database,
      "ALTER TABLE jianguan.ledger DISABLE TRIGGER USER; UPDATE jianguan.ledger SET entry = set_byte(entry, 40, get_byte(entry, 40) # 1) WHERE seq = 5"
    )
    let before = try server.contentDigest(database)
    for arguments in [
      [
        "pay", "--student", "S1", "--class", "B1", "--hours", "10", "--amount", "1000", "--bank-ref", "AFTER",
        "--at", AcrossStoresRequest.paidAt,
      ],
      ["balance", "--all"],
    ] {
      let result = try bureau.run(arguments + ["--db", url])
      #expect(result.status == 2, "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains("fails its replay"), "\(arguments): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1, "one sentence: \(result.stderr)")
    }
    #expect(try server.contentDigest(database) == before)
  }

  /// Payments into one bureau from several processes at once: each waits for the bureau's lock,
  /// so the chain never forks: every answered payment is in the log once, and the audit passes.
  @Test func concurrentPaymentsNeverForkTheChain() throws {
    let (bureau, _, url, _) = try copiedClassBureau(capacity: 30, students: 3)
    defer { bureau.remove() }
    let size = try entryCount(bureau, url)
    let running = try (1...6).map { index in
      try bureau.start([
        "pay", "--db", url, "--student", "S\((index - 1) % 3 + 1)", "--class", "B1", "--hours", "2",
        "--amount",
        "200", "--bank-ref", "CONCURRENT-\(index)", "--at", AcrossStoresRequest.paidAt, "--format", "json",
      ])
    }
    let results = try running.map { try $0.finish() }
    #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
    let enrollments = try results.map { result -> String in
      guard case .appended(let id, _, repeated: false) = try outcome(result) else { return "" }
      return id
    }
    #expect(Set(enrollments) == Set((1...6).map { "E\($0)" }))
    let audit = try bureau.ok(["audit", "--db", url])
    #expect(audit.lines.first?.hasPrefix("audit ok: \(size + 12) entries") == true)
    let log = try bureau.ok(["ledger", "export", "--db", url]).lines
    let payments = log.filter { $0.contains("CONCURRENT-") }
    for index in 1...6 {
      #expect(payments.filter { $0.contains("\"CONCURRENT-\(index)\"") }.count == 1, "payment \(index)")
    }
    // Each payment's contract follows it.
    #expect(log.suffix(12).filter { $0.contains("\"kind\":\"contract.issued\"") }.count == 6)
  }

  /// The number of entries the bureau's log holds.
  private func entryCount(_ bureau: Bureau, _ url: String) throws -> Int {
    try bureau.ok(["ledger", "export", "--db", url]).lines.count
  }
}
