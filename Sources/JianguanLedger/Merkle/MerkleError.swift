/// A refusal from the Merkle code: a stable code, compared by tests, and one sentence that names
/// the fault and the numbers involved.
public struct MerkleError: Error, Equatable, Sendable, CustomStringConvertible {
  /// What was wrong, as a stable rule-like code.
  public enum Code: String, Sendable {
    /// A tree size, leaf index or stored-hash index is negative.
    case negativeNumber = "merkle_negative_number"
    /// A leaf index is not below the tree size (RFC 9162 §2.1.3.2 step 1).
    case indexNotBelowSize = "merkle_index_not_below_size"
    /// A leaf, proof or stored hash is not 32 bytes.
    case hashWrongLength = "merkle_hash_wrong_length"
    /// A proof has more or fewer hashes than the sizes call for.
    case proofWrongLength = "merkle_proof_wrong_length"
    /// The root computed from a proof differs from the expected root.
    case rootMismatch = "merkle_root_mismatch"
    /// A consistency proof starts from the empty tree, which proves nothing.
    case oldSizeZero = "merkle_old_size_zero"
    /// A consistency proof's old size is above its new size.
    case oldSizeAboveNewSize = "merkle_old_size_above_new_size"
    /// A hash reader returned the wrong number of hashes, or could not read one.
    case readerFault = "merkle_reader_fault"
    /// A proof document (JSON) is malformed or not in canonical form.
    case malformedProof = "merkle_malformed_proof"
  }

  /// The stable code.
  public let code: Code
  /// One clear sentence.
  public let message: String

  /// Creates an error with a code and a message.
  public init(_ code: Code, _ message: String) {
    self.code = code
    self.message = message
  }

  public var description: String { message }
}
