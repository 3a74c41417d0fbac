import Foundation
import JianguanCrypto

/// A self-contained proof that one entry is in the ledger: the entry bytes, their inclusion
/// proof, and a signed checkpoint of the tree the proof is against. `verify` needs nothing but
/// the receipt and the log's public key: no database, no network.
public struct Receipt: Codable, Equatable, Sendable {
  public static let format = "jianguan-receipt/1"
  public static let maxBytes = 256 * 1024

  public let format: String
  public let seq: Int64
  /// The entry bytes, hex (as `ledger export` prints them).
  public let entryHex: String
  public let inclusionProof: MerkleInclusionProof
  /// The signed checkpoint note, exactly as signed.
  public let checkpoint: String

  public init(seq: Int64, entryBytes: [UInt8], inclusionProof: MerkleInclusionProof, checkpoint: String) {
    self.format = Receipt.format
    self.seq = seq
    self.entryHex = Hex.encode(entryBytes)
    self.inclusionProof = inclusionProof
    self.checkpoint = checkpoint
  }

  /// The receipt as pretty, stable JSON.
  public func jsonText() -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try! encoder.encode(self), as: UTF8.self)
  }

  /// Why a receipt does not hold.
  public struct Failure: Error, Equatable, CustomStringConvertible {
    public let code: String
    public let message: String
    public var description: String { message }
    init(_ code: String, _ message: String) {
      self.code = code
      self.message = message
    }
  }

  public static func parse(json: [UInt8]) throws -> Receipt {
    guard json.count <= maxBytes else {
      throw Failure(
        "receipt_too_large", "the receipt is \(json.count) bytes; a receipt is at most \(maxBytes)")
    }
    let receipt: Receipt
    do { receipt = try JSONDecoder().decode(Receipt.self, from: Data(json)) } catch let error as MerkleError {
      throw Failure("receipt_malformed", "the receipt's inclusion proof is malformed: \(error.message)")
    } catch {
      throw Failure(
        "receipt_malformed",
        "the file is not a Jianguan receipt (JSON with format, seq, entryHex, inclusionProof, checkpoint)")
    }
    guard receipt.format == Receipt.format else {
      throw Failure(
        "receipt_format_unknown",
        "the receipt's format \"\(receipt.format.prefix(40))\" is not \(Receipt.format)")
    }
    return receipt
  }

  /// What a verified receipt proves.
  public struct Verified: Sendable {
    public let entry: Entry
    public let checkpoint: Checkpoint
    public let signedBy: [String]
  }

  /// Checks the checkpoint's signature by `verifier`, that the proof is for that checkpoint's
  /// tree, that the entry's leaf hash is included at index seq − 1, and that the entry is well formed.
  public func verify(verifier: NoteVerifier) throws -> Verified {
    let (checkpoint, signedBy) = try Checkpoint.open(self.checkpoint, verifiers: [verifier])
    guard let bytes = Hex.decode(entryHex), !bytes.isEmpty else {
      throw Failure("receipt_entry_malformed", "the receipt's entryHex is not lower-case hex")
    }
    guard inclusionProof.treeSize == checkpoint.size, inclusionProof.rootHash == checkpoint.rootHash else {
      throw Failure(
        "receipt_proof_not_for_checkpoint",
        "the inclusion proof is for a tree of \(inclusionProof.treeSize) entries, the checkpoint signs \(checkpoint.size) entries with another root"
      )
    }
    // Messages name seqs (leaf index + 1), as the receipt and the ledger do, never leaf indexes.
    guard inclusionProof.leafIndex == seq - 1 else {
      throw Failure(
        "receipt_seq_mismatch",
        "the proof is for seq \(inclusionProof.leafIndex &+ 1), not for the receipt's seq \(seq)")
    }
    do { try inclusionProof.verify(leafHash: Merkle.leafHash(bytes)) } catch let error as MerkleError
      where error.code == .rootMismatch
    {
      throw Failure(
        "receipt_entry_not_included",
        "the entry of seq \(seq) is not the one the signed checkpoint includes at seq \(seq): the receipt's entry or proof was changed"
      )
    } catch let error as MerkleError {
      throw Failure(
        "receipt_malformed",
        "the receipt's inclusion proof for seq \(seq) is malformed: \(error.code.rawValue)")
    }
    let entry: Entry
    do { entry = try Entry.parse(bytes) } catch {
      throw Failure(
        "receipt_entry_malformed", "the receipt's entry is not a well-formed ledger entry: \(error)")
    }
    guard entry.seq == seq else {
      throw Failure("receipt_seq_mismatch", "the entry says seq \(entry.seq), the receipt \(seq)")
    }
    return Verified(entry: entry, checkpoint: checkpoint, signedBy: signedBy)
  }
}
