import Foundation

/// A whole Merkle tree in memory, kept as the stored hashes of `Merkle.storedHashes` (32 bytes
/// each, about two per leaf, in one flat buffer). For tests, for replay, and for proofs over a
/// log read back from the store. Appends cost O(log n); root and proofs read O(log n) hashes.
public struct InMemoryMerkleTree: MerkleHashReader, Sendable {
  /// The stored hashes, concatenated in stored-hash index order.
  private var storage: [UInt8] = []
  /// The number of leaves.
  public private(set) var size: Int64 = 0

  /// An empty tree.
  public init() {}

  /// The number of stored hashes: `Merkle.storedHashCount(size: size)`.
  public var storedHashCount: Int64 { Int64(storage.count / Merkle.hashByteCount) }

  /// Appends one entry (its leaf hash is SHA-256(0x00 ‖ entryBytes)); returns its 0-based index.
  @discardableResult
  public mutating func append(entryBytes: some ContiguousBytes) -> Int64 {
    appendChecked(leafHash: Merkle.leafHash(entryBytes))
  }

  /// Appends a leaf by its 32-byte leaf hash; returns its 0-based index.
  @discardableResult
  public mutating func append(leafHash: MerkleHash) throws -> Int64 {
    guard leafHash.count == Merkle.hashByteCount else {
      throw MerkleError(.hashWrongLength, "the leaf hash is \(leafHash.count) bytes, not 32")
    }
    return appendChecked(leafHash: leafHash)
  }

  private mutating func appendChecked(leafHash: MerkleHash) -> Int64 {
    let index = size
    let hashes: [MerkleHash]
    do {
      hashes = try Merkle.storedHashes(forLeaf: index, leafHash: leafHash, reader: self)
    } catch {
      preconditionFailure("InMemoryMerkleTree could not read its own hashes: \(error)")
    }
    for hash in hashes { storage.append(contentsOf: hash) }
    size += 1
    return index
  }

  /// The root of the whole tree, MTH(D[0:size]).
  public var root: MerkleHash {
    do {
      return try Merkle.treeHash(size: size, reader: self)
    } catch {
      preconditionFailure("InMemoryMerkleTree could not read its own hashes: \(error)")
    }
  }

  /// The root of the first `size` leaves (any earlier size of this tree).
  public func treeHash(size: Int64) throws -> MerkleHash {
    try checkSize(size)
    return try Merkle.treeHash(size: size, reader: self)
  }

  /// The inclusion proof of leaf `index` in the tree of the first `size` leaves.
  public func inclusionProof(index: Int64, size: Int64) throws -> [MerkleHash] {
    try checkSize(size)
    return try Merkle.inclusionProof(index: index, size: size, reader: self)
  }

  /// The consistency proof from the first `oldSize` leaves to the first `newSize` leaves.
  public func consistencyProof(oldSize: Int64, newSize: Int64) throws -> [MerkleHash] {
    try checkSize(newSize)
    return try Merkle.consistencyProof(oldSize: oldSize, newSize: newSize, reader: self)
  }

  /// The C2SP tiles of this tree (`MerkleTile`), level by level, taken from its stored hashes:
  /// what a store of this tree holds, for tests and tools that write or check one.
  public func tiles() -> [MerkleTile] {
    MerkleTile.tiles(size: size).map { level, index, width in
      var hashes: [UInt8] = []
      for offset in 0..<Int64(width) {
        let place = Merkle.storedHashIndex(
          level: level * MerkleTile.height, index: index * Int64(MerkleTile.fullWidth) + offset)
        let start = Int(place) * Merkle.hashByteCount
        hashes += storage[start..<start + Merkle.hashByteCount]
      }
      return MerkleTile(level: level, index: index, hashes: hashes)
    }
  }

  /// The stored hashes at `indexes`; a `readerFault` for an index not yet stored.
  public func readHashes(_ indexes: [Int64]) throws -> [MerkleHash] {
    let count = storedHashCount
    return try indexes.map { index in
      guard index >= 0, index < count else {
        throw MerkleError(
          .readerFault, "stored hash \(index) does not exist: the tree stores \(count) hashes")
      }
      let start = Int(index) * Merkle.hashByteCount
      return Array(storage[start..<start + Merkle.hashByteCount])
    }
  }

  private func checkSize(_ requested: Int64) throws {
    guard requested <= size else {
      throw MerkleError(
        .indexNotBelowSize, "tree size \(requested) is above the \(size) leaves this tree holds")
    }
  }
}
