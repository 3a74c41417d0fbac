import COpenSSL

/// A refusal from the crypto layer: a stable code, compared by tests, and one clear sentence.
public struct CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
  /// What went wrong, as a stable rule-like code.
  public enum Code: String, Sendable {
    /// A key has the wrong number of bytes for its algorithm.
    case keyWrongLength = "crypto_key_wrong_length"
    /// An AES-GCM nonce is not 12 bytes.
    case nonceWrongLength = "crypto_nonce_wrong_length"
    /// An AES-GCM tag is not 16 bytes.
    case tagWrongLength = "crypto_tag_wrong_length"
    /// AES-GCM refused the ciphertext: the key, nonce, associated data, ciphertext or tag differ
    /// from those that were sealed.
    case authenticationFailed = "crypto_authentication_failed"
    /// OpenSSL refused a key or an operation; the message carries OpenSSL's own reason.
    case openSSLFailure = "crypto_openssl_failure"
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

  /// An `openSSLFailure` naming the failed call and OpenSSL's queued reason, which it clears.
  static func openSSL(_ call: String) -> CryptoError {
    var reasons: [String] = []
    var code = ERR_get_error()
    while code != 0 {
      var buffer = [CChar](repeating: 0, count: 256)
      ERR_error_string_n(code, &buffer, buffer.count)
      reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
      code = ERR_get_error()
    }
    let reason = reasons.isEmpty ? "no reason given" : reasons.joined(separator: "; ")
    return CryptoError(.openSSLFailure, "OpenSSL \(call) failed: \(reason)")
  }
}
