import JianguanCrypto

/// Signed notes, byte for byte as C2SP signed-note and golang.org/x/mod/sumdb/note:
///
///     <text, ending in "\n">
///     "\n"
///     "— <key name> <base64(4-byte big-endian key hash ‖ 64-byte Ed25519 signature)>\n"  (one or more)
///
/// The em dash is U+2014 (bytes E2 80 94), followed by one space. Each signature covers the text
/// bytes only, final newline included, blank line excluded.
public enum SignedNote {
  /// The largest note accepted or produced, in bytes (1 MiB).
  public static let maxNoteBytes = 1 << 20
  /// The most signature lines accepted (C2SP requires at least 16; Go's note package has 100).
  public static let maxSignatures = 100

  /// "— ": U+2014 EM DASH and a space.
  static let signaturePrefix: [UInt8] = [0xe2, 0x80, 0x94, 0x20]

  /// The note of `text` signed by each of `signers`, in order. The text must end with a newline
  /// and hold no control characters other than newline.
  public static func sign(text: String, signers: [NoteSigner]) throws -> String {
    let textBytes = Array(text.utf8)
    try checkCharacters(textBytes, what: "text")
    guard textBytes.last == 0x0a else {
      throw NoteError(.textMissingTrailingNewline, "the text to sign must end with a newline")
    }
    guard !signers.isEmpty else { throw NoteError(.signersInvalid, "a note needs at least one signer") }
    guard signers.count <= maxSignatures else {
      throw NoteError(
        .signersInvalid, "a note takes at most \(maxSignatures) signatures, not \(signers.count)")
    }
    var seen = Set<String>()
    var note = textBytes + [0x0a]
    for signer in signers {
      let keyID = signer.verifier.keyID
      guard seen.insert(keyID).inserted else {
        throw NoteError(.signersInvalid, "key \(keyID) is listed twice among the signers")
      }
      let keyHashBytes = (0..<4).map { UInt8(signer.keyHash >> (24 - 8 * UInt32($0)) & 0xff) }
      let signature = CanonicalBase64.encode(keyHashBytes + signer.signature(for: textBytes))
      note += signaturePrefix + Array(signer.name.utf8) + [0x20] + Array(signature.utf8) + [0x0a]
    }
    guard note.count <= maxNoteBytes else {
      throw NoteError(
        .noteTooLarge, "the signed note would be \(note.count) bytes; the limit is \(maxNoteBytes)")
    }
    return String(decoding: note, as: UTF8.self)
  }

  /// Opens a signed note: checks its form, then every signature by a key in `verifiers`.
  /// Signatures by unknown keys are allowed but not counted; at least one known key must have
  /// signed, and a bad signature by a known key refuses the whole note. Returns the text and the
  /// names of the keys that signed it, in signature order.
  public static func open(_ noteText: String, verifiers: [NoteVerifier]) throws -> (
    text: String, verifiedBy: [String]
  ) {
    try open(bytes: Array(noteText.utf8), verifiers: verifiers)
  }

