import JianguanCrypto

/// A C2SP tlog-checkpoint: the note text that commits to the ledger's Merkle tree at one size.
///
///     <origin>\n                  the log's identity, non-empty
///     <size>\n                    ASCII decimal, no sign, no leading zero (except "0")
///     <base64 root hash>\n        standard padded base64 of the 32-byte RFC 6962 root
///     <extension line>\n          zero or more, each non-empty
///
/// Signed as a note (`signedNote(signers:)`), opened with `open(_:verifiers:)`.
public struct Checkpoint: Sendable, Equatable {
  /// The longest checkpoint text accepted, in bytes.
  public static let maxTextBytes = 64 * 1024

  /// The log's identity, e.g. `jianguan.example/county/450224`.
  public let origin: String
  /// The number of entries in the tree.
  public let size: Int64
  /// The RFC 6962 root of the tree of `size` entries (32 bytes).
  public let rootHash: MerkleHash
  /// Optional extension lines, without their newlines (C2SP: NOT RECOMMENDED, not auditable).
  public let extensionLines: [String]

  /// A checkpoint from its parts, checked so that `format()` always gives a text `parse` accepts.
  public init(origin: String, size: Int64, rootHash: MerkleHash, extensionLines: [String] = []) throws {
    guard !origin.isEmpty, !Self.hasControlCharacter(origin) else {
      throw CheckpointError(
        .originInvalid, "the origin must be non-empty and hold no newline or control character")
    }
    guard size >= 0 else { throw CheckpointError(.sizeNotCanonical, "the tree size \(size) is negative") }
    guard rootHash.count == Merkle.hashByteCount else {
      throw CheckpointError(.rootHashNotCanonical, "the root hash is \(rootHash.count) bytes, not 32")
    }
    for (number, line) in zip(1..., extensionLines) where line.isEmpty || Self.hasControlCharacter(line) {
      throw CheckpointError(
        .extensionLineInvalid,
        "extension line \(number) must be non-empty and hold no newline or control character")
    }
    self.origin = origin
    self.size = size
    self.rootHash = rootHash
    self.extensionLines = extensionLines
  }

  /// The note text: origin, size and root hash lines, then the extension lines, each ending in "\n".
  public func format() -> String {
    ([origin, String(size), CanonicalBase64.encode(rootHash)] + extensionLines).map { $0 + "\n" }.joined()
  }

  /// Parses a checkpoint text in canonical form only (see the type's summary).
  public static func parse(_ text: String) throws -> Checkpoint {
    let bytes = text.utf8
    guard bytes.count <= maxTextBytes else {
      throw CheckpointError(.tooLarge, "the checkpoint is \(bytes.count) bytes; the limit is \(maxTextBytes)")
    }
    guard bytes.last == 0x0a else {
      throw CheckpointError(.missingTrailingNewline, "the checkpoint text must end with a newline")
    }
    // Split on the newline byte: as Characters, "\r\n" would be one grapheme and hide its "\n".
    let lines = bytes.dropLast().split(separator: 0x0a, omittingEmptySubsequences: false)
      .map { String(decoding: Array($0), as: UTF8.self) }
    guard lines.count >= 3 else {
      throw CheckpointError(
        .tooFewLines, "a checkpoint has at least 3 lines (origin, size, root hash), not \(lines.count)")
    }
    guard !lines[0].isEmpty, !hasControlCharacter(lines[0]) else {
      throw CheckpointError(.originInvalid, "the origin line must be non-empty and hold no control character")
    }
    let size = try parseSize(lines[1])
    guard lines[2].utf8.count == 44, let root = CanonicalBase64.decode(lines[2]), root.count == 32 else {
      throw CheckpointError(
        .rootHashNotCanonical,
        "the root hash line must be the 44-character padded standard base64 of 32 bytes, "
          + "not \(NoteKeyText.quoted(lines[2]))"
      )
    }
    return try Checkpoint(origin: lines[0], size: size, rootHash: root, extensionLines: Array(lines[3...]))
  }

  /// The checkpoint signed as a note by `signers` (the log's key name should be the origin).
  public func signedNote(signers: [NoteSigner]) throws -> String {
    try SignedNote.sign(text: format(), signers: signers)
  }

  /// Opens a signed checkpoint note: verifies it (`SignedNote.open`), then parses its text.
  public static func open(_ noteText: String, verifiers: [NoteVerifier]) throws -> (
    checkpoint: Checkpoint, verifiedBy: [String]
  ) {
    let (text, verifiedBy) = try SignedNote.open(noteText, verifiers: verifiers)
    return (try parse(text), verifiedBy)
  }

  /// Canonical decimal: 1–19 ASCII digits, no leading zero unless the size is 0, within Int64.
  private static func parseSize(_ line: String) throws -> Int64 {
    let digits = Array(line.utf8)
    let canonical =
      !digits.isEmpty && digits.count <= 19
      && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
      && (digits.count == 1 || digits[0] != UInt8(ascii: "0"))
    guard canonical, let size = Int64(line) else {
      throw CheckpointError(
        .sizeNotCanonical,
        "the size line must be a decimal number without sign or leading zeros, not \(NoteKeyText.quoted(line))"
      )
    }
    return size
  }

  private static func hasControlCharacter(_ text: String) -> Bool {
    text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f }
  }
}
