import JianguanCrypto

/// A private key that signs notes: a key name, its key hash and an Ed25519 private key. Its
/// text form is `PRIVATE+KEY+<name>+<8 hex key hash>+<base64(0x01 ‖ 32-byte seed)>`; keep it
/// secret. `description` never shows the seed.
public struct NoteSigner: Sendable, CustomStringConvertible {
  /// The key name (for a checkpoint, the log's origin).
  public let name: String
  /// The key ID, the same as the matching `NoteVerifier`'s.
  public let keyHash: UInt32
  /// The Ed25519 private key.
  public let privateKey: Ed25519PrivateKey

  private static let prefix = "PRIVATE+KEY+"

  /// The signer for `privateKey` under `name`.
  public init(name: String, privateKey: Ed25519PrivateKey) throws {
    try NoteKeyText.checkName(name)
    self.name = name
    self.privateKey = privateKey
    self.keyHash = NoteKeyText.keyHash(name: name, publicKey: privateKey.publicKey)
  }

  /// Parses a private key text, e.g.
  /// `PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz`:
  /// canonical form only, and the key hash must match the name and the derived public key.
  public init(privateKeyText text: String) throws {
    guard text.utf8.starts(with: Self.prefix.utf8) else {
      throw NoteError(.keyTextMalformed, "a private key text starts with PRIVATE+KEY+")
    }
    let rest = String(decoding: Array(text.utf8.dropFirst(Self.prefix.utf8.count)), as: UTF8.self)
    let (name, keyHash, seed) = try NoteKeyText.parse(rest, what: "private key")
    try self.init(name: name, privateKey: Ed25519PrivateKey(seed: seed))
    guard self.keyHash == keyHash else {
      throw NoteError(
        .keyHashMismatch,
        "the private key says key hash \(NoteKeyText.hex(keyHash)), "
          + "but its name and public key hash to \(NoteKeyText.hex(self.keyHash))"
      )
    }
  }

  /// A signer with a fresh random key.
  public static func generate(name: String) throws -> NoteSigner {
    try NoteSigner(name: name, privateKey: .generate())
  }

  /// The private key text: `PRIVATE+KEY+<name>+<8 hex>+<base64(0x01 ‖ seed)>`.
  public var privateKeyText: String {
    Self.prefix + "\(verifier.keyID)+"
      + CanonicalBase64.encode([NoteKeyText.ed25519AlgorithmByte] + privateKey.seed)
  }

  /// The matching verifier, to publish.
  public var verifier: NoteVerifier {
    do {
      return try NoteVerifier(name: name, publicKey: privateKey.publicKey)
    } catch {
      preconditionFailure("a signer's name was checked when it was made: \(error)")
    }
  }

  /// The Ed25519 signature of `text` (64 bytes, without the key hash).
  public func signature(for text: [UInt8]) -> [UInt8] { privateKey.signature(for: text) }

  /// Names the key, never the seed.
  public var description: String { "NoteSigner(\(verifier.keyID))" }
}
