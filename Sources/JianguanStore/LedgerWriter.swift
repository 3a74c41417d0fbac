import Foundation
import GRDB
import JianguanCore
import JianguanCrypto
import JianguanLedger

/// Appends entries to the log and updates the projections, inside the caller's transaction.
enum LedgerWriter {
  /// Appends `event` as the next entry, updates the Merkle hashes and the projection tables,
  /// and returns the entry's seq. Must run inside an IMMEDIATE transaction.
  static func append(_ event: Event, db: Database, now: Date = Date()) throws -> Int64 {
    let head = try db.row("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1")
    let seq: Int64 = (head?["seq"] as Int64? ?? 0) + 1
    let previousHash: [UInt8] = head.map { [UInt8]($0["hash"] as Data) } ?? Entry.genesisPrevious
    let kind = event.kind
    let bytes = Entry.encode(
      seq: seq, time: LocalDateTime.utcTimestamp(unixSeconds: Int64(now.timeIntervalSince1970)), kind: kind,
      payloadBytes: event.payloadBytes, previousHash: previousHash)
    let hash = SHA256.hash(bytes)
    try db.run(
      "INSERT INTO ledger(seq, kind, entry, hash) VALUES (?, ?, ?, ?)",
      [seq, kind, String(decoding: bytes, as: UTF8.self), Data(hash)])
    try MerkleStore.appendLeaf(index: seq - 1, entryBytes: bytes, db: db)
    try Projector.apply(event, seq: seq, db: db)
    return seq
  }

  /// The number of entries.
  static func size(_ db: Database) throws -> Int64 {
    try db.value("SELECT COALESCE(MAX(seq), 0) FROM ledger") ?? 0
  }

  /// The next id of a kind of thing: its prefix and one more than the rows of its table. Rows are
  /// never deleted, so the largest rowid is the count, found in O(log n) where COUNT(*) scans.
  static func nextID(_ prefix: String, table: String, db: Database) throws -> String {
    let count: Int64 = try db.value("SELECT COALESCE(MAX(rowid), 0) FROM \(table)") ?? 0
    return "\(prefix)\(count + 1)"
  }
}
