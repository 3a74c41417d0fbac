import Foundation
import GRDB
import JianguanTestSupport
import Testing

@Suite(.serialized) struct MoneyEndToEndTests {
  /// init, one institution with a class, one parent and student; returns the class id "B1" and student "S1".
  func bureau(_ cli: CLI) throws {
    let uscc = CLI.uscc(10)
    let steps: [[String]] = [
      ["init", "--authority", "合肥市教育局", "--region", "340100"],
      [
        "institution", "register", "--uscc", uscc, "--name", "启明体育", "--region", "340104", "--kind",
        "non-subject",
        "--category", "体育", "--license", "教民3401047000123号", "--license-expires", "2029-12-31",
        "--escrow-bank", "中国银行",
        "--escrow-account", "6217000012345678",
      ],
      ["venue", "add", "--institution", uscc, "--address", "蜀山区长江西路1号", "--area-m2", "300"],
      ["teacher", "add", "--institution", uscc, "--name", "王老师", "--certificate", "20203400123"],
      [
        "course", "add", "--institution", uscc, "--name", "篮球", "--category", "体育", "--delivery", "offline",
        "--lesson-minutes", "60", "--hours", "60", "--price-per-hour", "100",
      ],
      [
        "class", "add", "--course", "C1", "--venue", "V1", "--teacher", "T1", "--capacity", "30", "--starts",
        "2026-03-02",
        "--ends", "2026-05-15", "--schedule", "Sat 09:00-11:00,Sun 15:00-17:00",
      ],
      [
        "parent", "register", "--name", "张三", "--id-number", CLI.residentID(1, year: 1980), "--phone",
        "13800138000",
      ],
      [
        "student", "add", "--parent", "P1", "--name", "张小明", "--id-number", CLI.residentID(2), "--grade", "5",
      ],
    ]
    for step in steps {
      let result = try cli.run(step)
      #expect(result.status == 0, "\(step.prefix(2)): \(result.stderr)")
    }
  }

