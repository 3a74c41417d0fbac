import JianguanCrypto
import JianguanLedger
import Testing

@Suite("Merkle: stored hashes, tree hash and the streaming accumulator")
struct MerkleStoredHashTests {
  @Test func storedHashIndexMatchesTlogLayout() {
    // Appending leaves 0…7 stores (level, index): (0,0) (0,1) (1,0) (0,2) (0,3) (1,1) (2,0) (0,4)
    // (0,5) (1,2) (0,6) (0,7) (1,3) (2,1) (3,0) — tlog's order.
    let order: [(Int, Int64)] = [
      (0, 0), (0, 1), (1, 0), (0, 2), (0, 3), (1, 1), (2, 0), (0, 4), (0, 5), (1, 2), (0, 6), (0, 7), (1, 3),
      (2, 1),
      (3, 0),
    ]
    for (position, (level, index)) in order.enumerated() {
      #expect(Merkle.storedHashIndex(level: level, index: index) == Int64(position))
      #expect(Merkle.splitStoredHashIndex(Int64(position)) == (level, index))
    }
    for size: Int64 in [0, 1, 2, 3, 4, 5, 7, 8] {
      #expect(Merkle.storedHashCount(size: size) == [0, 1, 3, 4, 7, 8, 10, 11, 15][Int(size)])
    }
  }

  @Test func splitInvertsStoredHashIndex() {
    for storedIndex in Int64(0)..<20_000 {
      let (level, index) = Merkle.splitStoredHashIndex(storedIndex)
      #expect(Merkle.storedHashIndex(level: level, index: index) == storedIndex)
    }
    let big = Merkle.storedHashIndex(level: 5, index: 1 << 40)
    #expect(Merkle.splitStoredHashIndex(big) == (5, 1 << 40))
  }

  @Test func rootsEqualTheNaiveRecursiveDefinition() throws {
    var tree = InMemoryMerkleTree()
    var leaves: [MerkleHash] = []
    #expect(tree.root == SHA256.hash([UInt8]()))
    for (count, entry) in MerkleFixtures.entries(count: 300).enumerated() {
      tree.append(entryBytes: entry)
      leaves.append(Merkle.leafHash(entry))
      #expect(tree.size == Int64(count + 1))
      #expect(tree.storedHashCount == Merkle.storedHashCount(size: tree.size))
      #expect(tree.root == MerkleFixtures.naiveRoot(leaves[...]), "size \(count + 1)")
    }
    for size in [0, 1, 5, 64, 65, 299] {
      #expect(try tree.treeHash(size: Int64(size)) == MerkleFixtures.naiveRoot(leaves[..<size]))
    }
  }

  @Test func accumulatorEqualsStoredHashRootUpTo3000() throws {
    var tree = InMemoryMerkleTree()
    var accumulator = MerkleRootAccumulator()
    #expect(accumulator.root == Merkle.emptyRoot)
    for entry in MerkleFixtures.entries(count: 3000) {
      tree.append(entryBytes: entry)
      accumulator.append(entryBytes: entry)
      #expect(accumulator.size == tree.size)
      #expect(accumulator.rightEdge.count == tree.size.nonzeroBitCount)
      #expect(accumulator.root == tree.root, "size \(tree.size)")
    }
    // Resuming from the store's hashes or a saved right edge gives the same accumulator.
    let resumed = try MerkleRootAccumulator(size: 1234, reader: tree)
    var replayed = MerkleRootAccumulator()
    for entry in MerkleFixtures.entries(count: 1234) { replayed.append(entryBytes: entry) }
    #expect(resumed == replayed)
    #expect(try MerkleRootAccumulator(size: 1234, rightEdge: replayed.rightEdge) == replayed)
    #expect(throws: MerkleError.self) { try MerkleRootAccumulator(size: 1235, rightEdge: replayed.rightEdge) }
  }

  @Test func operationsReadFewHashesInOneCall() throws {
    var tree = InMemoryMerkleTree()
    for entry in MerkleFixtures.entries(count: 1023) { tree.append(entryBytes: entry) }
    let reader = CountingMerkleReader(tree)

    _ = try Merkle.treeHash(size: 1000, reader: reader)
    #expect(reader.calls == 1)
    #expect(reader.hashesRead == 1000.nonzeroBitCount)

    for index: Int64 in [0, 1, 499, 998, 999] {
      reader.calls = 0
      reader.hashesRead = 0
      _ = try Merkle.inclusionProof(index: index, size: 1000, reader: reader)
      #expect(reader.calls == 1)
      #expect(reader.hashesRead <= 2 * 10, "index \(index) read \(reader.hashesRead) hashes")
    }
    for oldSize: Int64 in [1, 3, 512, 777, 999] {
      reader.calls = 0
      reader.hashesRead = 0
      _ = try Merkle.consistencyProof(oldSize: oldSize, newSize: 1000, reader: reader)
      #expect(reader.calls == 1)
      #expect(reader.hashesRead <= 3 * 10, "old size \(oldSize) read \(reader.hashesRead) hashes")
    }
    reader.calls = 0
    reader.hashesRead = 0
    let stored = try Merkle.storedHashes(forLeaf: 1023, leafHash: Merkle.leafHash([1]), reader: reader)
    #expect(reader.calls == 1 && reader.hashesRead == 10 && stored.count == 11)
  }

