import Foundation
import GRDB
import Testing

/// The audit checks every table: on a copy of the demo's database, an attacker holding the file
/// changes one value of one column (for every column of every table), deletes a row or inserts
/// one, dropping the triggers first and putting them back after to cover their tracks. The
/// audit must fail naming that table, unless the database itself refused the change (a CHECK,
/// NOT NULL or UNIQUE constraint). SQLite only: the tables are edited in the file with SQLite's
/// own statements (PostgresAuditTests tamper with a bureau's rows in PostgreSQL).
@Suite(.serialized) struct AuditEveryTableTests {
  /// The demo's database, with a signed checkpoint stored beside the log.
  static func demo() throws -> CLI {
    var cli = try CLI()
    try cli.useDemoDatabase()
    #expect(
      try cli.run(["key", "generate", "--name", "jianguan.340100.example/ledger", "--out", "bureau.key"])
        .status == 0)
    #expect(try cli.run(["checkpoint", "sign", "--key", "bureau.key"]).status == 0)
    // Credentials of the platform service, one of them revoked, so that their table has rows.
    let uscc = try #require(
      try cli.run(["institution", "list", "--format", "json"]).stdout.firstMatch(
        of: /"uscc":"([0-9A-Z]{18})"/)?.1)
    for arguments in [
      ["--role", "institution", "--institution", String(uscc)], ["--role", "parent", "--parent", "P1"],
      ["--role", "auditor"],
    ] {
      #expect(try cli.run(["credential", "issue"] + arguments).status == 0)
    }
    #expect(try cli.run(["credential", "revoke", "C3", "--reason", "审计结束"]).status == 0)
    #expect(try cli.run(["audit"]).status == 0, "the untouched copy passes")
    return cli
  }

  /// A copy of `cli`'s database tampered by `body` (triggers dropped and restored, foreign keys
  /// off), or nil when the database refused the change.
  static func tampered(_ cli: CLI, _ body: (Database) throws -> Void) throws -> CLI? {
    let copy = try CLI()
    for suffix in ["", ".key"] {
      try FileManager.default.copyItem(
        at: URL(fileURLWithPath: cli.databasePath + suffix),
        to: URL(fileURLWithPath: copy.databasePath + suffix))
    }
    var configuration = Configuration()
    configuration.foreignKeysEnabled = false
    let queue = try DatabaseQueue(path: copy.databasePath, configuration: configuration)
    do {
      try queue.write { db in
        let triggers = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        for trigger in triggers { try db.execute(sql: "DROP TRIGGER \(trigger["name"] as String)") }
        try body(db)
        for trigger in triggers { try db.execute(sql: trigger["sql"]) }
      }
    } catch let error as DatabaseError where [.SQLITE_CONSTRAINT].contains(error.resultCode) {
      copy.remove()
      return nil
    }
    try queue.close()
    return copy
  }

  /// Runs the audit on `copy` and returns its faults' text, expecting status 3.
  static func auditFaults(_ copy: CLI, _ what: String) throws -> String {
    let result = try copy.run(["audit"])
    // A changed record of migrations stops the database from opening at all (status 2).
    let wanted: Set<Int32> =
      what.hasPrefix("grdb_migrations") || what.hasSuffix("grdb_migrations") ? [2, 3] : [3]
    #expect(wanted.contains(result.status), "\(what): the audit passed (\(result.stdout.suffix(200)))")
    return result.stdout + result.stderr
  }

  static func tables(_ cli: CLI) throws -> [String: [(name: String, type: String)]] {
    let queue = try DatabaseQueue(path: cli.databasePath)
    return try queue.read { db in
      var result: [String: [(String, String)]] = [:]
      for table in try String.fetchAll(
        db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      {
        result[table] = try Row.fetchAll(db, sql: "PRAGMA table_info(\"\(table)\")").map {
          ($0["name"], $0["type"])
        }
      }
      return result
    }
  }

  /// The columns that name a row of `table`: its rowid, or the primary key of a WITHOUT ROWID
  /// table (`merkle_tiles`), as SQL text: the SELECT WHERE clause naming the last row, and the
  /// ORDER BY that puts it first.
  static func rowKey(_ cli: CLI, _ table: String) throws -> (lastRow: String, descending: String) {
    try DatabaseQueue(path: cli.databasePath).read { db in
      let sql = try String.fetchOne(
        db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [table])
      var key = ["rowid"]
      if sql?.contains("WITHOUT ROWID") == true {
        key = try Row.fetchAll(db, sql: "PRAGMA table_info(\"\(table)\")").filter { ($0["pk"] as Int) > 0 }
          .sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }.map { $0["name"] as String }
      }
      let descending = key.map { $0 + " DESC" }.joined(separator: ", ")
      let last = "(SELECT \(key.joined(separator: ", ")) FROM \"\(table)\" ORDER BY \(descending) LIMIT 1)"
      return ("(\(key.joined(separator: ", "))) = \(last)", descending)
    }
  }

  /// A different value of the column's type: numbers move by one, text gains a character, a blob
  /// has its first byte flipped; NULL becomes a value.
  static func changed(_ value: DatabaseValue, type: String) -> DatabaseValue {
    switch value.storage {
    case .int64(let number): return (number + 1).databaseValue
    case .double(let number): return (number + 1).databaseValue
    case .string(let text): return (text + "x").databaseValue
    case .blob(let data):
      var bytes = [UInt8](data)
      if bytes.isEmpty { bytes = [0] } else { bytes[0] ^= 0x01 }
      return Data(bytes).databaseValue
    case .null:
      return type == "INTEGER"
        ? 1.databaseValue : type == "BLOB" ? Data([0]).databaseValue : "x".databaseValue
    }
  }

  @Test func changingAnyColumnOfAnyTableFailsTheAuditNamingTheTable() throws {
    let cli = try Self.demo()
    defer { cli.remove() }
    let source = try DatabaseQueue(path: cli.databasePath)
    var checked = 0
    var refused = 0
    for (table, columns) in try Self.tables(cli).sorted(by: { $0.key < $1.key }) {
      // The last row: the one most likely to have been touched by the most entries.
      let key = try Self.rowKey(cli, table)
      guard
        let row = try source.read({ db in
          try Row.fetchOne(
            db, sql: "SELECT * FROM \"\(table)\" ORDER BY \(key.descending) LIMIT 1")
        })
      else { continue }
      for column in columns {
        let value = Self.changed(row[column.name], type: column.type)
        guard
          let copy = try Self.tampered(
            cli,
            { db in
              try db.execute(
                sql: """
                  UPDATE \"\(table)\" SET \"\(column.name)\" = ? WHERE \(key.lastRow)
                  """,
                arguments: [value])
            })
        else {
          refused += 1
          continue
        }
        defer { copy.remove() }
        let faults = try Self.auditFaults(copy, "\(table).\(column.name)")
        #expect(
          faults.contains(table),
          "\(table).\(column.name) changed: the faults do not name the table: \(faults.prefix(600))")
        checked += 1
      }
    }
    #expect(
      checked > 100,
      "columns changed and caught by the audit: \(checked), refused by the database: \(refused)")
  }

  @Test func deletingOrInsertingARowInAnyTableFailsTheAudit() throws {
    let cli = try Self.demo()
    defer { cli.remove() }
    let source = try DatabaseQueue(path: cli.databasePath)
    for (table, columns) in try Self.tables(cli).sorted(by: { $0.key < $1.key }) {
      let key = try Self.rowKey(cli, table)
      let row = try source.read { db in
        try Row.fetchOne(db, sql: "SELECT * FROM \"\(table)\" ORDER BY \(key.descending) LIMIT 1")
      }
      if row != nil,
        let copy = try Self.tampered(
          cli,
          { db in
            try db.execute(
              sql: """
                DELETE FROM \"\(table)\" WHERE \(key.lastRow)
                """)
          })
      {
        defer { copy.remove() }
        let faults = try Self.auditFaults(copy, "a row deleted from \(table)")
        #expect(
          faults.contains(table),
          "a row of \(table) deleted: the faults do not name the table: \(faults.prefix(600))")
      }
      // A new row: the last one with every key changed, or one made up for an empty table.
      let values: [DatabaseValue] = columns.map { column in
        guard let row else { return Self.changed(.null, type: column.type) }
        return Self.changed(row[column.name], type: column.type)
      }
      let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
      if let copy = try Self.tampered(
        cli,
        { db in
          try db.execute(
            sql: "INSERT INTO \"\(table)\" VALUES (\(placeholders))", arguments: StatementArguments(values))
        })
      {
        defer { copy.remove() }
        let faults = try Self.auditFaults(copy, "a row inserted into \(table)")
        #expect(
          faults.contains(table),
          "a row inserted into \(table): the faults do not name the table: \(faults.prefix(600))")
      }
    }
  }

  @Test func storedMerkleTilesChangedMissingSurplusOrWrongWidthAreFound() throws {
    let cli = try Self.demo()
    defer { cli.remove() }
    // The demo's log is under 256 entries: one partial tile, 0/0. One more full tile is made up
    // for the surplus case: a tile past the end of the log.
    let cases: [(String, String)] = [
      (
        "a leaf hash zeroed",
        "UPDATE merkle_tiles SET hashes = CAST(zeroblob(32) || substr(hashes, 33) AS BLOB) WHERE level = 0 AND idx = 0"
      ),
      ("the tile removed", "DELETE FROM merkle_tiles WHERE level = 0 AND idx = 0"),
      (
        "the last hash cut off (a narrower tile)",
        // The inner levels cut to the narrower width too, as the CHECK on their length wants.
        "UPDATE merkle_tiles SET width = width - 1, hashes = substr(hashes, 1, length(hashes) - 32)"
          + ", levels = substr(levels, 1, 32 * ((width - 1) / 16 + (width - 1) / 32 + (width - 1) / 64 + (width - 1) / 128)) WHERE level = 0"
      ),
      (
        "a surplus tile after the end",
        "INSERT INTO merkle_tiles(level, idx, width, hashes) VALUES (0, 1, 1, zeroblob(32))"
      ),
      (
        "a surplus tile a level up",
        "INSERT INTO merkle_tiles(level, idx, width, hashes) VALUES (1, 0, 1, zeroblob(32))"
      ),
    ]
    for (what, sql) in cases {
      let copy = try #require(try Self.tampered(cli, { try $0.execute(sql: sql) }))
      defer { copy.remove() }
      let faults = try Self.auditFaults(copy, what)
      #expect(faults.contains("table merkle_tiles"), "\(what): \(faults.prefix(600))")
      #expect(
        faults.contains(what.contains("surplus") ? "past the end of the log" : "tile 0/0"),
        "\(what): \(faults.prefix(600))")
    }
  }

  /// The inner levels kept beside a tile (column `levels`): an inner hash changed, one byte of
  /// one changed, one cut off and one added (the CHECK on their length ignored, as by an attacker
  /// who rebuilds the table without it) are each found, naming the table, the tile and its seqs.
  @Test func storedInnerLevelsChangedMissingOrSurplusAreFound() throws {
    let cli = try Self.demo()
    defer { cli.remove() }
    let innerHashes = try DatabaseQueue(path: cli.databasePath).read { db in
      try Int.fetchOne(db, sql: "SELECT length(levels) / 32 FROM merkle_tiles WHERE level = 0 AND idx = 0")
    }
    #expect((innerHashes ?? 0) > 1, "the demo's tile 0/0 is at least 32 entries wide")
    let tile = "WHERE level = 0 AND idx = 0"
    let cases: [(String, String, String)] = [
      (
        "an inner hash zeroed",
        "UPDATE merkle_tiles SET levels = CAST(zeroblob(32) || substr(levels, 33) AS BLOB) \(tile)",
        "the stored inner levels (column levels) differ"
      ),
      (
        "the last byte of the last inner hash changed",
        """
        UPDATE merkle_tiles SET levels = CAST(substr(levels, 1, length(levels) - 1)
          || (CASE WHEN substr(levels, -1) = X'00' THEN X'01' ELSE X'00' END) AS BLOB) \(tile)
        """,
        "the stored inner levels (column levels) differ"
      ),
      (
        "the last inner hash cut off",
        "UPDATE merkle_tiles SET levels = substr(levels, 1, length(levels) - 32) \(tile)",
        "\((innerHashes ?? 0) - 1) inner hashes stored (column levels), the entries give \(innerHashes ?? 0)"
      ),
      (
        "an inner hash added",
        "UPDATE merkle_tiles SET levels = CAST(levels || zeroblob(32) AS BLOB) \(tile)",
        "\((innerHashes ?? 0) + 1) inner hashes stored (column levels), the entries give \(innerHashes ?? 0)"
      ),
    ]
    for (what, sql, expected) in cases {
      let copy = try #require(
        try Self.tampered(
          cli,
          { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: sql)
          }))
      defer { copy.remove() }
      let faults = try Self.auditFaults(copy, what)
      #expect(faults.contains("table merkle_tiles, tile 0/0 (seq 1…"), "\(what): \(faults.prefix(600))")
      #expect(faults.contains(expected), "\(what): \(faults.prefix(600))")
    }
  }
}
