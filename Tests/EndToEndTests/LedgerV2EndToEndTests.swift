import Foundation
import GRDB
import JianguanLedger
import Testing

/// Ledger format 2: entries that are valid CBOR but not deterministic are refused by the audit and
/// by the independent verifier; a version 1 database (Tests/Fixtures/v1, written by `jianguan
/// demo` before format 2, then a checkpoint signed) is converted by `upgrade` and refused by every
/// other command. SQLite only: a version 1 ledger is a SQLite file, `upgrade` writes a file, and
/// the non-deterministic entry is written into the file with SQLite's own statements.
@Suite struct LedgerV2EndToEndTests {
  static let fixture = CLI.packageRoot.appendingPathComponent("Tests/Fixtures/v1")

  /// The v1 demo database and its key file, copied into the CLI's folder as `v1.sqlite`.
  func v1Copy(_ cli: CLI) throws -> String {
    let path = cli.folder.appendingPathComponent("v1.sqlite").path
    try FileManager.default.copyItem(
      atPath: Self.fixture.appendingPathComponent("demo-v1.sqlite").path, toPath: path)
    try FileManager.default.copyItem(
      atPath: Self.fixture.appendingPathComponent("demo-v1.sqlite.key").path, toPath: path + ".key")
    return path
  }

  /// Every row of every table but the log's own (ledger, tiles, migrations), as text, by table;
  /// with `shape`, only the tables and columns it names.
  static func tables(_ path: String, shape: [String: [String]]? = nil) throws -> [String: [String]] {
    let queue = try DatabaseQueue(path: path)
    defer { try? queue.close() }
    return try queue.read { db in
      var tables: [String: [String]] = [:]
      for (name, columns) in try shape ?? Self.columns(db) {
        let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        tables[name] = try Row.fetchAll(db, sql: "SELECT \(list) FROM \(name)").map { $0.description }
          .sorted()
      }
      return tables
    }
  }

  /// The columns of every table but the log's own, by table.
  static func columns(_ db: Database) throws -> [String: [String]] {
    let names = try String.fetchAll(
      db,
      sql: """
        SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
          AND name NOT IN ('ledger', 'merkle_tiles', 'grdb_migrations')
        """)
    var columns: [String: [String]] = [:]
    for name in names { columns[name] = try db.columns(in: name).map(\.name) }
    return columns
  }