  @Test(arguments: TestStore.all)
  func aTermOfMoneyEndsWithAPassingAuditAndExactBalances(store: TestStore) throws {
    var cli = try CLI(store: store)
    defer { cli.remove() }
    // The clock walks through the term: every entry is dated when it is written.
    cli.environment["JIANGUAN_NOW"] = "2026-02-15T09:00"
    try bureau(cli)
    cli.environment["JIANGUAN_NOW"] = "2026-02-20T12:00"
    let pay = try cli.run([
      "pay", "--student", "S1", "--class", "B1", "--hours", "30", "--amount", "2999.99", "--bank-ref",
      "BOC-1", "--at", "2026-02-20T10:00", "--format", "json",
    ])
    #expect(pay.status == 0 && pay.stdout.contains("\"id\":\"E1\""))
    let repeatPay = try cli.run([
      "pay", "--student", "S1", "--class", "B1", "--hours", "30", "--amount", "2999.99", "--bank-ref",
      "BOC-1", "--at", "2026-02-20T11:00",
    ])
    #expect(repeatPay.status == 0 && repeatPay.stdout.contains("already recorded"))
    cli.environment["JIANGUAN_NOW"] = "2026-03-14T20:00"
    #expect(
      try cli.run([
        "lesson", "record", "--enrollment", "E1", "--hours", "2", "--taught-at", "2026-03-07T09:00",
      ]).status == 0)
    #expect(try cli.run(["lesson", "confirm", "L1"]).status == 0)
    #expect(
      try cli.run([
        "lesson", "record", "--enrollment", "E1", "--hours", "1", "--taught-at", "2026-03-08T15:00",
      ]).status == 0)
    #expect(try cli.run(["lesson", "dispute", "L2", "--reason", "未上课"]).status == 0)
    #expect(try cli.run(["lesson", "resolve", "L2", "--release"]).status == 0)
    #expect(
      try cli.run([
        "lesson", "record", "--enrollment", "E1", "--hours", "1", "--taught-at", "2026-03-14T09:00",
      ]).status == 0)
    // L3, recorded on Saturday 14 March, is deemed confirmed 15 working days later, on 3 April.
    cli.environment["JIANGUAN_NOW"] = "2026-04-30T18:00"
    let settled = try cli.run(["settle", "--as-of", "2026-04-30", "--format", "json"])
    #expect(settled.stdout.contains("L3"))
    #expect(
      try cli.run(["refund", "--enrollment", "E1", "--hours", "5", "--reason", "搬家", "--bank-ref", "BOC-R1"])
        .status == 0)
    #expect(
      try cli.run(["refund", "--enrollment", "E1", "--all", "--reason", "搬家", "--bank-ref", "BOC-R2"]).status
        == 0)
    let balance = try cli.run(["balance", "--enrollment", "E1", "--format", "json"])
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(balance.stdout.utf8)) as? [String: Int])
    #expect(object["paidFen"] == 299_999)
    #expect(object["releasedFen"]! + object["refundedFen"]! == 299_999)
    #expect(object["releasedFen"] == 4 * 9_999 && object["escrowFen"] == 0)
    for key in ["hoursPaid", "hoursConsumed", "hoursRefunded", "hoursPending", "hoursRemaining"] {
      #expect(object[key] != nil)
    }
    let audit = try cli.run(["audit"])
    #expect(audit.status == 0 && audit.stdout.contains("audit ok"))
    let export = try cli.run(["ledger", "export", "--format", "table"])
    let lines = export.stdout.split(separator: "\n")
    #expect(lines.count == 19 + CLI.calendarEntries)  // with the payment's e-contract
    let first = try #require(
      try JSONSerialization.jsonObject(with: Data(String(lines.first ?? "").utf8)) as? [String: Any])
    for key in ["seq", "kind", "entryHex", "prevHash", "hash"] { #expect(first[key] != nil) }
  }

  @Test(arguments: TestStore.all)
  func moneyRefusalsNameTheRuleAndWriteNothing(store: TestStore) throws {
    let cli = try CLI(store: store)
    defer { cli.remove() }
    try bureau(cli)
    #expect(
      try cli.run([
        "pay", "--student", "S1", "--class", "B1", "--hours", "10", "--amount", "1000", "--bank-ref", "B-1",
        "--at", "2026-02-20T10:00",
      ]).status == 0)
    let digest = cli.databaseDigest()
    let cases: [([String], String)] = [
      (
        [
          "pay", "--student", "S1", "--class", "B1", "--hours", "61", "--amount", "100", "--bank-ref", "B-2",
          "--at", "2026-02-20T10:00",
        ], "60"
      ),
      (
        [
          "pay", "--student", "S1", "--class", "B1", "--hours", "50", "--amount", "5001", "--bank-ref", "B-2",
          "--at", "2026-02-20T10:00",
        ], "cap"
      ),
      (
        [
          "pay", "--student", "S1", "--class", "B1", "--hours", "1", "--amount", "12.345", "--bank-ref",
          "B-2",
        ], "amount"
      ),
      (
        ["pay", "--student", "S1", "--class", "B1", "--hours", "1", "--amount", "-5", "--bank-ref", "B-2"],
        "amount"
      ),
      (
        ["pay", "--student", "S1", "--class", "B1", "--hours", "1", "--amount", "1e3", "--bank-ref", "B-2"],
        "amount"
      ),
      (
        ["pay", "--student", "S1", "--class", "B1", "--hours", "1", "--amount", "￥100", "--bank-ref", "B-2"],
        "amount"
      ),
      (
        [
          "pay", "--student", "S1", "--class", "B1", "--hours", "1", "--amount", "92233720368547758.08",
          "--bank-ref", "B-2",
        ], "amount"
      ),
      (
        ["pay", "--student", "S1", "--class", "B1", "--hours", "10", "--amount", "999", "--bank-ref", "B-1"],
        "bank-ref"
      ),
      (["refund", "--enrollment", "E1", "--hours", "11", "--reason", "r", "--bank-ref", "B-3"], "hours"),
      (["refund", "--enrollment", "E7", "--hours", "1", "--reason", "r", "--bank-ref", "B-3"], "enrollment"),
      (
        ["lesson", "record", "--enrollment", "E1", "--hours", "1", "--taught-at", "2026-03-32T09:00"],
        "taught-at"
      ),
    ]
    for (arguments, word) in cases {
      let result = try cli.run(arguments)
      #expect(result.status == 1, "\(arguments)")
      #expect(
        result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(word), "\(result.stderr)")
      #expect(cli.databaseDigest() == digest)
    }
    _ = try cli.run(["institution", "suspend", CLI.uscc(10), "--reason", "整改"])
    let suspended = try cli.run([
      "lesson", "record", "--enrollment", "E1", "--hours", "1", "--taught-at", "2026-03-07T09:00",
    ])
    #expect(suspended.status == 1 && suspended.stderr.contains("suspended"))
  }

  /// SQLite only: the tampering is done with the sqlite3 shell on the file.
  @Test func auditNamesTheSeqOfTamperingDoneWithTheSqliteShell() throws {
    let cli = try CLI()
    defer { cli.remove() }
    try bureau(cli)
    _ = try cli.run([
      "pay", "--student", "S1", "--class", "B1", "--hours", "10", "--amount", "1000", "--bank-ref", "B-1",
      "--at", "2026-02-20T10:00",
    ])
    _ = try cli.run([
      "lesson", "record", "--enrollment", "E1", "--hours", "1", "--taught-at", "2026-03-07T09:00",
    ])
    #expect(try cli.run(["audit"]).status == 0)
    let tampered = try cli.sqlite(
      "DROP TRIGGER ledger_no_update; UPDATE ledger SET entry = CAST(replace(entry, X'69616d6f756e7446656e1a000186a0', X'69616d6f756e7446656e192710') AS BLOB) WHERE seq = \(9 + CLI.calendarEntries);"
    )
    #expect(tampered.status == 0, "\(tampered.stderr)")
    let audit = try cli.run(["audit", "--format", "json"])
    #expect(audit.status == 3)
    #expect(
      audit.stdout.contains("\"ok\":false") && audit.stdout.contains("\"seq\":\(9 + CLI.calendarEntries)"))
    let text = try cli.run(["audit"])
    #expect(text.stdout.contains("FAULT seq \(9 + CLI.calendarEntries)"))
  }

  @Test(arguments: TestStore.all)
  func twoProcessesWritingAtOnceBothSucceedAndTheChainNeverForks(store: TestStore) throws {
    let cli = try CLI(store: store)
    defer { cli.remove() }
    try bureau(cli)
    var processes: [ChildProcess] = []
    for writer in 0..<2 {
      for index in 0..<10 {
        processes.append(
          try cli.start([
            "pay", "--student", "S1", "--class", "B1", "--hours", "1", "--amount", "100", "--bank-ref",
            "W\(writer)-\(index)",
            "--at", "2026-02-20T10:00",
          ]))
      }
    }
    for process in processes { process.waitUntilExit() }
    #expect(processes.allSatisfy { $0.terminationStatus == 0 })
    let audit = try cli.run(["audit", "--format", "json"])
    #expect(audit.status == 0)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
    #expect(object["entries"] as? Int == 48 + CLI.calendarEntries)  // 20 payments, each with its contract
    #expect(object["escrowFen"] as? Int == 20 * 10_000)
  }
}

