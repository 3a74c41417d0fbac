import Foundation
import GRDB
import JianguanLedger

/// Migration "v8-merkle-tiles": the Merkle tree stored as C2SP `tlog-tiles` (256 hashes a row)
/// instead of one row per stored hash (about two rows per entry).
enum MerkleTileSchema {
  static let table = """
    -- Tile (level, idx): the hashes of tree level 8·level at indexes idx·256 … idx·256 + width − 1,
    -- concatenated (32 bytes each). Only the rightmost tile of a level is partial, and it only grows.
    CREATE TABLE merkle_tiles (
      level INTEGER NOT NULL,
      idx INTEGER NOT NULL,
      width INTEGER NOT NULL CHECK (width BETWEEN 1 AND 256),
      hashes BLOB NOT NULL CHECK (length(hashes) = 32 * width),
      PRIMARY KEY (level, idx)
    ) STRICT, WITHOUT ROWID;
    CREATE TRIGGER merkle_tiles_no_delete BEFORE DELETE ON merkle_tiles
      BEGIN SELECT RAISE(ABORT, 'Merkle tiles are append-only: a tile cannot be deleted'); END;
    CREATE TRIGGER merkle_tiles_only_grow BEFORE UPDATE ON merkle_tiles
      WHEN NEW.level != OLD.level OR NEW.idx != OLD.idx OR NEW.width <= OLD.width
        OR substr(NEW.hashes, 1, length(OLD.hashes)) != OLD.hashes
      BEGIN SELECT RAISE(ABORT, 'a Merkle tile only grows: its stored hashes cannot change'); END;
    """

  /// Creates `merkle_tiles`, fills it from `merkle_hashes` (each hash of a tree level that is a
  /// multiple of 8 goes to its tile), and drops `merkle_hashes` with its triggers. The stored
  /// hashes are moved, not recomputed: whatever they held, the audit then checks in the tiles.
  static func v8(_ db: Database) throws {
    try db.execute(sql: table)
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
        try MerkleStore.write(tiles, db: db)
        tiles = []
      }
    }
    for level in buffers.indices { take(level) }
    try MerkleStore.write(tiles, db: db)
    try db.execute(sql: "DROP TABLE merkle_hashes")
  }
}
