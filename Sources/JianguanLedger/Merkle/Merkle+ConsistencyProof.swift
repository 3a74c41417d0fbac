import JianguanCrypto

/// Consistency proofs (RFC 9162 §2.1.4; RFC 6962 §2.1.2): the hashes that show the tree of
/// `oldSize` leaves is a prefix of the tree of `newSize` leaves — nothing was changed or removed.
extension Merkle {
  /// PROOF(oldSize, D[0:newSize]) of RFC 9162 §2.1.4.1, from one `readHashes` call for O(log n)
  /// stored hashes. Empty when the sizes are equal. The old size must be at least 1: every tree
  /// extends the empty one, and RFC 9162 defines no proof for it.
  public static func consistencyProof(
    oldSize: Int64, newSize: Int64, reader: some MerkleHashReader
  ) throws -> [MerkleHash] {
    try checkSizes(oldSize: oldSize, newSize: newSize)
    if oldSize == newSize { return [] }
    var indexes: [Int64] = []
    appendConsistencyIndexes(oldSize: oldSize, from: 0, to: newSize, into: &indexes)
    var cursor = StoredHashCursor(try reader.readCheckedHashes(indexes))
    var proof: [MerkleHash] = []
    buildConsistencyProof(oldSize: oldSize, from: 0, to: newSize, cursor: &cursor, into: &proof)
    precondition(cursor.isAtEnd, "consistencyProof: bad index arithmetic")
    return proof
  }

  /// Checks that `proof` shows the tree of `oldSize` leaves with root `oldRoot` is a prefix of the
  /// tree of `newSize` leaves with root `newRoot`, by RFC 9162 §2.1.4.2 step by step.
  ///
  /// Equal sizes need an empty proof and byte-identical roots. An old size of 0 is refused (it
  /// proves nothing; transparency-dev/merkle's vectors require the refusal).
  public static func verifyConsistency(
    oldSize: Int64, newSize: Int64, oldRoot: MerkleHash, newRoot: MerkleHash, proof: [MerkleHash]
  ) throws {
    try checkSizes(oldSize: oldSize, newSize: newSize)
    if oldSize == newSize {
      guard proof.isEmpty else {
        throw MerkleError(
          .proofWrongLength,
          "a consistency proof between equal sizes (\(oldSize)) must be empty, not \(proof.count) hashes")
      }
      guard oldRoot == newRoot else {
        throw MerkleError(
          .rootMismatch,
          "two trees of size \(oldSize) have different roots \(Hex.encode(oldRoot)) and \(Hex.encode(newRoot))"
        )
      }
      return
    }
    // Step 1: an empty path fails.
    guard !proof.isEmpty else {
      throw MerkleError(.proofWrongLength, "the consistency proof from \(oldSize) to \(newSize) is empty")
    }
    try checkHashLengths(leafHash: nil, proof: proof)
    let expectedLength = consistencyProofLength(oldSize: oldSize, newSize: newSize)
    guard proof.count == expectedLength else {
      throw MerkleError(
        .proofWrongLength,
        "the consistency proof has \(proof.count) hashes; from \(oldSize) to \(newSize) needs \(expectedLength)"
      )
    }
    // Step 2: when the old tree is a complete subtree, its root is the path's first value.
    var path = proof
    if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
    // Step 3.
    var fn = oldSize - 1
    var sn = newSize - 1
    // Step 4: skip the levels where the old tree's last node is a right child.
    while fn & 1 == 1 {
      fn >>= 1
      sn >>= 1
    }
    // Step 5.
    var fr = path[0]
    var sr = path[0]
    // Step 6.
    for c in path.dropFirst() {
      // 6a
      guard sn != 0 else {
        throw MerkleError(.proofWrongLength, "the consistency proof is longer than the new tree is tall")
      }
      if fn & 1 == 1 || fn == sn {
        // 6b: c is a left sibling in both trees.
        fr = nodeHash(c, fr)
        sr = nodeHash(c, sr)
        if fn & 1 == 0 {
          while fn & 1 == 0 && fn != 0 {
            fn >>= 1
            sn >>= 1
          }
        }
      } else {
        sr = nodeHash(sr, c)  // c is a right sibling, only in the new tree.
      }
      // 6c
      fn >>= 1
      sn >>= 1
    }
    // Step 7.
    guard sn == 0 else {
      throw MerkleError(.proofWrongLength, "the consistency proof ends below the root of the new tree")
    }
    guard fr == oldRoot else {
      throw MerkleError(
        .rootMismatch,
        "the consistency proof gives old root \(Hex.encode(fr)), not the expected \(Hex.encode(oldRoot))")
    }
    guard sr == newRoot else {
      throw MerkleError(
        .rootMismatch,
        "the consistency proof gives new root \(Hex.encode(sr)), not the expected \(Hex.encode(newRoot))")
    }
  }