/// A verifier written in another language from docs/LEDGER-FORMAT.md alone agrees with the audit.
@Suite(.enabled(if: CLI.hasCBOR2, CLI.noCBOR2)) struct IndependentVerifierTests {
  /// The demo's ledger in the CLI's store, exported as JSON lines into export.jsonl.
  static func demoExport(_ cli: inout CLI) throws -> (CLI.Result, URL) {
    try cli.useDemoDatabase()
    let export = try cli.run(["ledger", "export"])
    let exportFile = cli.folder.appendingPathComponent("export.jsonl")
    try Data(export.stdout.utf8).write(to: exportFile)
    return (export, exportFile)
  }

  @Test(arguments: TestStore.all)
  func thePythonVerifierAgreesWithTheAuditOnTheDemoLedger(store: TestStore) throws {
    var cli = try CLI(store: store)
    defer { cli.remove() }
    let (export, exportFile) = try Self.demoExport(&cli)
    let verified = try CLI.run(
      CLI.verifierPython,
      [
        CLI.packageRoot.appendingPathComponent("Tools/verify_ledger.py").path, exportFile.path,
        "--json",
      ],
      environment: cli.environment, in: cli.folder)
    #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
    let python = try #require(
      try JSONSerialization.jsonObject(with: Data(verified.stdout.utf8)) as? [String: Any])
    let audit = try cli.run(["audit", "--format", "json"])
    let swift = try #require(
      try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
    #expect(python["rootHash"] as? String == swift["rootHash"] as? String)
    #expect(python["escrowFen"] as? Int == swift["escrowFen"] as? Int)
    #expect(python["entries"] as? Int == swift["entries"] as? Int)
    // And it catches an edit, too.
    var lines = export.stdout.split(separator: "\n").map(String.init)
    lines[1] = lines[1].replacingOccurrences(of: "\"seq\":2", with: "\"seq\":3")
    try Data(lines.joined(separator: "\n").utf8).write(to: exportFile)
    let tampered = try CLI.run(
      CLI.verifierPython,
      [CLI.packageRoot.appendingPathComponent("Tools/verify_ledger.py").path, exportFile.path],
      environment: cli.environment, in: cli.folder)
    #expect(tampered.status == 1)
  }

  /// With --tiles, the verifier recomputes the Merkle tiles from the entries and checks the
  /// database's table `merkle_tiles` byte for byte, as the audit does. SQLite only: the verifier
  /// reads the tiles from a SQLite file, and the test edits them there.
  @Test func thePythonVerifierChecksTheStoredTiles() throws {
    var cli = try CLI()
    defer { cli.remove() }
    let (export, exportFile) = try Self.demoExport(&cli)
    let database = cli.folder.appendingPathComponent("jianguan-demo.sqlite").path
    func verify() throws -> CLI.Result {
      try CLI.run(
        CLI.verifierPython,
        [
          CLI.packageRoot.appendingPathComponent("Tools/verify_ledger.py").path, exportFile.path,
          "--tiles", database,
        ],
        environment: cli.environment, in: cli.folder)
    }
    let verified = try verify()
    #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
    let queue = try DatabaseQueue(path: database)
    let original = try queue.read { db in
      try Data.fetchOne(db, sql: "SELECT hashes FROM merkle_tiles WHERE level = 0 AND idx = 0")
    }
    try queue.write { db in
      try db.execute(
        sql: """
          DROP TRIGGER merkle_tiles_only_grow;
          DROP TRIGGER merkle_tiles_no_delete;
          UPDATE merkle_tiles SET hashes = CAST(zeroblob(32) || substr(hashes, 33) AS BLOB)
            WHERE level = 0 AND idx = 0;
          INSERT INTO merkle_tiles(level, idx, width, hashes) VALUES (1, 0, 1, zeroblob(32));
          """)
    }
    try queue.close()
    let tampered = try verify()
    #expect(tampered.status == 1)
    #expect(
      tampered.stdout.contains("table merkle_tiles, tile 0/0: the stored hashes differ"), "\(tampered.stdout)"
    )
    #expect(
      tampered.stdout.contains("table merkle_tiles, tile 1/0: past the end of the log"), "\(tampered.stdout)")
    // The tile's inner levels (column `levels`), its hashes put back: one byte changed is found.
    try DatabaseQueue(path: database).write { db in
      try db.execute(
        sql: """
          UPDATE merkle_tiles SET hashes = ? WHERE level = 0 AND idx = 0;
          DELETE FROM merkle_tiles WHERE level = 1;
          UPDATE merkle_tiles SET levels = CAST(substr(levels, 1, length(levels) - 1)
            || (CASE WHEN substr(levels, -1) = X'00' THEN X'01' ELSE X'00' END) AS BLOB)
            WHERE level = 0 AND idx = 0;
          """, arguments: [original])
    }
    let levels = try verify()
    #expect(levels.status == 1)
    #expect(
      levels.stdout.contains("table merkle_tiles, tile 0/0: the stored inner levels differ"),
      "\(levels.stdout)")
  }
}
