import JianguanCrypto

/// An auditor's checkpoint, its signature already verified, against a log the audit has just
/// walked: the log must extend it. Both stores' audits run it the same way.
public enum ExternalCheckpoint {
  /// The faults, none when the log extends `checkpoint`. `rootsAtSize` holds the log's roots at
  /// the checkpoint's size and at the stored checkpoints' sizes (as the walk computed them);
  /// `stored` are the stored checkpoints, used to name the smallest range of seqs that can hold a
  /// difference; `proof` gives the consistency proof between two sizes from the stored tree, which
  /// must prove the consistency itself, as a log server would to a monitor (RFC 9162 §2.1.4).
  public static func faults(
    _ checkpoint: Checkpoint, rootsAtSize: [Int64: [UInt8]], stored: [(size: Int64, rootHash: [UInt8])],
    size: Int64, root: [UInt8], proof: (_ oldSize: Int64, _ newSize: Int64) throws -> [MerkleHash]
  ) -> [AuditFault] {
    guard checkpoint.size <= size else {
      return [
        AuditFault(
          seq: size + 1,
          "the checkpoint signs \(checkpoint.size) entries but the log has only \(size): entries \(size + 1)…\(checkpoint.size) were cut off (truncated)"
        )
      ]
    }
    guard rootsAtSize[checkpoint.size] == checkpoint.rootHash else {
      let matching =
        stored.filter { $0.size < checkpoint.size && rootsAtSize[$0.size] == $0.rootHash }.map(\.size).max()
        ?? 0
      return [
        AuditFault(
          seq: checkpoint.size,
          "the first \(checkpoint.size) entries hash to \(Hex.encode(rootsAtSize[checkpoint.size] ?? []).prefix(16))…, the checkpoint signs \(Hex.encode(checkpoint.rootHash).prefix(16))…: the log was rewritten or forked between seq \(matching + 1) and \(checkpoint.size)"
        )
      ]
    }
    guard checkpoint.size > 0, checkpoint.size < size else { return [] }
    do {
      try Merkle.verifyConsistency(
        oldSize: checkpoint.size, newSize: size, oldRoot: checkpoint.rootHash, newRoot: root,
        proof: try proof(checkpoint.size, size))
      return []
    } catch {
      return [
        AuditFault(seq: 0, "the stored Merkle tree cannot prove consistency with the checkpoint: \(error)")
      ]
    }
  }

  /// The audit's line about the checkpoint.
  public static func verdict(_ checkpoint: Checkpoint, faults: [AuditFault]) -> String {
    faults.isEmpty
      ? "consistent with the checkpoint of size \(checkpoint.size): the ledger only grew since"
      : "NOT consistent with the checkpoint of size \(checkpoint.size)"
  }
}
