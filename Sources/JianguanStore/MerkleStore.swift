import Foundation
import GRDB
import JianguanLedger

/// The Merkle tree's stored hashes in SQLite: appending a leaf writes O(log n) hashes, and a root
/// or proof at any size reads O(log n) of them.
struct MerkleStore: MerkleHashReader {
  let db: Database

  func readHashes(_ indexes: [Int64]) throws -> [MerkleHash] {
    // An append reads one or two earlier subtree roots: point reads on one cached statement.
    if indexes.count <= 2 {
      let statement = try RawStatement("SELECT hash FROM merkle_hashes WHERE idx = ?", db: db)
      return try indexes.map { index in
        guard let hash = try statement.first(.integer(index), read: { $0.blob(0) }) else {
          throw StoreIntegrityError("Merkle stored hash \(index) is missing")
        }
        return hash
      }
    }
    // One query for the whole batch (a proof needs about 2 log n hashes): far cheaper than one
    // query a hash. The statement is cached per batch size.
    var found: [Int64: MerkleHash] = [:]
    let unique = Array(Set(indexes))
    var offset = 0
    while offset < unique.count {
      let chunk = Array(unique[offset..<min(offset + 64, unique.count)])
      let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
      let statement = try RawStatement(
        "SELECT idx, hash FROM merkle_hashes WHERE idx IN (\(placeholders))", db: db)
      try statement.forEach(chunk.map { .integer($0) }) { row in found[row.integer(0)] = row.blob(1) }
      offset += chunk.count
    }
    return try indexes.map { index in
      guard let hash = found[index] else {
        throw StoreIntegrityError("Merkle stored hash \(index) is missing")
      }
      return hash
    }
  }

  static func appendLeaf(index: Int64, entryBytes: [UInt8], db: Database, tail: LedgerTail? = nil) throws {
    let store = EdgeReader(store: MerkleStore(db: db), edge: tail?.edge ?? [:])
    let hashes = try Merkle.storedHashes(forLeaf: index, leafHash: Merkle.leafHash(entryBytes), reader: store)
    let first = Merkle.storedHashCount(size: index)
    tail?.stored(hashes, from: first)
    let statement = try RawStatement("INSERT INTO merkle_hashes(idx, hash) VALUES (?, ?)", db: db)
    for (offset, hash) in hashes.enumerated() {
      try statement.execute(.integer(first + Int64(offset)), .blob(hash))
    }
  }

  /// The root hash of the tree of the first `size` entries.
  func root(size: Int64) throws -> MerkleHash { try Merkle.treeHash(size: size, reader: self) }
}

/// Reads the hashes an append needs from the batch's right edge when it holds them, else from the table.
private struct EdgeReader: MerkleHashReader {
  let store: MerkleStore
  let edge: [Int64: MerkleHash]

  func readHashes(_ indexes: [Int64]) throws -> [MerkleHash] {
    let known = indexes.compactMap { edge[$0] }
    return known.count == indexes.count ? known : try store.readHashes(indexes)
  }
}

/// The stored state contradicts itself: a bug or tampering, found while serving a request.
struct StoreIntegrityError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
