import Foundation
import GRDB
import GRDBSQLite
import JianguanCrypto
import JianguanLedger

/// Checks the `merkle_tiles` table against the tiles the entries give, as they stream by: every
/// tile and its inner levels recomputed from the leaves and compared byte for byte when it fills
/// up (the partial ones at the end), none missing, none of a wrong width, none past the end of
/// the log.
struct StoredMerkleTileCheck {
  /// One ordered cursor per tile level, opened when the level's first hash arrives.
  private var rows: [AuditRows] = []
  private var hasRow: [Bool] = []
  /// The hashes of each level's current tile, recomputed from the entries.
  private var tiles: [[SHA256Digest]] = []
  /// Their inner levels, in completion order (`MerkleTile+Levels`).
  private var levels: [[SHA256Digest]] = []
  private var tileIndexes: [Int64] = []
  private let db: Database
  private(set) var faults: [AuditFault] = []
  private var differing = 0

  init(_ db: Database) { self.db = db }

  private mutating func fault(_ seq: Int64, _ message: @autoclosure () -> String) {
    differing += 1
    if differing <= AppDatabase.rowFaultsPerTable { faults.append(AuditFault(seq: seq, message())) }
  }

  /// `hash`, of tree level `treeLevel`, was completed by entry `seq`.
  /// The hashes come lowest level first: a full tile's root, the next hash of the level above,
  /// comes after the tile's inner hashes.
  mutating func expect(_ hash: SHA256Digest, level treeLevel: Int, seq: Int64) throws {
    let level = treeLevel / MerkleTile.height
    let inner = treeLevel % MerkleTile.height
    if inner == 0 {
      if level > 0, tiles[level - 1].count == MerkleTile.fullWidth {
        try compare(level: level - 1, seq: seq, size: seq)
        tiles[level - 1].removeAll(keepingCapacity: true)
        levels[level - 1].removeAll(keepingCapacity: true)
        tileIndexes[level - 1] += 1
      }
      if level == tiles.count { try openLevel() }
      tiles[level].append(hash)
    } else if MerkleTile.innerLevels.contains(inner) {
      levels[level].append(hash)
    }
  }

  private mutating func openLevel() throws {
    let level = tiles.count
    // One statement per level: the statements are cached by their text.
    let cursor = try AuditRows(
      db, sql: "SELECT idx, width, hashes, levels FROM merkle_tiles WHERE level = \(level) ORDER BY idx")
    rows.append(cursor)
    hasRow.append(try cursor.step())
    tiles.append([])
    tiles[level].reserveCapacity(MerkleTile.fullWidth)
    levels.append([])
    tileIndexes.append(0)
  }

  /// The seqs of the entries under tile (`level`, `index`) in a log of `size` entries.
  private static func seqs(level: Int, index: Int64, size: Int64) -> String {
    let span = Int64(1) << (MerkleTile.height * (level + 1))
    return "seq \(index * span + 1)…\(min((index + 1) * span, size))"
  }

  /// Compares the stored tile at the level's current index with the recomputed one.
  private mutating func compare(level: Int, seq: Int64, size: Int64) throws {
    let index = tileIndexes[level]
    let cursor = rows[level]
    let place =
      "table merkle_tiles, tile \(level)/\(index) (\(Self.seqs(level: level, index: index, size: size)))"
    while hasRow[level], cursor.int64(0) < index {
      fault(seq, "table merkle_tiles, tile \(level)/\(cursor.int64(0)): not a place of the tree")
      hasRow[level] = try cursor.step()
    }
    guard hasRow[level], cursor.int64(0) == index else {
      fault(seq, "\(place): missing")
      return
    }
    defer { hasRow[level] = (try? cursor.step()) ?? false }
    let width = tiles[level].count
    let storedWidth = cursor.int64(1)
    guard storedWidth == Int64(width) else {
      fault(
        seq,
        storedWidth > width
          ? "\(place): \(storedWidth - Int64(width)) hashes past the end of the log in table ledger (width \(storedWidth), the entries give \(width)): the log was cut short or hashes were added"
          : "\(place): width \(storedWidth), the entries give \(width)")
      return
    }
    if !Self.same(tiles[level], cursor.blob(2)) {
      fault(seq, "\(place): the stored hashes differ from the ones the entries give")
    } else if !Self.same(levels[level], cursor.blob(3)) {
      let stored = cursor.blob(3).count / Merkle.hashByteCount
      let wanted = levels[level].count
      fault(
        seq,
        stored == wanted
          ? "\(place): the stored inner levels (column levels) differ from the ones the entries give"
          : "\(place): \(stored) inner hashes stored (column levels), the entries give \(wanted)")
    }
  }

  /// Whether `stored` holds exactly the bytes of `wanted`.
  private static func same(_ wanted: [SHA256Digest], _ stored: UnsafeRawBufferPointer) -> Bool {
    wanted.withUnsafeBytes { wanted in
      guard wanted.count == stored.count else { return false }
      guard let wantedBytes = wanted.baseAddress, let storedBytes = stored.baseAddress else { return true }
      return memcmp(wantedBytes, storedBytes, wanted.count) == 0
    }
  }

  /// After the last of `size` entries: the partial tiles, then any tile left over is surplus.
  mutating func finish(size: Int64) throws {
    for level in tiles.indices where !tiles[level].isEmpty {
      try compare(level: level, seq: size, size: size)
    }
    var surplus: [String] = []
    for level in rows.indices {
      while hasRow[level] {
        surplus.append("\(level)/\(rows[level].int64(0))")
        hasRow[level] = try rows[level].step()
      }
    }
    let beyond = try Row.fetchAll(
      db, sql: "SELECT level, idx FROM merkle_tiles WHERE level < 0 OR level >= ? ORDER BY level, idx",
      arguments: [rows.count])
    surplus += beyond.map { "\($0[0] as Int64)/\($0[1] as Int64)" }
    if !surplus.isEmpty {
      faults.append(
        AuditFault(
          seq: 0,
          "table merkle_tiles: \(surplus.count) tiles past the end of the log in table ledger (tile \(surplus.prefix(3).joined(separator: ", "))): the log was cut short or tiles were added"
        ))
    }
    if differing > AppDatabase.rowFaultsPerTable {
      faults.append(
        AuditFault(
          seq: 0, "table merkle_tiles: \(differing - AppDatabase.rowFaultsPerTable) more tiles differ"))
    }
  }
}