  /// The number of hashes in PROOF(oldSize, D[0:newSize]), 0 < oldSize < newSize.
  static func consistencyProofLength(oldSize: Int64, newSize: Int64) -> Int {
    var lo: Int64 = 0
    var hi = newSize
    var length = 0
    while oldSize != hi {
      let k = largestPowerOfTwo(below: hi - lo).k
      if oldSize <= lo + k { hi = lo + k } else { lo += k }
      length += 1
    }
    return lo == 0 ? length : length + 1
  }

  private static func checkSizes(oldSize: Int64, newSize: Int64) throws {
    guard oldSize >= 0, newSize >= 0 else {
      throw MerkleError(.negativeNumber, "tree sizes \(oldSize) and \(newSize) must not be negative")
    }
    guard oldSize <= newSize else {
      throw MerkleError(.oldSizeAboveNewSize, "old tree size \(oldSize) is above new tree size \(newSize)")
    }
    guard oldSize > 0 else {
      throw MerkleError(
        .oldSizeZero, "a consistency proof from the empty tree (size 0) proves nothing and is refused")
    }
  }

  /// Stored-hash indexes for SUBPROOF(m, D[lo:hi], b), in the order `buildConsistencyProof` takes
  /// them; b ("the old tree is this whole subtree") is lo == 0.
  private static func appendConsistencyIndexes(
    oldSize m: Int64, from lo: Int64, to hi: Int64, into indexes: inout [Int64]
  ) {
    if m == hi {
      if lo != 0 { appendSubtreeIndexes(from: lo, to: hi, into: &indexes) }
      return
    }
    let k = largestPowerOfTwo(below: hi - lo).k
    if m <= lo + k {
      appendConsistencyIndexes(oldSize: m, from: lo, to: lo + k, into: &indexes)
      appendSubtreeIndexes(from: lo + k, to: hi, into: &indexes)
    } else {
      appendSubtreeIndexes(from: lo, to: lo + k, into: &indexes)
      appendConsistencyIndexes(oldSize: m, from: lo + k, to: hi, into: &indexes)
    }
  }

  /// SUBPROOF of RFC 9162 §2.1.4.1: when the old tree ends at this subtree's end, nothing if
  /// the subtree is the old tree itself (the verifier has its root), else the subtree's root;
  /// otherwise recurse into the half where the old tree ends, then add the other half's root.
  private static func buildConsistencyProof(
    oldSize m: Int64, from lo: Int64, to hi: Int64, cursor: inout StoredHashCursor,
    into proof: inout [MerkleHash]
  ) {
    if m == hi {
      if lo != 0 { proof.append(subtreeHash(from: lo, to: hi, cursor: &cursor)) }
      return
    }
    let k = largestPowerOfTwo(below: hi - lo).k
    if m <= lo + k {
      buildConsistencyProof(oldSize: m, from: lo, to: lo + k, cursor: &cursor, into: &proof)
      proof.append(subtreeHash(from: lo + k, to: hi, cursor: &cursor))
    } else {
      let left = subtreeHash(from: lo, to: lo + k, cursor: &cursor)
      buildConsistencyProof(oldSize: m, from: lo + k, to: hi, cursor: &cursor, into: &proof)
      proof.append(left)
    }
  }
}
