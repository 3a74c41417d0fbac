import Foundation
import GRDB
import JianguanLedger

/// In-process measurements of the Merkle storage, for `Tools/bench.sh` (not a user feature).
public enum MerkleBenchmark {
  /// Seconds to build `count` inclusion proofs spread over the whole log of `database`.
  public static func inclusionProofs(_ database: AppDatabase, count: Int) throws -> (
    seconds: Double, size: Int64
  ) {
    try database.read { db in
      // Warm means the pages a proof reads stay in SQLite's cache, as in a long-running server.
      try db.execute(sql: "PRAGMA cache_size = -262144")
      let size = try LedgerWriter.size(db)
      let store = MerkleStore(db: db)
      let start = Date()
      for index in 0..<Int64(count) {
        let leaf = (index * 7919 + 1) % max(size, 1)
        _ = try Merkle.inclusionProof(index: leaf, size: size, reader: store)
      }
      return (Date().timeIntervalSince(start), size)
    }
  }

  /// Builds a stored tree of `size` synthetic leaves in a scratch SQLite file, through the same
  /// table and append code as the ledger, then times the root and a consistency proof at that
  /// size (`repeats` times each, average in microseconds).
  public static func synthetic(path: String, size: Int64, repeats: Int) throws -> (
    buildSeconds: Double, rootMicroseconds: Double, consistencyMicroseconds: Double, root: [UInt8]
  ) {
    try? FileManager.default.removeItem(atPath: path)
    let queue = try DatabaseQueue(path: path)
    try queue.writeWithoutTransaction { db in
      try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144")
      try db.execute(sql: MerkleTileSchema.table)
    }
    let start = Date()
    try queue.write { db in
      let tail = LedgerTail()  // as a batch import appends: the right edge kept in memory
      for index in 0..<size {
        var bytes = [UInt8](repeating: 0, count: 16)
        withUnsafeBytes(of: index.bigEndian) { bytes.replaceSubrange(0..<8, with: $0) }
        try MerkleStore.appendLeaf(index: index, entryBytes: bytes, db: db, tail: tail)
      }
      try tail.flush(db)
    }
    let built = Date().timeIntervalSince(start)
    return try queue.read { db in
      let store = MerkleStore(db: db)
      let rootStart = Date()
      for offset in 0..<repeats { _ = try store.root(size: size - Int64(offset)) }
      let rootTime = Date().timeIntervalSince(rootStart) / Double(repeats)
      let proofStart = Date()
      for offset in 0..<repeats {
        _ = try Merkle.consistencyProof(oldSize: size / 2 + Int64(offset), newSize: size, reader: store)
      }
      let proofTime = Date().timeIntervalSince(proofStart) / Double(repeats)
      return (built, rootTime * 1e6, proofTime * 1e6, try store.root(size: size))
    }
  }
}
