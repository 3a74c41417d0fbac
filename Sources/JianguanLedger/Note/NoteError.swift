/// A refusal of a signed note or a note key: a stable code, compared by tests, and one sentence
/// that says what is wrong and, for a signature, with which key.
public struct NoteError: Error, Equatable, Sendable, CustomStringConvertible {
  /// What was wrong, as a stable rule-like code.
  public enum Code: String, Sendable {
    /// The note (or text to sign) is longer than `SignedNote.maxNoteBytes`.
    case noteTooLarge = "note_too_large"
    /// The note is not valid UTF-8.
    case noteNotUTF8 = "note_not_utf8"
    /// The note holds an ASCII control character other than newline.
    case noteControlCharacter = "note_control_character"
    /// The text does not end with a newline.
    case textMissingTrailingNewline = "note_text_missing_trailing_newline"
    /// No blank line separates the text from the signatures.
    case noteMissingBlankLine = "note_missing_blank_line"
    /// A signature line is not `— <name> <base64>`, or the signature block is malformed.
    case signatureLineMalformed = "note_signature_line_malformed"
    /// The note has more than `SignedNote.maxSignatures` signature lines.
    case tooManySignatures = "note_too_many_signatures"
    /// A signature by a known key does not verify.
    case signatureInvalid = "note_signature_invalid"
    /// No signature is by a known key.
    case noKnownSignature = "note_no_known_signature"
    /// Two different known keys share a name and key hash.
    case keyAmbiguous = "note_key_ambiguous"
    /// Signing was asked without signers, or twice with one key.
    case signersInvalid = "note_signers_invalid"
    /// A key name is empty or holds a space, a plus or a control character.
    case keyNameInvalid = "note_key_name_invalid"
    /// A key text is not `<name>+<8 hex>+<base64>` (or `PRIVATE+KEY+…`) in canonical form.
    case keyTextMalformed = "note_key_text_malformed"
    /// The key hash in a key text is not the hash of its name and key.
    case keyHashMismatch = "note_key_hash_mismatch"
    /// The key's algorithm byte is not 0x01 (Ed25519).
    case keyAlgorithmUnsupported = "note_key_algorithm_unsupported"
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
