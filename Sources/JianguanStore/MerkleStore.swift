import Foundation
import GRDB
import JianguanLedger

/// The Merkle tree's tiles in SQLite (table `merkle_tiles`, C2SP `tlog-tiles`, each row with its
/// tile's inner levels): a tree of n leaves is about n/255 rows; a root or proof at any size
/// reads O(log n) of them.
struct MerkleStore: MerkleHashReader, MerkleTileReader {
  let db: Database
  /// The batch's end of the tree, whose partial tiles are not written until the commit.
  var edge: MerkleTileEdge?

  init(db: Database, edge: MerkleTileEdge? = nil) {
    self.db = db
    self.edge = edge
  }

  func readHashes(_ indexes: [Int64]) throws -> [MerkleHash] {
    try MerkleTileHashReader(self).readHashes(indexes)
  }

  func readTiles(_ tiles: [(level: Int, index: Int64)]) throws -> [MerkleTileContent] {
    let statement = try RawStatement(
      "SELECT width, hashes, levels FROM merkle_tiles WHERE level = ? AND idx = ?", db: db)
    return try tiles.map { level, index in
      if let unwritten = edge?.unwrittenTile(level: level, index: index) { return unwritten }
      let row = try statement.first(.integer(Int64(level)), .integer(index)) {
        ($0.integer(0), $0.blob(1), $0.blob(2))
      }
      guard let (width, hashes, levels) = row else {
        throw StoreIntegrityError("Merkle tile \(level)/\(index) is missing")
      }
      guard hashes.count == Int(width) * Merkle.hashByteCount,
        levels.count == MerkleTile.levelHashCount(width: Int(width)) * Merkle.hashByteCount
      else {
        throw StoreIntegrityError(
          "Merkle tile \(level)/\(index) has width \(width) but \(hashes.count) bytes and \(levels.count) bytes of inner levels"
        )
      }
      return MerkleTileContent(hashes: hashes, levels: levels)
    }
  }

  /// Appends leaf `index` (= the tree's size): full tiles are written as they fill up; the
  /// partial ones now, or, inside a batch (`tail`), once by `LedgerTail.flush` before the commit.
  static func appendLeaf(index: Int64, entryBytes: [UInt8], db: Database, tail: LedgerTail? = nil) throws {
    // Taken out of the tail while it grows, so that its buffers are not copied on write.
    var edge = try tail?.takeTiles() ?? MerkleTileEdge(size: index, reader: MerkleStore(db: db))
    defer { tail?.tiles = edge }
    guard edge.size == index else {
      throw StoreIntegrityError("the Merkle tree has \(edge.size) leaves, but entry \(index + 1) is next")
    }
    edge.append(leafHash: Merkle.leafHash(entryBytes))
    try write(tail == nil ? edge.takeChangedTiles() : edge.takeFilledTiles(), db: db)
  }

  /// Writes `tiles` with their inner levels: a new tile is inserted, a partial one replaced by
  /// its wider self.
  static func write(_ tiles: [MerkleTile], db: Database, table: String = "merkle_tiles") throws {
    if tiles.isEmpty { return }
    let statement = try RawStatement(
      """
      INSERT INTO \(table)(level, idx, width, hashes, levels) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(level, idx) DO UPDATE
        SET width = excluded.width, hashes = excluded.hashes, levels = excluded.levels
      """, db: db)
    for tile in tiles {
      try statement.execute(
        .integer(Int64(tile.level)), .integer(tile.index), .integer(Int64(tile.width)), .blob(tile.hashes),
        .blob(tile.levels))
    }
  }

  /// The root hash of the tree of the first `size` entries.
  func root(size: Int64) throws -> MerkleHash { try Merkle.treeHash(size: size, reader: self) }
}

/// The stored state contradicts itself: a bug or tampering, found while serving a request.
struct StoreIntegrityError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