  /// `open(_:verifiers:)` over raw bytes, which are first checked to be UTF-8.
  public static func open(bytes note: [UInt8], verifiers: [NoteVerifier]) throws -> (
    text: String, verifiedBy: [String]
  ) {
    guard note.count <= maxNoteBytes else {
      throw NoteError(.noteTooLarge, "the note is \(note.count) bytes; the limit is \(maxNoteBytes)")
    }
    try checkCharacters(note, what: "note")
    // The text ends at the last blank line: text = note[...split], signatures after "\n\n".
    guard let split = lastBlankLine(in: note) else {
      throw NoteError(.noteMissingBlankLine, "the note has no blank line between its text and its signatures")
    }
    let text = Array(note[...split])
    let block = note[(split + 2)...]
    guard !block.isEmpty else { throw NoteError(.signatureLineMalformed, "the note has no signature lines") }
    guard block.last == 0x0a else {
      throw NoteError(.signatureLineMalformed, "the last signature line does not end with a newline")
    }
    let lines = block.dropLast().split(separator: 0x0a, omittingEmptySubsequences: false)
    guard lines.count <= maxSignatures else {
      throw NoteError(
        .tooManySignatures, "the note has \(lines.count) signatures; at most \(maxSignatures) are accepted")
    }
    let known = try knownKeys(verifiers)
    var verifiedBy: [String] = []
    for (number, line) in zip(1..., lines) {
      let (name, keyHash, signature) = try parseSignatureLine(Array(line), number: number)
      guard let verifier = known[KeyID(name: name, keyHash: keyHash)] else { continue }
      guard verifier.isValidSignature(signature, for: text) else {
        throw NoteError(
          .signatureInvalid,
          "the signature by key \(verifier.keyID) does not verify: the note's text or the signature was changed"
        )
      }
      if !verifiedBy.contains(name) { verifiedBy.append(name) }
    }
    guard !verifiedBy.isEmpty else {
      let names = verifiers.map(\.keyID).joined(separator: ", ")
      throw NoteError(
        .noKnownSignature,
        "the note is signed by none of the known keys (\(names.isEmpty ? "none given" : names))")
    }
    return (String(decoding: text, as: UTF8.self), verifiedBy)
  }

  private struct KeyID: Hashable {
    let name: String
    let keyHash: UInt32
  }

  /// The verifiers by name and key hash; the same key given twice is fine, two keys are not.
  private static func knownKeys(_ verifiers: [NoteVerifier]) throws -> [KeyID: NoteVerifier] {
    var known: [KeyID: NoteVerifier] = [:]
    for verifier in verifiers {
      let id = KeyID(name: verifier.name, keyHash: verifier.keyHash)
      if let other = known[id], other != verifier {
        throw NoteError(
          .keyAmbiguous, "two different known keys share the name and key hash \(verifier.keyID)")
      }
      known[id] = verifier
    }
    return known
  }

  /// `— <name> <base64>` → name, key hash and signature (the bytes after the key hash).
  private static func parseSignatureLine(_ line: [UInt8], number: Int) throws -> (String, UInt32, [UInt8]) {
    guard line.starts(with: signaturePrefix) else {
      throw NoteError(
        .signatureLineMalformed,
        "signature line \(number) does not start with an em dash (U+2014) and a space")
    }
    let rest = line.dropFirst(signaturePrefix.count)
    guard let space = rest.firstIndex(of: 0x20) else {
      throw NoteError(
        .signatureLineMalformed, "signature line \(number) has no space between key name and signature")
    }
    let name = String(decoding: rest[..<space], as: UTF8.self)
    do {
      try NoteKeyText.checkName(name)
    } catch let error as NoteError {
      throw NoteError(.signatureLineMalformed, "signature line \(number): \(error.message)")
    }
    let base64 = String(decoding: rest[(space + 1)...], as: UTF8.self)
    guard let decoded = CanonicalBase64.decode(base64), decoded.count >= 5 else {
      throw NoteError(
        .signatureLineMalformed,
        "signature line \(number) (key \(name)) is not canonical base64 of a 4-byte key hash and a signature")
    }
    let keyHash = decoded.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    return (name, keyHash, Array(decoded.dropFirst(4)))
  }

  /// The index of the first newline of the last "\n\n" in `note`.
  private static func lastBlankLine(in note: [UInt8]) -> Int? {
    var index = note.count - 2
    while index >= 0 {
      if note[index] == 0x0a && note[index + 1] == 0x0a { return index }
      index -= 1
    }
    return nil
  }

  /// Valid UTF-8 with no ASCII control character (below U+0020) other than newline.
  static func checkCharacters(_ bytes: [UInt8], what: String) throws {
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    var offset = 0
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar):
        if scalar.value < 0x20 && scalar != "\n" {
          throw NoteError(
            .noteControlCharacter,
            "the \(what) holds control character U+\(Hex.encode([0, UInt8(scalar.value)]).uppercased()) near byte \(offset)"
          )
        }
        offset += UTF8.width(scalar)
      case .emptyInput:
        return
      case .error:
        throw NoteError(.noteNotUTF8, "the \(what) is not valid UTF-8 (near byte \(offset))")
      }
    }
  }
}
