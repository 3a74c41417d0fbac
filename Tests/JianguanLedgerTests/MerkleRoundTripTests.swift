import JianguanLedger
import Testing

/// Every inclusion proof for every index and every consistency proof for every pair of sizes up
/// to 300 verifies; truncated, extended, bit-flipped proofs and wrong sizes are refused.
@Suite("Merkle: proofs round trip for every size up to 300")
struct MerkleRoundTripTests {
  static let maxSize = 300
  let tree: InMemoryMerkleTree
  let leafHashes: [MerkleHash]
  let roots: [MerkleHash]

  init() throws {
    var tree = InMemoryMerkleTree()
    var leafHashes: [MerkleHash] = []
    for entry in MerkleFixtures.entries(count: Self.maxSize) {
      tree.append(entryBytes: entry)
      leafHashes.append(Merkle.leafHash(entry))
    }
    self.tree = tree
    self.leafHashes = leafHashes
    roots = try (0...Self.maxSize).map { try tree.treeHash(size: Int64($0)) }
  }

  func refused(_ body: () throws -> Void) -> Bool { (try? body()) == nil }

  @Test func everyInclusionProofVerifiesAndEveryTamperingIsRefused() throws {
    for size in 1...Self.maxSize {
      let n = Int64(size)
      for index in 0..<size {
        let i = Int64(index)
        let leaf = leafHashes[index]
        let proof = try tree.inclusionProof(index: i, size: n)
        try Merkle.verifyInclusion(leafHash: leaf, index: i, size: n, proof: proof, root: roots[size])
        if size <= 64 {
          #expect(proof == MerkleFixtures.naivePath(index, leafHashes[..<size]), "path \(index) of \(size)")
        }
        func rejects(_ proof: [MerkleHash], index: Int64 = i, size: Int64 = n, root: MerkleHash? = nil)
          -> Bool
        {
          refused {
            try Merkle.verifyInclusion(
              leafHash: leaf, index: index, size: size, proof: proof, root: root ?? roots[Int(size)])
          }
        }
        if !proof.isEmpty {
          #expect(rejects(Array(proof.dropLast())), "truncated \(index)/\(size)")
          #expect(rejects(Array(proof.dropFirst())), "front-truncated \(index)/\(size)")
          var flipped = proof
          flipped[index % proof.count][index % 32] ^= 1 << (index % 8)
          #expect(rejects(flipped), "bit flip \(index)/\(size)")
        }
        #expect(rejects(proof + [leaf]), "extended \(index)/\(size)")
        #expect(rejects([leaf] + proof), "prefixed \(index)/\(size)")
        if size < Self.maxSize { #expect(rejects(proof, size: n + 1), "size + 1 \(index)/\(size)") }
        if index < size - 1 { #expect(rejects(proof, size: n - 1), "size - 1 \(index)/\(size)") }
        if size > 1 { #expect(rejects(proof, index: (i + 1) % n), "other index \(index)/\(size)") }
        #expect(rejects(proof, root: roots[size - 1]), "other root \(index)/\(size)")
      }
    }
  }

  @Test func everyConsistencyProofVerifiesAndEveryTamperingIsRefused() throws {
    for newSize in 1...Self.maxSize {
      for oldSize in 1...newSize {
        let (m, n) = (Int64(oldSize), Int64(newSize))
        let proof = try tree.consistencyProof(oldSize: m, newSize: n)
        try Merkle.verifyConsistency(
          oldSize: m, newSize: n, oldRoot: roots[oldSize], newRoot: roots[newSize], proof: proof)
        if newSize <= 64 {
          #expect(
            proof == MerkleFixtures.naiveConsistency(oldSize, leafHashes[..<newSize]),
            "\(oldSize) → \(newSize)")
        }
        func rejects(_ proof: [MerkleHash], old: Int = oldSize, new: Int = newSize) -> Bool {
          refused {
            try Merkle.verifyConsistency(
              oldSize: Int64(old), newSize: Int64(new), oldRoot: roots[old], newRoot: roots[new], proof: proof
            )
          }
        }
        if !proof.isEmpty {
          #expect(rejects(Array(proof.dropLast())), "truncated \(oldSize) → \(newSize)")
          var flipped = proof
          flipped[oldSize % proof.count][newSize % 32] ^= 1 << (oldSize % 8)
          #expect(rejects(flipped), "bit flip \(oldSize) → \(newSize)")
        }
        #expect(rejects(proof + [roots[newSize]]), "extended \(oldSize) → \(newSize)")
        if newSize < Self.maxSize {
          #expect(rejects(proof, new: newSize + 1), "new + 1: \(oldSize) → \(newSize)")
        }
        if oldSize < newSize - 1 {
          #expect(rejects(proof, old: oldSize + 1), "old + 1: \(oldSize) → \(newSize)")
        }
        if oldSize > 1 { #expect(rejects(proof, old: oldSize - 1), "old - 1: \(oldSize) → \(newSize)") }
        if oldSize < newSize {
          #expect(
            refused {
              try Merkle.verifyConsistency(
                oldSize: m, newSize: n, oldRoot: roots[oldSize - 1], newRoot: roots[newSize], proof: proof)
            }, "wrong old root \(oldSize) → \(newSize)")
        }
      }
    }
  }

  @Test func proofLengthsStayLogarithmic() throws {
    let size = Int64(Self.maxSize)
    for index in stride(from: Int64(0), to: size, by: 17) {
      #expect(try tree.inclusionProof(index: index, size: size).count <= 9)
    }
    for oldSize in stride(from: Int64(1), to: size, by: 13) {
      #expect(try tree.consistencyProof(oldSize: oldSize, newSize: size).count <= 2 * 9)
    }
  }
}
