import COpenSSL
import Foundation

/// SHA-256 from the system OpenSSL (libcrypto), with the algorithm fetched once.
public enum SHA256 {
  /// The fetched EVP_MD; OpenSSL 3 looks the algorithm up on every `EVP_sha256()` call otherwise.
  nonisolated(unsafe) static let md: OpaquePointer = {
    guard let md = EVP_MD_fetch(nil, "SHA256", nil) else {
      fatalError("OpenSSL has no SHA-256: the system libcrypto is broken")
    }
    return md
  }()

  /// The digest of `bytes`.
  public static func hash(_ bytes: some ContiguousBytes) -> [UInt8] {
    var hasher = Hasher()
    hasher.update(bytes)
    return hasher.finalize()
  }

  /// The digest of the concatenation of `parts`.
  public static func hash(parts: [[UInt8]]) -> [UInt8] {
    var hasher = Hasher()
    for part in parts { hasher.update(part) }
    return hasher.finalize()
  }

  /// An incremental hasher; reusable after `finalize()`.
  public struct Hasher: ~Copyable {
    let context: OpaquePointer

    public init() {
      guard let context = EVP_MD_CTX_new() else { fatalError("OpenSSL could not allocate a digest context") }
      self.context = context
      EVP_DigestInit_ex2(context, SHA256.md, nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    public mutating func update(_ bytes: some ContiguousBytes) {
      bytes.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
        _ = EVP_DigestUpdate(context, buffer.baseAddress, buffer.count)
      }
    }

    public mutating func update(byte: UInt8) {
      var value = byte
      _ = EVP_DigestUpdate(context, &value, 1)
    }

    /// Returns the digest and resets the hasher for the next message.
    public mutating func finalize() -> [UInt8] {
      var digest = [UInt8](repeating: 0, count: 32)
      var length: UInt32 = 0
      EVP_DigestFinal_ex(context, &digest, &length)
      EVP_DigestInit_ex2(context, SHA256.md, nil)
      return digest
    }
  }
}
