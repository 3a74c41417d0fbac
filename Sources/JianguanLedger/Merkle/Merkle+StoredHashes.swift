/// The stored-hash layout of golang.org/x/mod/sumdb/tlog (after Crosby and Wallach, "Efficient
/// Data Structures for Tamper-Evident Logging", §3.3): every hash of a complete subtree is stored
/// once, in the order in which appends complete them, so that storage only ever grows at the end.
///
/// The hash at (level L, index i) is the root of the complete subtree over leaves
/// [i·2^L, (i+1)·2^L); level 0 holds the leaf hashes. Appending leaf n stores its leaf hash and
/// then the hash of each complete subtree that leaf n completes: one per trailing 1 bit of n.
extension Merkle {
  /// The position of hash (level, index) in storage (tlog's `StoredHashIndex`).
  ///
  /// Level L's i-th hash is stored right after level L−1's (2i+1)-th hash, and level 0's n-th
  /// hash at n + ⌊n/2⌋ + ⌊n/4⌋ + … . Leaves 0…3 give: 0 (0,0), 1 (0,1), 2 (1,0), 3 (0,2),
  /// 4 (0,3), 5 (1,1), 6 (2,0).
  public static func storedHashIndex(level: Int, index: Int64) -> Int64 {
    precondition(level >= 0 && level < 63 && index >= 0, "storedHashIndex(level: \(level), index: \(index))")
    var n = index
    for _ in 0..<level { n = 2 * n + 1 }
    var position: Int64 = 0
    while n > 0 {
      position += n
      n >>= 1
    }
    return position + Int64(level)
  }

  /// The inverse of `storedHashIndex(level:index:)` (tlog's `SplitStoredHashIndex`).
  public static func splitStoredHashIndex(_ storedIndex: Int64) -> (level: Int, index: Int64) {
    precondition(storedIndex >= 0, "splitStoredHashIndex(\(storedIndex))")
    // storedHashIndex(0, n) ≤ 2n, so the leaf whose append stored this hash is at least index/2.
    var leaf = storedIndex / 2
    var leafPosition = storedHashIndex(level: 0, index: leaf)
    precondition(leafPosition <= storedIndex, "splitStoredHashIndex: bad arithmetic")
    while true {
      // Appending leaf n stores 1 + (trailing 1 bits of n) hashes.
      let next = leafPosition + 1 + Int64((leaf + 1).trailingZeroBitCount)
      if next > storedIndex { break }
      leaf += 1
      leafPosition = next
    }
    let level = Int(storedIndex - leafPosition)
    return (level, leaf >> level)
  }

  /// How many hashes a tree of `size` leaves stores (tlog's `StoredHashCount`).
  public static func storedHashCount(size: Int64) -> Int64 {
    precondition(size >= 0, "storedHashCount(size: \(size))")
    if size == 0 { return 0 }
    let last = size - 1
    return storedHashIndex(level: 0, index: last) + 1 + Int64((~last).trailingZeroBitCount)
  }

  /// The hashes to store when appending leaf `n` (0-based) with hash `leafHash`: the leaf hash,
  /// then the root of every complete subtree that this leaf completes, to be written in order
  /// from `storedHashIndex(level: 0, index: n)` on. Reads the ≤ log₂ n earlier subtree roots it
  /// needs in one `readHashes` call; returns 1 + (trailing 1 bits of n) hashes, ~2 on average.
  public static func storedHashes(
    forLeaf n: Int64, leafHash: MerkleHash, reader: some MerkleHashReader
  ) throws -> [MerkleHash] {
    guard n >= 0 else { throw MerkleError(.negativeNumber, "leaf index \(n) is negative") }
    guard leafHash.count == hashByteCount else {
      throw MerkleError(.hashWrongLength, "the leaf hash is \(leafHash.count) bytes, not 32")
    }
    // Each trailing 1 bit of n completes a subtree whose left half is already stored.
    let completed = (~n).trailingZeroBitCount
    var indexes = [Int64](repeating: 0, count: completed)
    for level in 0..<completed {
      indexes[completed - 1 - level] = storedHashIndex(level: level, index: (n >> level) - 1)
    }
    let leftHalves = try reader.readCheckedHashes(indexes)
    var hashes = [leafHash]
    hashes.reserveCapacity(1 + completed)
    var hash = leafHash
    for level in 0..<completed {
      hash = nodeHash(leftHalves[completed - 1 - level], hash)
      hashes.append(hash)
    }
    return hashes
  }
}
