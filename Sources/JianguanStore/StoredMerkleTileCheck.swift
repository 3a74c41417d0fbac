import Foundation
import GRDB
import GRDBSQLite
import JianguanCrypto
import JianguanLedger

/// Checks the `merkle_tiles` table against the tiles the entries give, as they stream by: every
/// tile recomputed from the leaves and compared byte for byte when it fills up (the partial ones
/// at the end), none missing, none of a wrong width, none past the end of the log.
struct StoredMerkleTileCheck {
  /// One ordered cursor per tile level, opened when the level's first hash arrives.
  private var rows: [AuditRows] = []
  private var hasRow: [Bool] = []
  /// The hashes of each level's current tile, recomputed from the entries.
  private var tiles: [[SHA256Digest]] = []
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
  mutating func expect(_ hash: SHA256Digest, level treeLevel: Int, seq: Int64) throws {
    guard treeLevel % MerkleTile.height == 0 else { return }
    let level = treeLevel / MerkleTile.height
    if level == tiles.count { try openLevel() }
    tiles[level].append(hash)
    if tiles[level].count == MerkleTile.fullWidth {
      try compare(level: level, seq: seq, size: seq)
      tiles[level].removeAll(keepingCapacity: true)
      tileIndexes[level] += 1
    }
  }

  private mutating func openLevel() throws {
    let level = tiles.count
    // One statement per level: the statements are cached by their text.
    let cursor = try AuditRows(
      db, sql: "SELECT idx, width, hashes FROM merkle_tiles WHERE level = \(level) ORDER BY idx")
    rows.append(cursor)
    hasRow.append(try cursor.step())
    tiles.append([])
    tiles[level].reserveCapacity(MerkleTile.fullWidth)
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
    let stored = cursor.blob(2)
    let same = tiles[level].withUnsafeBytes { wanted in
      guard wanted.count == stored.count, let wantedBytes = wanted.baseAddress,
        let storedBytes = stored.baseAddress
      else { return false }
      return memcmp(wantedBytes, storedBytes, wanted.count) == 0
    }
    if !same { fault(seq, "\(place): the stored hashes differ from the ones the entries give") }
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
