import JianguanCrypto
import JianguanLedger
import Testing

@Suite("Merkle: proof JSON documents")
struct MerkleProofJSONTests {
  let tree: InMemoryMerkleTree = {
    var tree = InMemoryMerkleTree()
    for entry in MerkleFixtures.entries(count: 8) { tree.append(entryBytes: entry) }
    return tree
  }()

  @Test func inclusionProofRoundTripsAndVerifies() throws {
    let proof = MerkleInclusionProof(
      treeSize: 8, leafIndex: 5, rootHash: tree.root, hashes: try tree.inclusionProof(index: 5, size: 8))
    let json = proof.jsonText()
    #expect(
      json.hasPrefix(
        "{\"treeSize\":8,\"leafIndex\":5,\"rootHash\":\"\(Hex.encode(tree.root))\",\"hashes\":[\""))
    let parsed = try MerkleInclusionProof.parse(json: Array(json.utf8))
    #expect(parsed == proof)
    try parsed.verify(leafHash: Merkle.leafHash(MerkleFixtures.entries(count: 8)[5]))
    #expect(throws: MerkleError.self) {
      try parsed.verify(leafHash: Merkle.leafHash(MerkleFixtures.entries(count: 8)[4]))
    }
    // Key order and spacing are free on input.
    let pretty =
      "{ \"hashes\": [\(proof.hashes.map { "\"\(Hex.encode($0))\"" }.joined(separator: ", "))], \"rootHash\": \"\(Hex.encode(tree.root))\", \"leafIndex\": 5, \"treeSize\": 8 }"
    #expect(try MerkleInclusionProof.parse(json: Array(pretty.utf8)) == proof)
  }

  @Test func consistencyProofRoundTripsAndVerifies() throws {
    let proof = MerkleConsistencyProof(
      oldSize: 6, newSize: 8, oldRoot: try tree.treeHash(size: 6), newRoot: tree.root,
      hashes: try tree.consistencyProof(oldSize: 6, newSize: 8))
    let json = proof.jsonText()
    #expect(json.hasPrefix("{\"oldSize\":6,\"newSize\":8,\"oldRoot\":\""))
    let parsed = try MerkleConsistencyProof.parse(json: Array(json.utf8))
    #expect(parsed == proof)
    try parsed.verify()
  }

  @Test func refusesNonCanonicalOrOversizedDocuments() {
    let root = Hex.encode(tree.root)
    let bad = [
      "{\"treeSize\":8,\"leafIndex\":5,\"rootHash\":\"\(root.uppercased())\",\"hashes\":[]}",
      "{\"treeSize\":8,\"leafIndex\":5,\"rootHash\":\"\(root.dropLast(2))\",\"hashes\":[]}",
      "{\"treeSize\":8,\"leafIndex\":5,\"rootHash\":\"\(root)\",\"hashes\":[\"00\"]}",
      "{\"treeSize\":8,\"leafIndex\":5,\"rootHash\":\"\(root)\"}",
      "{\"treeSize\":\"8\",\"leafIndex\":5,\"rootHash\":\"\(root)\",\"hashes\":[]}",
      "{\"treeSize\":8.5,\"leafIndex\":5,\"rootHash\":\"\(root)\",\"hashes\":[]}",
      "{\"treeSize\":8,\"leafIndex\":5,\"rootHash\":\"\(root)\",\"hashes\":["
        + Array(repeating: "\"\(root)\"", count: 64).joined(separator: ",") + "]}",
      "[]",
      "",
      String(repeating: " ", count: 70_000) + "{}",
    ]
    for json in bad {
      let error = MerkleFixtures.error(MerkleError.self) {
        _ = try MerkleInclusionProof.parse(json: Array(json.utf8))
      }
      #expect(error?.code == .malformedProof, "\(json.prefix(80)) → \(String(describing: error))")
    }
  }
}
