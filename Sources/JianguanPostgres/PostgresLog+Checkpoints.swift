import JianguanCore
import JianguanLedger
import PostgresNIO

extension PostgresLog {
  /// `checkpoint sign` on this bureau: `CheckpointOperation` on its replayed ledger, the tree head
  /// taken from the stored tiles and the entries appended before it in the same transaction (a
  /// first signing's `checkpoint.key`). The checkpoint row is projected with the append.
  public func signCheckpoint(clock: LocalDateTime, signer: NoteSigner, signedAt: String, newKey: Bool)
    throws -> StoredCheckpoint
  {
    _ = try write(clock: clock) { ledger in
      try CheckpointOperation.sign(signer: signer, signedAt: signedAt, newKey: newKey, in: ledger) {
        guard let keeper = ledger.keeper as? PostgresEntryKeeper else {
          throw PostgresStoreError("checkpoint_keeper", "bureau \(bureau): the write has no keeper")
        }
        let edge = try keeper.edgeWithPending()
        return (edge.size, edge.root)
      }
    }
    guard let last = try checkpoints().last else {
      throw PostgresStoreError(
        "checkpoint_missing",
        "table checkpoints: the checkpoint just signed for bureau \(bureau) is not there")
    }
    return last
  }

  /// Every stored checkpoint of this bureau, oldest first.
  public func checkpoints() throws -> [StoredCheckpoint] {
    try checkpointRows().map {
      StoredCheckpoint(
        id: $0.id, size: $0.size, rootHash: $0.rootHash, note: $0.note, verifierKey: $0.verifierKey,
        signedAt: $0.signedAt)
    }
  }

  /// An RFC 9162 consistency proof between the trees of `oldSize` and `newSize` entries, from the
  /// stored tiles; refused as on a file.
  public func consistencyProof(oldSize: Int64, newSize: Int64) throws -> MerkleConsistencyProof {
    let logSize = try size()
    guard newSize <= logSize else {
      throw Rejection("new_beyond_log", "new \(newSize) is beyond the log, which has \(logSize) entries")
    }
    guard oldSize <= newSize else {
      throw Rejection("old_after_new", "old size \(oldSize) is larger than new size \(newSize)")
    }
    return try withTiles { tiles in
      let reader = MerkleTileHashReader(tiles)
      return MerkleConsistencyProof(
        oldSize: oldSize, newSize: newSize, oldRoot: try Merkle.treeHash(size: oldSize, reader: reader),
        newRoot: try Merkle.treeHash(size: newSize, reader: reader),
        hashes: try Merkle.consistencyProof(oldSize: oldSize, newSize: newSize, reader: reader))
    }
  }

  /// A receipt for entry `seq`: the entry, its inclusion proof, and a checkpoint signed now.
  /// Refused before signing when there is no such entry, so a refusal stores no checkpoint.
  public func receipt(seq: Int64, clock: LocalDateTime, signer: NoteSigner, signedAt: String) throws
    -> Receipt
  {
    let logSize = try size()
    guard seq <= logSize else {
      throw Rejection("seq_beyond_log", "seq \(seq) is beyond the log, which has \(logSize) entries")
    }
    let checkpoint = try signCheckpoint(clock: clock, signer: signer, signedAt: signedAt, newKey: false)
    guard let entry = try entry(atSeq: seq) else {
      throw Rejection("seq_missing", "entry \(seq) is missing from the log; run `jianguan audit`")
    }
    let proof = try inclusionProof(seq: seq, size: checkpoint.size)
    return Receipt(seq: seq, entryBytes: entry, inclusionProof: proof, checkpoint: checkpoint.note)
  }

  /// The stored bytes of entry `seq` of this bureau, or nil.
  func entry(atSeq seq: Int64) throws -> [UInt8]? {
    try session.rows("SELECT entry FROM jianguan.ledger WHERE bureau = \(bureau) AND seq = \(seq)").first.map
    {
      try $0.decode(ByteBuffer.self).bytes
    }
  }
}
