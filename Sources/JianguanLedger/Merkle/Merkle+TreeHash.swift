/// The root of a tree of any size from stored hashes (RFC 9162 §2.1.1), as tlog's `TreeHash`.
extension Merkle {
  /// MTH of the first `size` leaves, from the hashes stored by their appends: one `readHashes`
  /// call for at most 1 + log₂ size hashes (the roots of the maximal complete subtrees).
  public static func treeHash(size: Int64, reader: some MerkleHashReader) throws -> MerkleHash {
    guard size >= 0 else { throw MerkleError(.negativeNumber, "tree size \(size) is negative") }
    if size == 0 { return emptyRoot }
    var indexes: [Int64] = []
    appendSubtreeIndexes(from: 0, to: size, into: &indexes)
    var cursor = StoredHashCursor(try reader.readCheckedHashes(indexes))
    let root = subtreeHash(from: 0, to: size, cursor: &cursor)
    precondition(cursor.isAtEnd, "treeHash: bad index arithmetic")
    return root
  }

  /// The stored-hash indexes needed for MTH(D[lo:hi]): the roots of the maximal complete
  /// subtrees that tile [lo, hi) from the left, largest first.
  static func appendSubtreeIndexes(from lo: Int64, to hi: Int64, into indexes: inout [Int64]) {
    var lo = lo
    while lo < hi {
      let (k, level) = largestPowerOfTwo(below: hi - lo + 1)
      precondition(lo & (k - 1) == 0, "appendSubtreeIndexes: unaligned subtree")
      indexes.append(storedHashIndex(level: level, index: lo >> level))
      lo += k
    }
  }

  /// MTH(D[lo:hi]) from the hashes named by `appendSubtreeIndexes(from: lo, to: hi)`, taken
  /// from `cursor`: the subtree roots folded from the right, as RFC 9162 §2.1.1 splits the range.
  static func subtreeHash(from lo: Int64, to hi: Int64, cursor: inout StoredHashCursor) -> MerkleHash {
    var count = 0
    var lo = lo
    while lo < hi {
      lo += largestPowerOfTwo(below: hi - lo + 1).k
      count += 1
    }
    let roots = cursor.take(count)
    var hash = roots[count - 1]
    for position in stride(from: count - 2, through: 0, by: -1) {
      hash = nodeHash(roots[position], hash)
    }
    return hash
  }
}

/// Hands out hashes read in one batch, in the order they were requested.
struct StoredHashCursor {
  private let hashes: [MerkleHash]
  private var position = 0

  init(_ hashes: [MerkleHash]) { self.hashes = hashes }

  var isAtEnd: Bool { position == hashes.count }

  mutating func take(_ count: Int) -> [MerkleHash] {
    precondition(position + count <= hashes.count, "StoredHashCursor: bad index arithmetic")
    defer { position += count }
    return Array(hashes[position..<position + count])
  }
}
