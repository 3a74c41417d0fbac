import COpenSSL

/// An Ed25519 private key (RFC 8032 §5.1.5), kept as its 32-byte seed; signs through OpenSSL's
/// `EVP_DigestSign` (PureEdDSA: the whole message, no pre-hash, no context).
public struct Ed25519PrivateKey: Sendable, CustomStringConvertible {
  /// The length of a seed in bytes.
  public static let seedByteCount = 32
  /// The length of a signature in bytes.
  public static let signatureByteCount = 64

  /// The 32-byte seed from which RFC 8032 derives the secret scalar and prefix. Keep it secret.
  public let seed: [UInt8]
  /// The matching public key.
  public let publicKey: Ed25519PublicKey
  let key: EVPKey

  /// The key with the given 32-byte seed (the "secret key" of RFC 8032's test vectors).
  public init(seed: [UInt8]) throws {
    guard seed.count == Self.seedByteCount else {
      throw CryptoError(
        .keyWrongLength, "an Ed25519 seed is \(Self.seedByteCount) bytes, not \(seed.count)")
    }
    let pointer = seed.withUnsafeBufferPointer { buffer in
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, buffer.baseAddress, buffer.count)
    }
    guard let pointer else { throw CryptoError.openSSL("EVP_PKEY_new_raw_private_key") }
    let key = EVPKey(pointer)
    var publicBytes = [UInt8](repeating: 0, count: Ed25519PublicKey.byteCount)
    var publicLength = publicBytes.count
    guard EVP_PKEY_get_raw_public_key(key.pointer, &publicBytes, &publicLength) == 1,
      publicLength == Ed25519PublicKey.byteCount
    else { throw CryptoError.openSSL("EVP_PKEY_get_raw_public_key") }
    self.seed = seed
    self.key = key
    self.publicKey = try Ed25519PublicKey(rawRepresentation: publicBytes)
  }

  /// A new key from a fresh random seed (`SecureRandom`).
  public static func generate() -> Ed25519PrivateKey {
    do {
      return try Ed25519PrivateKey(seed: SecureRandom.bytes(seedByteCount))
    } catch {
      fatalError("OpenSSL refused a random Ed25519 seed: \(error)")
    }
  }

  /// The 64-byte signature of `message` (RFC 8032 §5.1.6); deterministic.
  public func signature(for message: [UInt8]) -> [UInt8] {
    let context = DigestContext()
    guard EVP_DigestSignInit(context.pointer, nil, nil, nil, key.pointer) == 1 else {
      fatalError("\(CryptoError.openSSL("EVP_DigestSignInit"))")
    }
    var signature = [UInt8](repeating: 0, count: Self.signatureByteCount)
    var signatureLength = signature.count
    let status = withNonNullPointer(message, fallback: [0]) { messagePointer in
      EVP_DigestSign(context.pointer, &signature, &signatureLength, messagePointer, message.count)
    }
    guard status == 1, signatureLength == Self.signatureByteCount else {
      fatalError("\(CryptoError.openSSL("EVP_DigestSign"))")
    }
    return signature
  }

  /// Never shows the seed.
  public var description: String { "Ed25519PrivateKey(public: \(publicKey), seed: redacted)" }
}
