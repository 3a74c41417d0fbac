import JianguanCrypto

/// Inclusion proofs (RFC 9162 §2.1.3; RFC 6962 §2.1.1 "audit paths"): the sibling hashes on the
/// way from one leaf up to the root, nearest the leaf first.
extension Merkle {
  /// The proof that leaf `index` (0-based) is in the tree of `size` leaves, PATH(index, D[0:size])
  /// of RFC 9162 §2.1.3.1, from one `readHashes` call for O(log size) stored hashes.
  public static func inclusionProof(
    index: Int64, size: Int64, reader: some MerkleHashReader
  ) throws -> [MerkleHash] {
    try checkIndex(index, size: size)
    var indexes: [Int64] = []
    appendInclusionIndexes(leaf: index, from: 0, to: size, into: &indexes)
    var cursor = StoredHashCursor(try reader.readCheckedHashes(indexes))
    var proof: [MerkleHash] = []
    buildInclusionProof(leaf: index, from: 0, to: size, cursor: &cursor, into: &proof)
    precondition(cursor.isAtEnd, "inclusionProof: bad index arithmetic")
    return proof
  }

  /// Checks that `proof` shows the leaf with hash `leafHash` at `index` in the tree of `size`
  /// leaves whose root is `root`, by the algorithm of RFC 9162 §2.1.3.2, step by step.
  /// Throws a `MerkleError` naming the first fault found.
  public static func verifyInclusion(
    leafHash: MerkleHash, index: Int64, size: Int64, proof: [MerkleHash], root: MerkleHash
  ) throws {
    // Step 1: the leaf index must be below the tree size.
    try checkIndex(index, size: size)
    try checkHashLengths(leafHash: leafHash, proof: proof)
    let expectedLength = inclusionProofLength(index: index, size: size)
    guard proof.count == expectedLength else {
      throw MerkleError(
        .proofWrongLength,
        "the inclusion proof has \(proof.count) hashes; leaf \(index) of a tree of \(size) needs \(expectedLength)"
      )
    }
    // Step 2: fn = leaf_index, sn = tree_size - 1.  Step 3: r = hash.
    var fn = index
    var sn = size - 1
    var r = leafHash
    // Step 4: fold in each p of the inclusion path.
    for p in proof {
      // 4a: a path longer than the tree is tall fails.
      guard sn != 0 else {
        throw MerkleError(.proofWrongLength, "the inclusion proof is longer than the tree is tall")
      }
      if fn & 1 == 1 || fn == sn {
        // 4b: p is a left sibling. Then skip the levels where this node is a lone right edge.
        r = nodeHash(p, r)
        if fn & 1 == 0 {
          while fn & 1 == 0 && fn != 0 {
            fn >>= 1
            sn >>= 1
          }
        }
      } else {
        r = nodeHash(r, p)  // p is a right sibling.
      }
      // 4c
      fn >>= 1
      sn >>= 1
    }
    // Step 5: the path must reach the root exactly, and give the expected hash.
    guard sn == 0 else {
      throw MerkleError(.proofWrongLength, "the inclusion proof ends below the root of the tree")
    }
    guard r == root else {
      throw MerkleError(
        .rootMismatch,
        "the inclusion proof for leaf \(index) gives root \(Hex.encode(r)), not the expected \(Hex.encode(root))"
      )
    }
  }

  /// The number of hashes in PATH(index, D[0:size]): one per level walked down from the root.
  static func inclusionProofLength(index: Int64, size: Int64) -> Int {
    var lo: Int64 = 0
    var hi = size
    var length = 0
    while hi - lo > 1 {
      let k = largestPowerOfTwo(below: hi - lo).k
      if index < lo + k { hi = lo + k } else { lo += k }
      length += 1
    }
    return length
  }

  static func checkIndex(_ index: Int64, size: Int64) throws {
    guard size >= 0 else { throw MerkleError(.negativeNumber, "tree size \(size) is negative") }
    guard index >= 0 else { throw MerkleError(.negativeNumber, "leaf index \(index) is negative") }
    guard index < size else {
      throw MerkleError(.indexNotBelowSize, "leaf index \(index) is not below tree size \(size)")
    }
  }

  static func checkHashLengths(leafHash: MerkleHash?, proof: [MerkleHash]) throws {
    if let leafHash, leafHash.count != hashByteCount {
      throw MerkleError(.hashWrongLength, "the leaf hash is \(leafHash.count) bytes, not 32")
    }
    for (position, hash) in proof.enumerated() where hash.count != hashByteCount {
      throw MerkleError(.hashWrongLength, "proof hash \(position) is \(hash.count) bytes, not 32")
    }
  }

  /// Stored-hash indexes for PATH(leaf, D[lo:hi]), in the order `buildInclusionProof` takes them.
  private static func appendInclusionIndexes(
    leaf: Int64, from lo: Int64, to hi: Int64, into indexes: inout [Int64]
  ) {
    if lo + 1 == hi { return }
    let k = largestPowerOfTwo(below: hi - lo).k
    if leaf < lo + k {
      appendInclusionIndexes(leaf: leaf, from: lo, to: lo + k, into: &indexes)
      appendSubtreeIndexes(from: lo + k, to: hi, into: &indexes)
    } else {
      appendSubtreeIndexes(from: lo, to: lo + k, into: &indexes)
      appendInclusionIndexes(leaf: leaf, from: lo + k, to: hi, into: &indexes)
    }
  }

  /// PATH(leaf, D[lo:hi]) = PATH(leaf, D[lo:lo+k]) : MTH(D[lo+k:hi]) when the leaf is on the
  /// left, PATH(leaf - k, D[lo+k:hi]) : MTH(D[lo:lo+k]) when on the right (RFC 9162 §2.1.3.1).
  private static func buildInclusionProof(
    leaf: Int64, from lo: Int64, to hi: Int64, cursor: inout StoredHashCursor,
    into proof: inout [MerkleHash]
  ) {
    if lo + 1 == hi { return }
    let k = largestPowerOfTwo(below: hi - lo).k
    if leaf < lo + k {
      buildInclusionProof(leaf: leaf, from: lo, to: lo + k, cursor: &cursor, into: &proof)
      proof.append(subtreeHash(from: lo + k, to: hi, cursor: &cursor))
    } else {
      let sibling = subtreeHash(from: lo, to: lo + k, cursor: &cursor)
      buildInclusionProof(leaf: leaf, from: lo + k, to: hi, cursor: &cursor, into: &proof)
      proof.append(sibling)
    }
  }
}
