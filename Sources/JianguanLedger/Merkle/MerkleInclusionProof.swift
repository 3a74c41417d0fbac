import Foundation
import JianguanCrypto

/// The proof that one entry is in the ledger's tree (RFC 9162 §2.1.3), as carried in a receipt:
/// `{"treeSize":8,"leafIndex":5,"rootHash":"<hex>","hashes":["<hex>",…]}`. The leaf index is
/// 0-based (the entry with sequence number s is leaf s − 1).
public struct MerkleInclusionProof: Sendable, Equatable, Codable {
  /// The size of the tree the proof is against.
  public let treeSize: Int64
  /// The 0-based index of the leaf.
  public let leafIndex: Int64
  /// The root of the tree of `treeSize` leaves.
  public let rootHash: MerkleHash
  /// The inclusion path, nearest the leaf first.
  public let hashes: [MerkleHash]

  /// A proof from its parts; nothing is checked until `verify(leafHash:)`.
  public init(treeSize: Int64, leafIndex: Int64, rootHash: MerkleHash, hashes: [MerkleHash]) {
    self.treeSize = treeSize
    self.leafIndex = leafIndex
    self.rootHash = rootHash
    self.hashes = hashes
  }

  /// Checks that the leaf with hash `leafHash` is at `leafIndex` in the tree with `rootHash`.
  public func verify(leafHash: MerkleHash) throws {
    try Merkle.verifyInclusion(
      leafHash: leafHash, index: leafIndex, size: treeSize, proof: hashes, root: rootHash)
  }

  /// The canonical JSON text: keys in the order above, no spaces, lowercase hex.
  public func jsonText() -> String {
    "{\"treeSize\":\(treeSize),\"leafIndex\":\(leafIndex),\"rootHash\":\(MerkleProofJSON.text(rootHash)),"
      + "\"hashes\":\(MerkleProofJSON.text(hashes))}"
  }

  /// Parses a proof document of at most 64 KiB; hashes must be 64 lowercase hex digits.
  public static func parse(json: [UInt8]) throws -> MerkleInclusionProof {
    try MerkleProofJSON.decode(MerkleInclusionProof.self, from: json)
  }

  private enum CodingKeys: String, CodingKey { case treeSize, leafIndex, rootHash, hashes }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    treeSize = try container.decode(Int64.self, forKey: .treeSize)
    leafIndex = try container.decode(Int64.self, forKey: .leafIndex)
    rootHash = try MerkleProofJSON.decodeHash(
      container.decode(String.self, forKey: .rootHash), field: "rootHash")
    hashes = try MerkleProofJSON.decodeHashes(container.decode([String].self, forKey: .hashes), limit: 63)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(treeSize, forKey: .treeSize)
    try container.encode(leafIndex, forKey: .leafIndex)
    try container.encode(Hex.encode(rootHash), forKey: .rootHash)
    try container.encode(hashes.map(Hex.encode), forKey: .hashes)
  }
}
