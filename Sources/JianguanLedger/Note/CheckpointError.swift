/// A refusal of a checkpoint text: a stable code, compared by tests, and one clear sentence.
public struct CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
  /// What was wrong, as a stable rule-like code.
  public enum Code: String, Sendable {
    /// The text is longer than `Checkpoint.maxTextBytes`.
    case tooLarge = "checkpoint_too_large"
    /// The text does not end with a newline.
    case missingTrailingNewline = "checkpoint_missing_trailing_newline"
    /// Fewer than three lines (origin, size, root hash).
    case tooFewLines = "checkpoint_too_few_lines"
    /// The origin is empty or holds a control character.
    case originInvalid = "checkpoint_origin_invalid"
    /// The size is not canonical ASCII decimal (digits only, no leading zero, no sign) in Int64.
    case sizeNotCanonical = "checkpoint_size_not_canonical"
    /// The root hash is not the canonical padded base64 of 32 bytes.
    case rootHashNotCanonical = "checkpoint_root_hash_not_canonical"
    /// An extension line is empty or holds a control character.
    case extensionLineInvalid = "checkpoint_extension_line_invalid"
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