  @Test func aV1DatabaseUpgradesAndEveryTableAgrees() throws {
    let cli = try CLI()
    defer { cli.remove() }
    let old = try v1Copy(cli)
    let before = try Data(contentsOf: URL(fileURLWithPath: old))
    let upgraded = try cli.run(["upgrade", "--from", old, "--to", "v2.sqlite", "--format", "json"])
    #expect(upgraded.status == 0, "\(upgraded.stderr)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: old)) == before, "the v1 file is never changed")
    let new = cli.folder.appendingPathComponent("v2.sqlite").path
    #expect(FileManager.default.fileExists(atPath: new + ".key"))
    let report = try #require(
      try JSONSerialization.jsonObject(with: Data(upgraded.stdout.utf8)) as? [String: Any])
    let audit = try cli.run(["--db", new, "audit", "--format", "json"])
    #expect(audit.status == 0, "\(audit.stdout)")
    let audited = try #require(
      try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
    #expect(audited["rootHash"] as? String == report["v2Root"] as? String)
    // Every projection, the sealed personal data and meta: row for row what the v1 file holds, in
    // the tables and columns v2 keeps (v2 drops `contracts` and the kind, content and result of
    // each bank reference, which the entries hold).
    let v2Tables = try Self.tables(new)
    let v1Tables = try Self.tables(old, shape: try DatabaseQueue(path: new).read { try Self.columns($0) })
    #expect(v1Tables.keys.sorted() == v2Tables.keys.sorted())
    for (name, rows) in v1Tables {
      #expect(v2Tables[name] == rows, "table \(name)")
    }
    // Each v1 contract's terms are what `contract show` reads from the v2 entry.
    let contracts = try DatabaseQueue(path: old).read { db in
      try Row.fetchAll(db, sql: "SELECT enrollment, terms FROM contracts")
    }
    #expect(contracts.count == 12)
    for row in contracts {
      let enrollment: String = row["enrollment"]
      let shown = try cli.run(["--db", new, "contract", "show", enrollment, "--format", "json"])
      var json = try #require(
        try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
      for extra in [
        "seq", "parentMaskedID", "studentMaskedID", "studentGrade", "parentName", "studentMaskedName",
      ] {
        json[extra] = nil
      }
      let terms = try #require(
        try JSONSerialization.jsonObject(with: Data((row["terms"] as String).utf8)) as? [String: Any])
      #expect(NSDictionary(dictionary: json) == NSDictionary(dictionary: terms), "contract of \(enrollment)")
    }
    #expect(!(v2Tables["persons"] ?? []).isEmpty && !(v2Tables["enrollments"] ?? []).isEmpty)
    // Reads that need the key file and the balances.
    let balance = try cli.run(["--db", new, "balance", "--all", "--format", "json"])
    #expect(balance.status == 0 && balance.stdout.contains("1128009"), "\(balance.stdout)")
    #expect(try cli.run(["--db", new, "parent", "show", "P1"]).status == 0)
    // The genesis records the v1 log; the v1 export recomputes it.
    let export = try cli.run(["--db", new, "ledger", "export"])
    let first = try #require(export.stdout.split(separator: "\n").first)
    let genesis = try #require(
      (try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])?["entry"] as? [String: Any]
    )
    let payload = try #require(genesis["payload"] as? [String: Any])
    #expect(payload["v1Size"] as? Int == 201)
    #expect(payload["v1Root"] as? String == report["v1Root"] as? String)
    #expect(payload["v1Head"] as? String == report["v1Head"] as? String)
    if CLI.hasCBOR2 {
      let exportFile = cli.folder.appendingPathComponent("v2.jsonl")
      try Data(export.stdout.utf8).write(to: exportFile)
      let v1Export = Self.fixture.appendingPathComponent("demo-v1-export.jsonl").path
      let verified = try CLI.run(
        CLI.verifierPython,
        [
          CLI.packageRoot.appendingPathComponent("Tools/verify_ledger.py").path, exportFile.path, "--v1",
          v1Export,
        ],
        environment: cli.environment, in: cli.folder)
      #expect(verified.status == 0, "\(verified.stdout)")
      // Against another log's export the continuity record does not hold.
      let other = cli.folder.appendingPathComponent("other.jsonl")
      let lines = try String(contentsOfFile: v1Export, encoding: .utf8).split(separator: "\n").dropLast()
      try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: other)
      let refused = try CLI.run(
        CLI.verifierPython,
        [
          CLI.packageRoot.appendingPathComponent("Tools/verify_ledger.py").path, exportFile.path, "--v1",
          other.path,
        ],
        environment: cli.environment, in: cli.folder)
      #expect(
        refused.status == 1 && refused.stdout.contains("v1 ledger had 201 entries"), "\(refused.stdout)")
    }
    // Never over an existing file.
    let again = try cli.run(["upgrade", "--from", old, "--to", "v2.sqlite"])
    #expect(again.status == 1 && again.stderr.contains("already exists"))
  }

  @Test func aTamperedV1DatabaseIsRefusedAndNothingIsWritten() throws {
    let cli = try CLI()
    defer { cli.remove() }
    let old = try v1Copy(cli)
    let edit = try CLI.run(
      "/usr/bin/sqlite3",
      [
        old,
        "DROP TRIGGER ledger_no_update; UPDATE ledger SET entry = replace(entry, '\"amountFen\":288000', '\"amountFen\":28800') WHERE kind = 'payment'",
      ],
      environment: cli.environment, in: cli.folder)
    #expect(edit.status == 0, "\(edit.stderr)")
    let before = try Data(contentsOf: URL(fileURLWithPath: old))
    let refused = try cli.run(["upgrade", "--from", old, "--to", "v2.sqlite"])
    #expect(refused.status == 1)
    #expect(
      refused.stderr.contains("fails its audit") && refused.stderr.contains("wrote nothing"),
      "\(refused.stderr)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: old)) == before)
    let left = try FileManager.default.contentsOfDirectory(atPath: cli.folder.path).filter {
      $0.hasPrefix("v2")
    }
    #expect(left.isEmpty, "\(left)")
  }

  @Test func everyOtherCommandOnAV1DatabaseNamesUpgrade() throws {
    let cli = try CLI()
    defer { cli.remove() }
    let old = try v1Copy(cli)
    let before = try Data(contentsOf: URL(fileURLWithPath: old))
    let commands: [[String]] = [
      ["audit"], ["balance", "--all"], ["ledger", "export"], ["ledger", "list"], ["institution", "list"],
      ["venue", "add", "--institution", "52110101MJ4307919R", "--address", "某区某路1号", "--area-m2", "80"],
      ["backup", "--to", "copy.sqlite"], ["report", "risk", "--as-of", "2026-04-10"],
    ]
    for command in commands {
      let result = try cli.run(["--db", old] + command)
      #expect(result.status == 1, "\(command)")
      #expect(
        result.stderr.contains("version 1 ledger")
          && result.stderr.contains("jianguan upgrade --from \(old) --to NEW.sqlite")
          && result.stderr.split(separator: "\n").count == 1,
        "\(command): \(result.stderr)")
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: old)) == before)
  }

  /// An entry changed so that it is still valid CBOR but not deterministic (a longer head than its
  /// value needs), with its stored hash made good: the audit and the verifier both refuse it,
  /// naming its seq.
  @Test func aValidButNonDeterministicEntryIsRefusedByTheAuditAndTheVerifier() throws {
    var cli = try CLI()
    defer { cli.remove() }
    try cli.useDemoDatabase()
    let seq: Int64 = 90  // the demo's first payment: `"hours": 24` is 65 686f757273 18 18
    let queue = try DatabaseQueue(path: cli.databasePath)
    try queue.write { db in
      var bytes = [UInt8](
        try #require(try Data.fetchOne(db, sql: "SELECT entry FROM ledger WHERE seq = ?", arguments: [seq])))
      let hours: [UInt8] = [0x65] + Array("hours".utf8) + [0x18, 0x18]
      let at = try #require(
        (0...(bytes.count - hours.count)).first { Array(bytes[$0..<($0 + hours.count)]) == hours })
      bytes.replaceSubrange((at + 6)..<(at + 8), with: [0x19, 0x00, 0x18])  // 24 in three bytes
      try db.execute(sql: "DROP TRIGGER ledger_no_update")
      try db.execute(sql: "UPDATE ledger SET entry = ? WHERE seq = ?", arguments: [Data(bytes), seq])
    }
    try queue.close()
    let audit = try cli.run(["audit", "--format", "json"])
    #expect(audit.status == 3)
    #expect(
      audit.stdout.contains("\"seq\":\(seq)") && audit.stdout.contains("shorter form"), "\(audit.stdout)")
    guard CLI.hasCBOR2 else { return }
    let exportFile = cli.folder.appendingPathComponent("export.jsonl")
    try Data(try cli.run(["ledger", "export"]).stdout.utf8).write(to: exportFile)
    let verified = try CLI.run(
      CLI.verifierPython,
      [CLI.packageRoot.appendingPathComponent("Tools/verify_ledger.py").path, exportFile.path],
      environment: cli.environment, in: cli.folder)
    #expect(verified.status == 1)
    #expect(
      verified.stdout.contains("FAULT seq \(seq): entry bytes are not deterministic CBOR"),
      "\(verified.stdout)")
  }
}
