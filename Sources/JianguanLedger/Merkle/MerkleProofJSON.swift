import Foundation
import JianguanCrypto

/// Shared rules of the proof documents: lowercase hex hashes, a cap on input size.
enum MerkleProofJSON {
  /// The largest proof document accepted, in bytes; real ones are under 10 KiB.
  static let maxDocumentBytes = 64 * 1024

  static func decodeHash(_ text: String, field: String) throws -> MerkleHash {
    guard text.utf8.count == 2 * Merkle.hashByteCount, let hash = Hex.decode(text) else {
      throw MerkleError(
        .malformedProof, "\(field) must be 64 lowercase hex digits, not \(quoted(text))")
    }
    return hash
  }

  static func decodeHashes(_ texts: [String], limit: Int) throws -> [MerkleHash] {
    guard texts.count <= limit else {
      throw MerkleError(.malformedProof, "the proof has \(texts.count) hashes; at most \(limit) are possible")
    }
    return try texts.enumerated().map { try decodeHash($1, field: "hashes[\($0)]") }
  }

  static func decode<Document: Decodable>(_ type: Document.Type, from json: [UInt8]) throws -> Document {
    guard json.count <= maxDocumentBytes else {
      throw MerkleError(
        .malformedProof, "the proof document is \(json.count) bytes; the limit is \(maxDocumentBytes)")
    }
    do {
      return try JSONDecoder().decode(type, from: Data(json))
    } catch let error as MerkleError {
      throw error
    } catch {
      throw MerkleError(.malformedProof, "the proof document is not valid proof JSON: \(error)")
    }
  }

  /// `"hex"` for one hash, `["hex","hex"]` for a list: the canonical text written by `jsonText()`.
  static func text(_ hash: MerkleHash) -> String { "\"\(Hex.encode(hash))\"" }

  static func text(_ hashes: [MerkleHash]) -> String { "[" + hashes.map(text).joined(separator: ",") + "]" }

  static func quoted(_ text: String) -> String {
    let shown = text.count > 70 ? String(text.prefix(70)) + "…" : text
    return "\"\(shown.unicodeScalars.map { $0.value < 0x20 ? "?" : String($0) }.joined())\""
  }
}

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
