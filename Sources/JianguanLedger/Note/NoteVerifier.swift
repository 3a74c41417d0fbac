import JianguanCrypto

/// A public key that checks note signatures: a key name, its 32-bit key hash and an Ed25519
/// public key. Its text form is `<name>+<8 hex key hash>+<base64(0x01 ‖ public key)>`.
public struct NoteVerifier: Sendable, Equatable {
  /// The key name (for a checkpoint, the log's origin).
  public let name: String
  /// The key ID: first four bytes, big-endian, of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key).
  public let keyHash: UInt32
  /// The Ed25519 public key.
  public let publicKey: Ed25519PublicKey

  /// The verifier for `publicKey` under `name`.
  public init(name: String, publicKey: Ed25519PublicKey) throws {
    try NoteKeyText.checkName(name)
    self.name = name
    self.publicKey = publicKey
    self.keyHash = NoteKeyText.keyHash(name: name, publicKey: publicKey)
  }

  /// Parses a verifier key text, e.g.
  /// `PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW`: canonical form only,
  /// and the key hash must match the name and key.
  public init(verifierKeyText text: String) throws {
    let (name, keyHash, keyBytes) = try NoteKeyText.parse(text, what: "verifier key")
    let publicKey: Ed25519PublicKey
    do {
      publicKey = try Ed25519PublicKey(rawRepresentation: keyBytes)
    } catch {
      throw NoteError(.keyTextMalformed, "the verifier key holds no usable Ed25519 public key: \(error)")
    }
    try self.init(name: name, publicKey: publicKey)
    guard self.keyHash == keyHash else {
      throw NoteError(
        .keyHashMismatch,
        "the verifier key says key hash \(NoteKeyText.hex(keyHash)), "
          + "but its name and key hash to \(NoteKeyText.hex(self.keyHash))"
      )
    }
  }

  /// The verifier key text: `<name>+<8 hex>+<base64(0x01 ‖ public key)>`.
  public var verifierKeyText: String {
    "\(keyID)+\(CanonicalBase64.encode([NoteKeyText.ed25519AlgorithmByte] + publicKey.rawRepresentation))"
  }

  /// `<name>+<8 hex>`, the key's name in messages.
  public var keyID: String { "\(name)+\(NoteKeyText.hex(keyHash))" }

  /// Whether `signature` (64 bytes, without the key hash) signs `text` under this key.
  public func isValidSignature(_ signature: [UInt8], for text: [UInt8]) -> Bool {
    publicKey.isValidSignature(signature, for: text)
  }
}
