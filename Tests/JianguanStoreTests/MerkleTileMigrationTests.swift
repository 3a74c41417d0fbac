import Foundation
import GRDB
import JianguanLedger
import JianguanStore
import Testing

/// Migration v8 moves a database that kept one row per Merkle hash (`merkle_hashes`) to tiles;
/// v9 after it counts the places taken in each class; v10 keeps each tile's inner levels beside it.
@Suite struct MerkleTileMigrationTests {
  @Test func storedHashesBecomeTheSameTilesAndTheOldTableIsDropped() throws {
    let fixture = try StoreFixture()
    let (uscc, classID) = try fixture.openClass()
    _ = try fixture.pay(fixture.paymentForm(student: try fixture.student(), classID: classID))
    // Past 256 entries: a full tile, a partial one and a tile a level up.
    for number in 0..<300 {
      _ = try fixture.database.addVenue(institution: uscc, address: "蜀山区\(number)号楼", areaM2: "80")
    }
    let size = try fixture.database.size()
    let copy = fixture.directory.appendingPathComponent("v6.sqlite").path
    _ = try fixture.database.backup(to: copy)
    let tilesBefore = try Self.tiles(copy)
    #expect(
      tilesBefore.map(\.0) == MerkleTile.tiles(size: size).map { "\($0.level)/\($0.index)/\($0.width)" })
    // The copy as a database before tiles held it: every stored hash a row, v8 and the migrations
    // after it not applied (they run again, in order, when it is opened), the entries' bytes in
    // a TEXT column as before v11.
    var tree = InMemoryMerkleTree()
    try fixture.database.entries(fromSeq: 1, limit: size) { tree.append(entryBytes: $0.entryBytes) }
    let hashes = try tree.readHashes(Array(0..<tree.storedHashCount))
    let queue = try DatabaseQueue(path: copy)
    try queue.write { db in
      try db.execute(
        sql: """
          DROP TABLE merkle_tiles;
          DELETE FROM grdb_migrations
            WHERE rowid >= (SELECT rowid FROM grdb_migrations WHERE identifier = 'v8-merkle-tiles');
          \(Self.ledgerAsText)
          \(Self.schemaBeforeV12)
          ALTER TABLE classes DROP COLUMN places_taken;
          CREATE TABLE merkle_hashes (idx INTEGER PRIMARY KEY NOT NULL, hash BLOB NOT NULL) STRICT;
          CREATE TRIGGER merkle_no_update BEFORE UPDATE ON merkle_hashes
            BEGIN SELECT RAISE(ABORT, 'Merkle hashes are append-only'); END;
          CREATE TRIGGER merkle_no_delete BEFORE DELETE ON merkle_hashes
            BEGIN SELECT RAISE(ABORT, 'Merkle hashes are append-only'); END;
          """)
      for (index, hash) in hashes.enumerated() {
        try db.execute(
          sql: "INSERT INTO merkle_hashes(idx, hash) VALUES (?, ?)", arguments: [index, Data(hash)])
      }
    }
    try queue.close()
    let opened = try AppDatabase.open(path: copy, keyPath: copy + ".key", reference: StoreFixture.reference)
    #expect(try Self.tiles(copy).map(\.0) == tilesBefore.map(\.0))
    #expect(try Self.tiles(copy).map(\.1) == tilesBefore.map(\.1))
    let tables = try DatabaseQueue(path: copy).read { db in
      try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE name LIKE 'merkle%'")
    }
    #expect(!tables.contains("merkle_hashes") && tables.contains("merkle_tiles"))
    let report = try opened.audit()
    #expect(report.ok, "\(report.faults)")
    #expect(report.rootHash == tree.root)
    let places = try DatabaseQueue(path: copy).read { db in
      try Int64.fetchOne(db, sql: "SELECT places_taken FROM classes WHERE id = ?", arguments: [classID])
    }
    #expect(places == 1)
    // And the tree goes on growing from the tiles.
    _ = try opened.addVenue(institution: uscc, address: "蜀山区新楼", areaM2: "80")
    #expect(try opened.audit().ok)
  }

  /// Above one tile: a full tile, a level-1 tile and a partial one, each changed, removed or
  /// widened in turn; the audit names the tile and its seqs.
  @Test func theAuditRecomputesEveryTileAtEveryLevel() throws {
    let fixture = try StoreFixture()
    let (uscc, _) = try fixture.openClass()
    for number in 0..<300 {
      _ = try fixture.database.addVenue(institution: uscc, address: "蜀山区\(number)号楼", areaM2: "80")
    }
    #expect(try fixture.database.audit().ok)
    let cases: [(String, String)] = [
      (
        "tile 0/0 (seq 1…256): the stored hashes differ",
        "UPDATE merkle_tiles SET hashes = zeroblob(8192) WHERE level = 0 AND idx = 0"
      ),
      ("tile 1/0 (seq 1…", "UPDATE merkle_tiles SET hashes = zeroblob(32) WHERE level = 1"),
      ("tile 1/0 (seq 1…", "DELETE FROM merkle_tiles WHERE level = 1"),
      (
        "tile 0/1 (seq 257…",
        "UPDATE merkle_tiles SET width = width - 1, hashes = substr(hashes, 33)"
          + ", levels = substr(levels, 1, 32 * ((width - 1) / 16 + (width - 1) / 32 + (width - 1) / 64 + (width - 1) / 128)) WHERE level = 0 AND idx = 1"
      ),
      (
        "past the end of the log",
        "INSERT INTO merkle_tiles(level, idx, width, hashes) VALUES (2, 0, 1, zeroblob(32))"
      ),
    ]
    for (expected, sql) in cases {
      let copy = fixture.directory.appendingPathComponent("copy-\(UUID().uuidString).sqlite").path
      _ = try fixture.database.backup(to: copy)
      let queue = try DatabaseQueue(path: copy)
      try queue.write { db in
        for trigger in ["merkle_tiles_no_delete", "merkle_tiles_only_grow"] {
          try db.execute(sql: "DROP TRIGGER \(trigger)")
        }
        try db.execute(sql: sql)
      }
      try queue.close()
      let report = try AppDatabase.open(path: copy, keyPath: copy + ".key", reference: StoreFixture.reference)
        .audit()
      #expect(
        report.faults.contains { $0.message.contains("table merkle_tiles") && $0.message.contains(expected) },
        "\(sql): \(report.faults)")
    }
  }

  /// Each tile as ("level/idx/width", hashes), in key order.
  static func tiles(_ path: String) throws -> [(String, Data)] {
    try DatabaseQueue(path: path).read { db in
      try Row.fetchAll(db, sql: "SELECT level, idx, width, hashes FROM merkle_tiles ORDER BY level, idx").map
      {
        ("\($0[0] as Int64)/\($0[1] as Int64)/\($0[2] as Int64)", $0[3] as Data)
      }
    }
  }

  /// v10 on a database whose tiles have no inner levels (as v8 left them): each tile gets the
  /// bytes a new database writes, the table the schema a new database has, and the audit passes.
  /// The ledger table as before v11: the entries' bytes in a TEXT column (v11 runs again, in
  /// order after the migrations a test re-runs, and stores them as BLOBs with the same bytes),
  /// and a column of hashes (placeholders here: v15 drops it).
  static let ledgerAsText = """
    CREATE TABLE ledger_text (
      seq INTEGER PRIMARY KEY NOT NULL, kind TEXT NOT NULL, entry TEXT NOT NULL, hash BLOB NOT NULL
    ) STRICT;
    INSERT INTO ledger_text SELECT seq, kind, CAST(entry AS TEXT), zeroblob(32) FROM ledger;
    DROP TABLE ledger;
    ALTER TABLE ledger_text RENAME TO ledger;
    CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
      BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: entries cannot be changed'); END;
    CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
      BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: entries cannot be deleted'); END;
    """

  /// The tables v12 to v14 change, as they were before: `contracts` with each contract's terms
  /// (placeholders here: v12 drops the table), `bank_refs` with a rowid and the kind, content
  /// and result of each reference's use (v13 keeps the reference and the seq), and the two
  /// indexes of lessons by status (v14 keeps one, of pending lessons).
  static let schemaBeforeV12 = """
    CREATE TABLE contracts (
      enrollment TEXT PRIMARY KEY NOT NULL REFERENCES enrollments(id),
      institution TEXT NOT NULL REFERENCES institutions(uscc), terms TEXT NOT NULL, seq INTEGER NOT NULL
    ) STRICT;
    INSERT INTO contracts SELECT id, institution, '{}', seq + 1 FROM enrollments;
    CREATE TABLE bank_refs_v1 (
      ref TEXT PRIMARY KEY NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, content TEXT NOT NULL,
      result_id TEXT NOT NULL
    ) STRICT;
    INSERT INTO bank_refs_v1 SELECT ref, seq, 'payment', 'as before v13', 'E1' FROM bank_refs;
    DROP TABLE bank_refs;
    ALTER TABLE bank_refs_v1 RENAME TO bank_refs;
    DROP INDEX lessons_pending_recorded;
    CREATE INDEX lessons_pending ON lessons(status, taught_on);
    CREATE INDEX lessons_pending_recorded ON lessons(status, recorded_on);
    """

  /// v11 to v15 on a database as v10 left it: the contract's terms are then read from its entry,
  /// a bank reference keeps the seq of its entry (a repeat is still recognised from it), pending
  /// lessons have their own index, the ledger no hash column, and the audit passes.
  @Test func v11ToV15KeepContractsBankReferencesAndHashesInTheLogOnly() throws {
    let fixture = try StoreFixture()
    let (_, classID) = try fixture.openClass()
    let form = fixture.paymentForm(student: try fixture.student(), classID: classID, ref: "BOC-V11")
    let enrollment = try fixture.pay(form)
    let terms = try fixture.database.contract(enrollment: enrollment).terms
    let copy = fixture.directory.appendingPathComponent("v11.sqlite").path
    _ = try fixture.database.backup(to: copy)
    let queue = try DatabaseQueue(path: copy)
    try queue.write { db in
      try db.execute(
        sql: """
          DELETE FROM grdb_migrations
            WHERE rowid >= (SELECT rowid FROM grdb_migrations WHERE identifier = 'v11-entry-bytes');
          \(Self.ledgerAsText)
          \(Self.schemaBeforeV12)
          """)
    }
    try queue.close()
    let opened = try AppDatabase.open(path: copy, keyPath: copy + ".key", reference: StoreFixture.reference)
    try DatabaseQueue(path: copy).read { (db: Database) throws in
      #expect(try !db.tableExists("contracts"))
      #expect(try db.columns(in: "bank_refs").map(\.name) == ["ref", "seq"])
      #expect(try db.columns(in: "ledger").map(\.name) == ["seq", "kind", "entry"])
      #expect(
        try db.indexes(on: "lessons").map(\.name).filter { !$0.hasPrefix("sqlite_") }.sorted() == [
          "lessons_enrollment", "lessons_pending_recorded",
        ])
    }
    #expect(try opened.contract(enrollment: enrollment).terms == terms)
    let repeated = try opened.pay(form, now: StoreFixture.now)
    #expect(repeated.repeated && repeated.id == enrollment)
    let report = try opened.audit()
    #expect(report.ok, "\(report.faults)")
  }

  @Test func v10ComputesTheInnerLevelsOfExistingTiles() throws {
    let fixture = try StoreFixture()
    let (uscc, _) = try fixture.openClass()
    for number in 0..<300 {
      _ = try fixture.database.addVenue(institution: uscc, address: "蜀山区\(number)号楼", areaM2: "80")
    }
    let copy = fixture.directory.appendingPathComponent("v9.sqlite").path
    _ = try fixture.database.backup(to: copy)
    let before = try Self.tilesWithLevels(copy)
    #expect(before.contains { $0.levels.count == 30 * 32 }, "a full tile has 30 inner hashes")
    let schema = "SELECT sql FROM sqlite_master WHERE tbl_name = 'merkle_tiles' ORDER BY name"
    let schemaBefore = try DatabaseQueue(path: copy).read { try String.fetchAll($0, sql: schema) }
    // The copy as v9 left it: the column dropped (with the trigger that names it), v10 not applied.
    let queue = try DatabaseQueue(path: copy)
    try queue.write { db in
      try db.execute(
        sql: """
          DROP TRIGGER merkle_tiles_only_grow;
          ALTER TABLE merkle_tiles DROP COLUMN levels;
          DELETE FROM grdb_migrations
            WHERE rowid >= (SELECT rowid FROM grdb_migrations WHERE identifier = 'v10-tile-levels');
          \(Self.ledgerAsText)
          \(Self.schemaBeforeV12)
          """)
      #expect(try db.columns(in: "merkle_tiles").map(\.name) == ["level", "idx", "width", "hashes"])
    }
    try queue.close()
    let opened = try AppDatabase.open(path: copy, keyPath: copy + ".key", reference: StoreFixture.reference)
    #expect(try Self.tilesWithLevels(copy) == before)
    #expect(try DatabaseQueue(path: copy).read { try String.fetchAll($0, sql: schema) } == schemaBefore)
    let report = try opened.audit()
    #expect(report.ok, "\(report.faults)")
    // And the tree goes on growing, its proofs read from the migrated tiles.
    _ = try opened.addVenue(institution: uscc, address: "蜀山区新楼", areaM2: "80")
    #expect(try opened.audit().ok)
    let size = try opened.size()
    var tree = InMemoryMerkleTree()
    try opened.entries(fromSeq: 1, limit: size) { tree.append(entryBytes: $0.entryBytes) }
    for seq in [Int64(1), 17, 200, 257, size] {
      #expect(
        try opened.inclusionProof(seq: seq, size: size).hashes
          == (try tree.inclusionProof(index: seq - 1, size: size)))
    }
  }

  struct StoredTile: Equatable {
    let level: Int64
    let index: Int64
    let hashes: Data
    let levels: Data
  }

  static func tilesWithLevels(_ path: String) throws -> [StoredTile] {
    try DatabaseQueue(path: path).read { db in
      try Row.fetchAll(db, sql: "SELECT level, idx, hashes, levels FROM merkle_tiles ORDER BY level, idx").map
      {
        StoredTile(level: $0[0], index: $0[1], hashes: $0[2], levels: $0[3])
      }
    }
  }
}
