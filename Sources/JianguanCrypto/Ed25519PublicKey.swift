import COpenSSL

/// An Ed25519 public key (RFC 8032 §5.1.5): 32 bytes, verified through OpenSSL's `EVP_DigestVerify`.
public struct Ed25519PublicKey: Sendable, Equatable, CustomStringConvertible {
  /// The length of a public key in bytes.
  public static let byteCount = 32

  /// The 32-byte encoding of RFC 8032 §5.1.2.
  public let rawRepresentation: [UInt8]
  let key: EVPKey

  /// A public key from its 32-byte encoding. A malformed point is not refused here: OpenSSL
  /// decodes it on each verification, which then fails.
  public init(rawRepresentation: [UInt8]) throws {
    guard rawRepresentation.count == Self.byteCount else {
      throw CryptoError(
        .keyWrongLength,
        "an Ed25519 public key is \(Self.byteCount) bytes, not \(rawRepresentation.count)")
    }
    let pointer = rawRepresentation.withUnsafeBufferPointer { buffer in
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, buffer.baseAddress, buffer.count)
    }
    guard let pointer else { throw CryptoError.openSSL("EVP_PKEY_new_raw_public_key") }
    self.rawRepresentation = rawRepresentation
    self.key = EVPKey(pointer)
  }

  /// Whether `signature` is a valid Ed25519 signature of `message` by this key (RFC 8032 §5.1.7,
  /// which includes refusing a non-canonical S).
  public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
    guard signature.count == Ed25519PrivateKey.signatureByteCount else { return false }
    let context = DigestContext()
    guard EVP_DigestVerifyInit(context.pointer, nil, nil, nil, key.pointer) == 1 else {
      ERR_clear_error()
      return false
    }
    let status = signature.withUnsafeBufferPointer { signatureBuffer in
      withNonNullPointer(message, fallback: [0]) { messagePointer in
        EVP_DigestVerify(
          context.pointer, signatureBuffer.baseAddress, signatureBuffer.count, messagePointer,
          message.count)
      }
    }
    if status != 1 { ERR_clear_error() }
    return status == 1
  }

  public static func == (lhs: Ed25519PublicKey, rhs: Ed25519PublicKey) -> Bool {
    lhs.rawRepresentation == rhs.rawRepresentation
  }

  public var description: String {
    "Ed25519PublicKey(\(Hex.encode(rawRepresentation)))"
  }
}
