import Foundation
import GRDB
import JianguanLedger

/// Migration "v8-merkle-tiles": the Merkle tree stored as C2SP `tlog-tiles` (256 hashes a row)
/// instead of one row per stored hash (about two rows per entry); "v10-tile-levels": each tile
/// with its inner levels 4…7 beside it (`MerkleTile+Levels`), so that a proof reads them instead
/// of recomputing up to 127 node hashes per tile.
enum MerkleTileSchema {
  /// The table as of v10, with its triggers. A partial tile only grows: its width, and its hashes
  /// and inner levels as a prefix of the wider ones (both are in completion order).
  static let table = schema(levels: true)

  /// The table as v8 made it, without inner levels.
  static let v8Table = schema(levels: false)

  private static func schema(levels: Bool) -> String {
    """
    -- Tile (level, idx): the hashes of tree level 8·level at indexes idx·256 … idx·256 + width − 1,
    -- concatenated (32 bytes each)\(levels ? ", and its inner levels 4…7 in completion order (see\n-- docs/LEDGER-FORMAT.md §7.2)" : ""). Only the rightmost tile of a level is partial, and it only grows.
    CREATE TABLE merkle_tiles (
      level INTEGER NOT NULL,
      idx INTEGER NOT NULL,
      width INTEGER NOT NULL CHECK (width BETWEEN 1 AND 256),
      hashes BLOB NOT NULL CHECK (length(hashes) = 32 * width),\(levels ? """

          levels BLOB NOT NULL DEFAULT x''
            CHECK (length(levels) = 32 * (width / 16 + width / 32 + width / 64 + width / 128)),
        """ : "")
      PRIMARY KEY (level, idx)
    ) STRICT, WITHOUT ROWID;
    CREATE TRIGGER merkle_tiles_no_delete BEFORE DELETE ON merkle_tiles
      BEGIN SELECT RAISE(ABORT, 'Merkle tiles are append-only: a tile cannot be deleted'); END;
    CREATE TRIGGER merkle_tiles_only_grow BEFORE UPDATE ON merkle_tiles
      WHEN NEW.level != OLD.level OR NEW.idx != OLD.idx OR NEW.width <= OLD.width
        OR substr(NEW.hashes, 1, length(OLD.hashes)) != OLD.hashes\(levels ? """

            OR substr(NEW.levels, 1, length(OLD.levels)) != OLD.levels
        """ : "")
      BEGIN SELECT RAISE(ABORT, 'a Merkle tile only grows: its stored hashes cannot change'); END;
    """
  }

  /// Creates `merkle_tiles`, fills it from `merkle_hashes` (each hash of a tree level that is a
  /// multiple of 8 goes to its tile), and drops `merkle_hashes` with its triggers. The stored
  /// hashes are moved, not recomputed: whatever they held, the audit then checks in the tiles.
  static func v8(_ db: Database) throws {
    try db.execute(sql: v8Table)
    var buffers: [[UInt8]] = []
    var tileIndexes: [Int64] = []
    var tiles: [MerkleTile] = []
    func take(_ level: Int) {
      guard !buffers[level].isEmpty else { return }
      tiles.append(MerkleTile(level: level, index: tileIndexes[level], hashes: buffers[level]))
      buffers[level] = []
    }
    let rows = try Row.fetchCursor(db, sql: "SELECT idx, hash FROM merkle_hashes ORDER BY idx")
    while let row = try rows.next() {
      let storedIndex: Int64 = row[0]
      guard storedIndex >= 0 else { continue }
      let (treeLevel, index) = Merkle.splitStoredHashIndex(storedIndex)
      guard treeLevel % MerkleTile.height == 0 else { continue }
      let level = treeLevel / MerkleTile.height
      while buffers.count <= level {
        buffers.append([])
        tileIndexes.append(0)
      }
      let tileIndex = index / Int64(MerkleTile.fullWidth)
      let offset = Int(index % Int64(MerkleTile.fullWidth))
      if tileIndexes[level] != tileIndex { take(level) }
      tileIndexes[level] = tileIndex
      // A missing or mis-sized hash (tampering) is kept as zeros or cut, for the audit to find.
      let zeros = [UInt8](repeating: 0, count: Merkle.hashByteCount)
      while buffers[level].count < offset * Merkle.hashByteCount { buffers[level] += zeros }
      buffers[level] += Array(([UInt8](row[1] as Data) + zeros).prefix(Merkle.hashByteCount))
      if offset == MerkleTile.fullWidth - 1 { take(level) }
      if tiles.count >= 64 {
        try writeV8(tiles, db: db)
        tiles = []
      }
    }
    for level in buffers.indices { take(level) }
    try writeV8(tiles, db: db)
    try db.execute(sql: "DROP TABLE merkle_hashes")
  }

  private static func writeV8(_ tiles: [MerkleTile], db: Database) throws {
    for tile in tiles {
      try RawStatement("INSERT INTO merkle_tiles(level, idx, width, hashes) VALUES (?, ?, ?, ?)", db: db)
        .execute(
          .integer(Int64(tile.level)), .integer(tile.index), .integer(Int64(tile.width)), .blob(tile.hashes))
    }
  }

  /// Rebuilds `merkle_tiles` with each tile's inner levels, computed from its hashes as stored
  /// (whatever they hold, the audit then checks both columns against the entries). About one
  /// node hash per stored hash and the table copied once: 3.3 s for 992,188 entries (release build).
  static func v10(_ db: Database) throws {
    // Run once only, as every other migration: a database whose record of migrations lost this
    // one (tampering) fails to open rather than being silently rebuilt.
    guard try !db.columns(in: "merkle_tiles").contains(where: { $0.name == "levels" }) else {
      throw DatabaseError(
        resultCode: .SQLITE_ERROR,
        message:
          "table merkle_tiles already keeps its inner levels, but table grdb_migrations does not record migration v10-tile-levels"
      )
    }
    try db.execute(
      sql: """
        DROP TRIGGER IF EXISTS merkle_tiles_no_delete;
        DROP TRIGGER IF EXISTS merkle_tiles_only_grow;
        ALTER TABLE merkle_tiles RENAME TO merkle_tiles_v8;
        """)
    try db.execute(sql: table)
    let rows = try Row.fetchCursor(
      db, sql: "SELECT level, idx, hashes FROM merkle_tiles_v8 ORDER BY level, idx")
    var tiles: [MerkleTile] = []
    while let row = try rows.next() {
      let hashes = [UInt8](row[2] as Data)
      // A row its CHECK constraints would refuse (they were dropped): left out, for the audit to
      // find the tile missing.
      guard !hashes.isEmpty, hashes.count % Merkle.hashByteCount == 0,
        hashes.count <= MerkleTile.fullByteCount
      else { continue }
      tiles.append(MerkleTile(level: row[0], index: row[1], hashes: hashes))
      if tiles.count >= 64 {
        try MerkleStore.write(tiles, db: db)
        tiles = []
      }
    }
    try MerkleStore.write(tiles, db: db)
    try db.execute(sql: "DROP TABLE merkle_tiles_v8")
  }
}
