/// Reads stored hashes by their stored-hash index (`Merkle.storedHashIndex(level:index:)`).
///
/// The store implements it over its hash table; `InMemoryMerkleTree` over an array. Every
/// operation here makes at most one call, with at most O(log n) indexes, in increasing order.
public protocol MerkleHashReader {
  /// The hashes at `indexes`, in the same order and of the same count, or an error.
  func readHashes(_ indexes: [Int64]) throws -> [MerkleHash]
}

extension MerkleHashReader {
  /// `readHashes`, checked: one 32-byte hash per index, else a `readerFault`.
  func readCheckedHashes(_ indexes: [Int64]) throws -> [MerkleHash] {
    if indexes.isEmpty { return [] }
    let hashes = try readHashes(indexes)
    guard hashes.count == indexes.count else {
      throw MerkleError(
        .readerFault, "the hash reader returned \(hashes.count) hashes for \(indexes.count) indexes")
    }
    for (position, hash) in hashes.enumerated() where hash.count != Merkle.hashByteCount {
      throw MerkleError(
        .readerFault,
        "the hash reader returned \(hash.count) bytes for stored hash \(indexes[position]), not 32")
    }
    return hashes
  }
}
