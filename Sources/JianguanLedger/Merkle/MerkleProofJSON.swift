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
