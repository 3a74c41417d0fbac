import Foundation
import GRDB
import JianguanCore
import JianguanLedger

extension AppDatabase {
  /// Signs the current tree head with `signer` and records the checkpoint in the log (a
  /// `checkpoint.signed` entry, projected into the `checkpoints` table). The first signing names
  /// the key in the log (`checkpoint.key`); signing with another key needs `newKey`, which
  /// records the rotation.
  public func signCheckpoint(signer: NoteSigner, signedAt: String, newKey: Bool = false) throws
    -> StoredCheckpoint
  {
    try write { db in
      _ = try CheckpointOperation.sign(
        signer: signer, signedAt: signedAt, newKey: newKey, in: SQLTransaction(database: self, db: db)
      ) {
        let size = try LedgerWriter.size(db)
        return (size, try merkleStore(db).root(size: size))
      }
      guard let row = try db.row("SELECT * FROM checkpoints ORDER BY id DESC LIMIT 1") else {
        throw StoreIntegrityError("the checkpoint just signed is not in the checkpoints table")
      }
      return Self.storedCheckpoint(row)
    }
  }

  /// Every stored checkpoint, oldest first.
  public func checkpoints() throws -> [StoredCheckpoint] {
    try read { db in
      try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM checkpoints ORDER BY id")).map(
        Self.storedCheckpoint)
    }
  }

  static func storedCheckpoint(_ row: Row) -> StoredCheckpoint {
    StoredCheckpoint(
      id: row["id"], size: row["size"], rootHash: [UInt8](row["root_hash"] as Data), note: row["note"],
      verifierKey: row["verifier_key"], signedAt: row["signed_at"])
  }

  /// Parses a seq or size typed by a user; `allowZero` for tree sizes.
  public static func parsePosition(_ text: String, field: String, allowZero: Bool = false) throws -> Int64 {
    try Money.parseCount(text, field: field, range: (allowZero ? 0 : 1)...Int64.max)
  }

  func requireSize(_ size: Int64, field: String, db: Database) throws -> Int64 {
    let logSize = try LedgerWriter.size(db)
    guard size <= logSize else {
      throw Rejection(
        "\(field)_beyond_log", "\(field) \(size) is beyond the log, which has \(logSize) entries")
    }
    return logSize
  }

  /// An RFC 9162 inclusion proof of entry `seq` in the tree of the first `size` entries (default: all).
  public func inclusionProof(seq: Int64, size: Int64?) throws -> MerkleInclusionProof {
    try read { db in
      let logSize = try LedgerWriter.size(db)
      let treeSize = size ?? logSize
      _ = try requireSize(treeSize, field: "size", db: db)
      guard seq <= treeSize else {
        throw Rejection("seq_beyond_size", "seq \(seq) is beyond the tree of \(treeSize) entries")
      }
      let reader = merkleStore(db)
      return MerkleInclusionProof(
        treeSize: treeSize, leafIndex: seq - 1, rootHash: try reader.root(size: treeSize),
        hashes: try Merkle.inclusionProof(index: seq - 1, size: treeSize, reader: reader))
    }
  }

  /// An RFC 9162 consistency proof between the trees of `oldSize` and `newSize` entries.
  public func consistencyProof(oldSize: Int64, newSize: Int64) throws -> MerkleConsistencyProof {
    try read { db in
      _ = try requireSize(newSize, field: "new", db: db)
      guard oldSize <= newSize else {
        throw Rejection("old_after_new", "old size \(oldSize) is larger than new size \(newSize)")
      }
      let reader = merkleStore(db)
      return MerkleConsistencyProof(
        oldSize: oldSize, newSize: newSize, oldRoot: try reader.root(size: oldSize),
        newRoot: try reader.root(size: newSize),
        hashes: try Merkle.consistencyProof(oldSize: oldSize, newSize: newSize, reader: reader))
    }
  }

  /// A receipt for entry `seq`: the entry, its inclusion proof, and a new checkpoint signed now.
  public func receipt(seq: Int64, signer: NoteSigner, signedAt: String) throws -> Receipt {
    // Refuse before signing: a refused request stores no checkpoint.
    let logSize = try size()
    guard seq <= logSize else {
      throw Rejection("seq_beyond_log", "seq \(seq) is beyond the log, which has \(logSize) entries")
    }
    let checkpoint = try signCheckpoint(signer: signer, signedAt: signedAt)
    return try read { db in
      guard
        let bytes = try Data.fetchOne(
          try db.cachedStatement(sql: "SELECT entry FROM ledger WHERE seq = ?"), arguments: [seq])
      else {
        throw Rejection("seq_missing", "entry \(seq) is missing from the log; run `jianguan audit`")
      }
      let reader = merkleStore(db)
      let proof = MerkleInclusionProof(
        treeSize: checkpoint.size, leafIndex: seq - 1, rootHash: checkpoint.rootHash,
        hashes: try Merkle.inclusionProof(index: seq - 1, size: checkpoint.size, reader: reader))
      return Receipt(
        seq: seq, entryBytes: [UInt8](bytes), inclusionProof: proof, checkpoint: checkpoint.note)
    }
  }
}
