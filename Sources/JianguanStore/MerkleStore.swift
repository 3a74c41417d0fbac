import Foundation
import GRDB
import JianguanLedger

/// The Merkle tree's stored hashes in SQLite: appending a leaf writes O(log n) hashes, and a root
/// or proof at any size reads O(log n) of them.
struct MerkleStore: MerkleHashReader {
  let db: Database

  func readHashes(_ indexes: [Int64]) throws -> [MerkleHash] {
    var found: [Int64: MerkleHash] = [:]
    let statement = try db.cachedStatement(sql: "SELECT hash FROM merkle_hashes WHERE idx = ?")
    for index in indexes where found[index] == nil {
      guard let data = try Data.fetchOne(statement, arguments: [index]) else {
        throw StoreIntegrityError("Merkle stored hash \(index) is missing")
      }
      found[index] = [UInt8](data)
    }
    return indexes.map { found[$0]! }
  }

  static func appendLeaf(index: Int64, entryBytes: [UInt8], db: Database) throws {
    let store = MerkleStore(db: db)
    let hashes = try Merkle.storedHashes(forLeaf: index, leafHash: Merkle.leafHash(entryBytes), reader: store)
    let first = Merkle.storedHashCount(size: index)
    let statement = try db.cachedStatement(sql: "INSERT INTO merkle_hashes(idx, hash) VALUES (?, ?)")
    for (offset, hash) in hashes.enumerated() {
      try statement.execute(arguments: [first + Int64(offset), Data(hash)])
    }
  }

  /// The root hash of the tree of the first `size` entries.
  func root(size: Int64) throws -> MerkleHash { try Merkle.treeHash(size: size, reader: self) }
}

/// The stored state contradicts itself: a bug or tampering, found while serving a request.
struct StoreIntegrityError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
