import Foundation

/// The root of a growing tree in O(log n) memory: keeps only the right edge, the roots of the
/// maximal complete subtrees (one per 1 bit of the size, largest first). For an audit that
/// streams millions of entries and recomputes the root without storing the tree.
public struct MerkleRootAccumulator: Sendable, Equatable {
  /// The number of leaves appended.
  public private(set) var size: Int64 = 0
  /// The roots of the maximal complete subtrees over [0, size), left to right (largest first).
  public private(set) var rightEdge: [MerkleHash] = []

  /// An empty accumulator.
  public init() {}

  /// Resumes at `size` from its right edge (e.g. saved earlier, or read from the store with
  /// `init(size:reader:)`): one 32-byte hash per 1 bit of `size`, largest subtree first.
  public init(size: Int64, rightEdge: [MerkleHash]) throws {
    guard size >= 0 else { throw MerkleError(.negativeNumber, "tree size \(size) is negative") }
    guard rightEdge.count == size.nonzeroBitCount else {
      throw MerkleError(
        .proofWrongLength,
        "a tree of size \(size) has \(size.nonzeroBitCount) right-edge hashes, not \(rightEdge.count)")
    }
    try Merkle.checkHashLengths(leafHash: nil, proof: rightEdge)
    self.size = size
    self.rightEdge = rightEdge
  }

  /// Resumes at `size` by reading the right edge from stored hashes (one `readHashes` call).
  public init(size: Int64, reader: some MerkleHashReader) throws {
    guard size >= 0 else { throw MerkleError(.negativeNumber, "tree size \(size) is negative") }
    var indexes: [Int64] = []
    Merkle.appendSubtreeIndexes(from: 0, to: size, into: &indexes)
    try self.init(size: size, rightEdge: reader.readCheckedHashes(indexes))
  }

  /// Appends one entry by its bytes.
  public mutating func append(entryBytes: some ContiguousBytes) {
    append(leafHash: Merkle.leafHash(entryBytes))
  }

  /// Appends one leaf by its 32-byte leaf hash. Like a binary counter: each trailing 1 bit of the
  /// old size merges the newest subtree with its left neighbour of equal height.
  public mutating func append(leafHash: MerkleHash) {
    append(leafHash: leafHash) { _, _ in }
  }

  /// Appends one leaf and shows `completed` each hash this leaf completes with its tree level:
  /// the leaf (level 0), then the root of each complete subtree it closes, lowest first.
  public mutating func append(leafHash: MerkleHash, completed: (_ level: Int, _ hash: MerkleHash) -> Void) {
    precondition(leafHash.count == Merkle.hashByteCount, "a leaf hash is 32 bytes, not \(leafHash.count)")
    var hash = leafHash
    completed(0, hash)
    var carry = size
    var level = 0
    while carry & 1 == 1 {
      hash = Merkle.nodeHash(rightEdge.removeLast(), hash)
      level += 1
      completed(level, hash)
      carry >>= 1
    }
    rightEdge.append(hash)
    size += 1
  }

  /// MTH(D[0:size]): the right edge folded from the right (RFC 9162 §2.1.1); SHA-256() if empty.
  public var root: MerkleHash {
    guard var hash = rightEdge.last else { return Merkle.emptyRoot }
    for left in rightEdge.dropLast().reversed() { hash = Merkle.nodeHash(left, hash) }
    return hash
  }
}
