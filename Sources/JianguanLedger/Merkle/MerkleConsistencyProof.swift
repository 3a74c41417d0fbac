import Foundation
import JianguanCrypto

/// The proof that the tree of `oldSize` entries is a prefix of the tree of `newSize` entries
/// (RFC 9162 §2.1.4): `{"oldSize":6,"newSize":8,"oldRoot":"<hex>","newRoot":"<hex>","hashes":[…]}`.
public struct MerkleConsistencyProof: Sendable, Equatable, Codable {
  /// The size of the older tree (at least 1).
  public let oldSize: Int64
  /// The size of the newer tree.
  public let newSize: Int64
  /// The root of the older tree.
  public let oldRoot: MerkleHash
  /// The root of the newer tree.
  public let newRoot: MerkleHash
  /// The consistency path of RFC 9162 §2.1.4.1.
  public let hashes: [MerkleHash]

  /// A proof from its parts; nothing is checked until `verify()`.
  public init(oldSize: Int64, newSize: Int64, oldRoot: MerkleHash, newRoot: MerkleHash, hashes: [MerkleHash])
  {
    self.oldSize = oldSize
    self.newSize = newSize
    self.oldRoot = oldRoot
    self.newRoot = newRoot
    self.hashes = hashes
  }

  /// Checks the proof (RFC 9162 §2.1.4.2).
  public func verify() throws {
    try Merkle.verifyConsistency(
      oldSize: oldSize, newSize: newSize, oldRoot: oldRoot, newRoot: newRoot, proof: hashes)
  }

  /// The canonical JSON text: keys in the order above, no spaces, lowercase hex.
  public func jsonText() -> String {
    "{\"oldSize\":\(oldSize),\"newSize\":\(newSize),\"oldRoot\":\(MerkleProofJSON.text(oldRoot)),"
      + "\"newRoot\":\(MerkleProofJSON.text(newRoot)),\"hashes\":\(MerkleProofJSON.text(hashes))}"
  }

  /// Parses a proof document of at most 64 KiB; hashes must be 64 lowercase hex digits.
  public static func parse(json: [UInt8]) throws -> MerkleConsistencyProof {
    try MerkleProofJSON.decode(MerkleConsistencyProof.self, from: json)
  }

  private enum CodingKeys: String, CodingKey { case oldSize, newSize, oldRoot, newRoot, hashes }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    oldSize = try container.decode(Int64.self, forKey: .oldSize)
    newSize = try container.decode(Int64.self, forKey: .newSize)
    oldRoot = try MerkleProofJSON.decodeHash(
      container.decode(String.self, forKey: .oldRoot), field: "oldRoot")
    newRoot = try MerkleProofJSON.decodeHash(
      container.decode(String.self, forKey: .newRoot), field: "newRoot")
    hashes = try MerkleProofJSON.decodeHashes(container.decode([String].self, forKey: .hashes), limit: 126)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(oldSize, forKey: .oldSize)
    try container.encode(newSize, forKey: .newSize)
    try container.encode(Hex.encode(oldRoot), forKey: .oldRoot)
    try container.encode(Hex.encode(newRoot), forKey: .newRoot)
    try container.encode(hashes.map(Hex.encode), forKey: .hashes)
  }
}
