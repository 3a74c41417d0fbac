import Foundation
import JianguanCrypto
import JianguanLedger
import Testing

/// The Certificate Transparency 8-entry tree (Tests/Fixtures/merkle/rfc6962_vectors.json):
/// every root for sizes 0–8 and every inclusion and consistency proof, byte for byte.
@Suite("Merkle: RFC 6962 known answers")
struct MerkleRFC6962VectorTests {
  struct Vectors: Decodable {
    struct Inclusion: Decodable {
      let index: Int64
      let size: Int64
      let leaf_hash: String?
      let root: String?
      let proof: [String]
    }
    struct Consistency: Decodable {
      let size1: Int64
      let size2: Int64
      let root1: String?
      let root2: String?
      let proof: [String]
    }
    struct Published: Decodable {
      let inclusion: [Inclusion]
      let consistency: [Consistency]
    }
    let empty_root: String
    let entries_hex: [String]
    let leaf_hashes: [String]
    let roots: [String: String]
    let inclusion: [Inclusion]
    let consistency: [Consistency]
    let published: Published
  }

  let vectors: Vectors
  let tree: InMemoryMerkleTree

  init() throws {
    let data = try Data(contentsOf: MerkleFixtures.testdata("merkle/rfc6962_vectors.json"))
    vectors = try JSONDecoder().decode(Vectors.self, from: data)
    var tree = InMemoryMerkleTree()
    for entry in vectors.entries_hex { tree.append(entryBytes: MerkleFixtures.bytes(entry)) }
    self.tree = tree
  }

  @Test func leafHashesAndEmptyRoot() {
    #expect(Hex.encode(Merkle.emptyRoot) == vectors.empty_root)
    #expect(vectors.entries_hex.count == 8)
    for (entry, leafHash) in zip(vectors.entries_hex, vectors.leaf_hashes) {
      #expect(Hex.encode(Merkle.leafHash(MerkleFixtures.bytes(entry))) == leafHash)
    }
  }

  @Test func everyRootForSizes0Through8() throws {
    #expect(vectors.roots.count == 9)
    var accumulator = MerkleRootAccumulator()
    for size in 0...8 {
      let expected = try #require(vectors.roots[String(size)])
      #expect(Hex.encode(try tree.treeHash(size: Int64(size))) == expected, "size \(size)")
      #expect(Hex.encode(accumulator.root) == expected, "accumulator at size \(size)")
      if size < 8 { accumulator.append(entryBytes: MerkleFixtures.bytes(vectors.entries_hex[size])) }
    }
    #expect(Hex.encode(tree.root) == vectors.roots["8"])
  }

  @Test func everyInclusionProofByteForByte() throws {
    #expect(vectors.inclusion.count == 36)
    for vector in vectors.inclusion + vectors.published.inclusion {
      let proof = try tree.inclusionProof(index: vector.index, size: vector.size)
      #expect(proof.map(Hex.encode) == vector.proof, "index \(vector.index) size \(vector.size)")
      let root = try tree.treeHash(size: vector.size)
      if let expected = vector.root { #expect(Hex.encode(root) == expected) }
      let leafHash = MerkleFixtures.bytes(vector.leaf_hash ?? vectors.leaf_hashes[Int(vector.index)])
      try Merkle.verifyInclusion(
        leafHash: leafHash, index: vector.index, size: vector.size,
        proof: vector.proof.map(MerkleFixtures.bytes),
        root: root)
    }
  }

  @Test func everyConsistencyProofByteForByte() throws {
    #expect(vectors.consistency.count == 36)
    for vector in vectors.consistency + vectors.published.consistency {
      let proof = try tree.consistencyProof(oldSize: vector.size1, newSize: vector.size2)
      #expect(proof.map(Hex.encode) == vector.proof, "sizes \(vector.size1) → \(vector.size2)")
      let oldRoot = try tree.treeHash(size: vector.size1)
      let newRoot = try tree.treeHash(size: vector.size2)
      if let root1 = vector.root1 { #expect(Hex.encode(oldRoot) == root1) }
      if let root2 = vector.root2 { #expect(Hex.encode(newRoot) == root2) }
      try Merkle.verifyConsistency(
        oldSize: vector.size1, newSize: vector.size2, oldRoot: oldRoot, newRoot: newRoot,
        proof: vector.proof.map(MerkleFixtures.bytes))
    }
  }
}
