import COpenSSL

/// AES-256-GCM (NIST SP 800-38D) from the system OpenSSL: 32-byte key, 12-byte nonce, 16-byte tag.
/// A nonce must never be used twice with one key: take a fresh `SecureRandom.bytes(12)` per seal.
public enum AESGCM {
  /// The key length in bytes (AES-256).
  public static let keyByteCount = 32
  /// The nonce (IV) length in bytes: the 96 bits that SP 800-38D §8.2 recommends.
  public static let nonceByteCount = 12
  /// The authentication tag length in bytes: the full 128 bits.
  public static let tagByteCount = 16

  /// The fetched cipher; OpenSSL 3 looks the algorithm up on every `EVP_aes_256_gcm()` otherwise.
  nonisolated(unsafe) static let cipher: OpaquePointer = {
    guard let cipher = EVP_CIPHER_fetch(nil, "AES-256-GCM", nil) else {
      fatalError("OpenSSL has no AES-256-GCM: the system libcrypto is broken")
    }
    return cipher
  }()

  /// Encrypts `plaintext` and authenticates it together with `aad`.
  public static func seal(
    _ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8] = []
  ) throws -> (ciphertext: [UInt8], tag: [UInt8]) {
    try checkLengths(key: key, nonce: nonce, tag: nil)
    let context = CipherContext()
    guard EVP_EncryptInit_ex2(context.pointer, cipher, key, nonce, nil) == 1 else {
      throw CryptoError.openSSL("EVP_EncryptInit_ex2")
    }
    var length: Int32 = 0
    if !aad.isEmpty {
      // A null output buffer makes the update feed associated data (OpenSSL's GCM convention).
      guard EVP_EncryptUpdate(context.pointer, nil, &length, aad, Int32(aad.count)) == 1 else {
        throw CryptoError.openSSL("EVP_EncryptUpdate (associated data)")
      }
    }
    var ciphertext = [UInt8](repeating: 0, count: plaintext.count)
    if !plaintext.isEmpty {
      guard EVP_EncryptUpdate(context.pointer, &ciphertext, &length, plaintext, Int32(plaintext.count)) == 1,
        Int(length) == plaintext.count
      else { throw CryptoError.openSSL("EVP_EncryptUpdate") }
    }
    var finalBlock = [UInt8](repeating: 0, count: 16)
    guard EVP_EncryptFinal_ex(context.pointer, &finalBlock, &length) == 1, length == 0 else {
      throw CryptoError.openSSL("EVP_EncryptFinal_ex")
    }
    var tag = [UInt8](repeating: 0, count: tagByteCount)
    guard EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_AEAD_GET_TAG, Int32(tagByteCount), &tag) == 1 else {
      throw CryptoError.openSSL("EVP_CIPHER_CTX_ctrl (get tag)")
    }
    return (ciphertext, tag)
  }

  /// Decrypts `ciphertext`, returning the plaintext only if `tag` authenticates it and `aad`;
  /// otherwise throws `authenticationFailed` and returns nothing of the plaintext.
  public static func open(
    _ ciphertext: [UInt8], tag: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8] = []
  ) throws -> [UInt8] {
    try checkLengths(key: key, nonce: nonce, tag: tag)
    let context = CipherContext()
    guard EVP_DecryptInit_ex2(context.pointer, cipher, key, nonce, nil) == 1 else {
      throw CryptoError.openSSL("EVP_DecryptInit_ex2")
    }
    var length: Int32 = 0
    if !aad.isEmpty {
      guard EVP_DecryptUpdate(context.pointer, nil, &length, aad, Int32(aad.count)) == 1 else {
        throw CryptoError.openSSL("EVP_DecryptUpdate (associated data)")
      }
    }
    var plaintext = [UInt8](repeating: 0, count: ciphertext.count)
    if !ciphertext.isEmpty {
      guard EVP_DecryptUpdate(context.pointer, &plaintext, &length, ciphertext, Int32(ciphertext.count)) == 1,
        Int(length) == ciphertext.count
      else { throw CryptoError.openSSL("EVP_DecryptUpdate") }
    }
    var expectedTag = tag
    guard EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_AEAD_SET_TAG, Int32(tagByteCount), &expectedTag) == 1
    else { throw CryptoError.openSSL("EVP_CIPHER_CTX_ctrl (set tag)") }
    var finalBlock = [UInt8](repeating: 0, count: 16)
    guard EVP_DecryptFinal_ex(context.pointer, &finalBlock, &length) == 1 else {
      ERR_clear_error()
      throw CryptoError(
        .authenticationFailed,
        "AES-GCM authentication failed: the ciphertext, tag, associated data, key or nonce is not the one sealed"
      )
    }
    return plaintext
  }

  private static func checkLengths(key: [UInt8], nonce: [UInt8], tag: [UInt8]?) throws {
    guard key.count == keyByteCount else {
      throw CryptoError(.keyWrongLength, "an AES-256-GCM key is \(keyByteCount) bytes, not \(key.count)")
    }
    guard nonce.count == nonceByteCount else {
      throw CryptoError(
        .nonceWrongLength, "an AES-GCM nonce is \(nonceByteCount) bytes here, not \(nonce.count)")
    }
    if let tag, tag.count != tagByteCount {
      throw CryptoError(.tagWrongLength, "an AES-GCM tag is \(tagByteCount) bytes here, not \(tag.count)")
    }
  }
}

/// Owns an `EVP_CIPHER_CTX` for the length of one operation.
private struct CipherContext: ~Copyable {
  let pointer: OpaquePointer

  init() {
    guard let pointer = EVP_CIPHER_CTX_new() else {
      fatalError("OpenSSL could not allocate a cipher context")
    }
    self.pointer = pointer
  }

  deinit { EVP_CIPHER_CTX_free(pointer) }
}