  @Test func faultyReadersAreReported() {
    struct ShortReader: MerkleHashReader {
      func readHashes(_ indexes: [Int64]) throws -> [MerkleHash] {
        Array(repeating: Merkle.emptyRoot, count: indexes.count - 1)
      }
    }
    struct WrongLengthReader: MerkleHashReader {
      func readHashes(_ indexes: [Int64]) throws -> [MerkleHash] {
        Array(repeating: [1, 2, 3], count: indexes.count)
      }
    }
    #expect(
      MerkleFixtures.error(MerkleError.self) { _ = try Merkle.treeHash(size: 7, reader: ShortReader()) }?.code
        == .readerFault)
    #expect(
      MerkleFixtures.error(MerkleError.self) {
        _ = try Merkle.inclusionProof(index: 3, size: 7, reader: WrongLengthReader())
      }?
      .code == .readerFault)
    let empty = InMemoryMerkleTree()
    #expect(MerkleFixtures.error(MerkleError.self) { _ = try empty.readHashes([0]) }?.code == .readerFault)
    #expect(MerkleFixtures.error(MerkleError.self) { _ = try empty.inclusionProof(index: 0, size: 1) } != nil)
  }

  @Test func verifierErrorsNameTheFault() {
    let leaf = Merkle.leafHash([1])
    let cases: [(MerkleError.Code, String, () throws -> Void)] = [
      (
        .indexNotBelowSize, "leaf index 5 is not below tree size 5",
        {
          try Merkle.verifyInclusion(leafHash: leaf, index: 5, size: 5, proof: [], root: leaf)
        }
      ),
      (
        .negativeNumber, "leaf index -1 is negative",
        {
          try Merkle.verifyInclusion(leafHash: leaf, index: -1, size: 5, proof: [], root: leaf)
        }
      ),
      (
        .proofWrongLength, "the inclusion proof has 1 hashes; leaf 0 of a tree of 5 needs 3",
        {
          try Merkle.verifyInclusion(leafHash: leaf, index: 0, size: 5, proof: [leaf], root: leaf)
        }
      ),
      (
        .hashWrongLength, "proof hash 0 is 31 bytes, not 32",
        {
          try Merkle.verifyInclusion(
            leafHash: leaf, index: 0, size: 2, proof: [Array(leaf.prefix(31))], root: leaf)
        }
      ),
      (
        .rootMismatch, "the inclusion proof for leaf 0 gives root",
        {
          try Merkle.verifyInclusion(leafHash: leaf, index: 0, size: 1, proof: [], root: Merkle.emptyRoot)
        }
      ),
      (
        .oldSizeZero, "from the empty tree",
        {
          try Merkle.verifyConsistency(oldSize: 0, newSize: 3, oldRoot: leaf, newRoot: leaf, proof: [])
        }
      ),
      (
        .oldSizeAboveNewSize, "old tree size 4 is above new tree size 3",
        {
          try Merkle.verifyConsistency(oldSize: 4, newSize: 3, oldRoot: leaf, newRoot: leaf, proof: [])
        }
      ),
      (
        .proofWrongLength, "the consistency proof from 2 to 3 is empty",
        {
          try Merkle.verifyConsistency(oldSize: 2, newSize: 3, oldRoot: leaf, newRoot: leaf, proof: [])
        }
      ),
      (
        .rootMismatch, "two trees of size 3 have different roots",
        {
          try Merkle.verifyConsistency(
            oldSize: 3, newSize: 3, oldRoot: leaf, newRoot: Merkle.emptyRoot, proof: [])
        }
      ),
    ]
    for (code, message, body) in cases {
      let error = MerkleFixtures.error(MerkleError.self, body)
      #expect(error?.code == code, "\(message)")
      #expect(error?.message.contains(message) == true, "\(error?.message ?? "no error"), want \(message)")
    }
  }

  @Test func appendRefusesMalformedLeafHash() {
    var tree = InMemoryMerkleTree()
    #expect(
      MerkleFixtures.error(MerkleError.self) { try tree.append(leafHash: [1]) }?.code == .hashWrongLength)
    #expect(tree.size == 0)
  }
}
