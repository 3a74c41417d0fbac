import JianguanCrypto

/// The shared rules of key names and key texts (C2SP signed-note; golang.org/x/mod/sumdb/note).
enum NoteKeyText {
  /// The signature type byte of Ed25519 (C2SP signed-note §Signature types).
  static let ed25519AlgorithmByte: UInt8 = 0x01
  /// The longest key text accepted, in bytes.
  static let maxKeyTextBytes = 1024

  /// A key name is non-empty, holds no Unicode space (White_Space), no plus (U+002B) and no
  /// control character.
  static func checkName(_ name: String) throws {
    let valid =
      !name.isEmpty
      && !name.unicodeScalars.contains { scalar in
        scalar.properties.isWhitespace || scalar == "+" || scalar.value < 0x20 || scalar.value == 0x7f
      }
    guard valid else {
      throw NoteError(
        .keyNameInvalid,
        "key name \(quoted(name)) is invalid: "
          + "it must be non-empty, without spaces, plus signs or control characters"
      )
    }
  }

  /// The key ID: the first four bytes, big-endian, of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key).
  static func keyHash(name: String, publicKey: Ed25519PublicKey) -> UInt32 {
    let digest = SHA256.hash(parts: [
      Array(name.utf8), [0x0a, ed25519AlgorithmByte], publicKey.rawRepresentation,
    ])
    return digest.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
  }

  /// The key ID as eight lowercase hex digits.
  static func hex(_ keyHash: UInt32) -> String {
    Hex.encode([
      UInt8(keyHash >> 24), UInt8(keyHash >> 16 & 0xff), UInt8(keyHash >> 8 & 0xff), UInt8(keyHash & 0xff),
    ])
  }

  /// Splits `<name>+<8 hex>+<base64(0x01 ‖ 32 bytes)>` into its name, key hash and 32 key bytes.
  static func parse(_ text: String, what: String) throws -> (name: String, keyHash: UInt32, keyBytes: [UInt8])
  {
    guard text.utf8.count <= maxKeyTextBytes else {
      throw NoteError(.keyTextMalformed, "the \(what) is longer than \(maxKeyTextBytes) bytes")
    }
    // Split on bytes: as Characters, a "+" followed by a combining mark would not match "+".
    let parts = text.utf8.split(separator: UInt8(ascii: "+"), maxSplits: 2, omittingEmptySubsequences: false)
      .map { String(decoding: Array($0), as: UTF8.self) }
    guard parts.count == 3 else {
      throw NoteError(.keyTextMalformed, "the \(what) must be <name>+<8 hex digits>+<base64 key>")
    }
    let name = parts[0]
    try checkName(name)
    let hashText = parts[1]
    guard hashText.utf8.count == 8, let hashBytes = Hex.decode(hashText) else {
      throw NoteError(
        .keyTextMalformed,
        "the key hash in the \(what) must be 8 lowercase hex digits, not \(quoted(hashText))")
    }
    guard let key = CanonicalBase64.decode(parts[2]), !key.isEmpty else {
      throw NoteError(.keyTextMalformed, "the key in the \(what) is not canonical standard base64")
    }
    guard key[0] == ed25519AlgorithmByte else {
      throw NoteError(
        .keyAlgorithmUnsupported,
        "the \(what) has algorithm byte 0x\(Hex.encode([key[0]])); only 0x01 (Ed25519) is supported")
    }
    guard key.count == 33 else {
      throw NoteError(
        .keyTextMalformed, "an Ed25519 key in the \(what) is 32 bytes after 0x01, not \(key.count - 1)")
    }
    let keyHash = hashBytes.reduce(0) { $0 << 8 | UInt32($1) }
    return (name, keyHash, Array(key.dropFirst()))
  }

  static func quoted(_ text: String) -> String {
    let shown = text.count > 70 ? String(text.prefix(70)) + "…" : text
    return
      "\"\(shown.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? "?" : String($0) }.joined())\""
  }
}
