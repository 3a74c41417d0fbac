import COpenSSL

/// HMAC-SHA-256 (RFC 2104, FIPS 198-1) from the system OpenSSL; test vectors from RFC 4231.
public enum HMACSHA256 {
  /// The length of a MAC in bytes.
  public static let macByteCount = 32

  /// The HMAC-SHA-256 of `message` under `key` (32 bytes). Any key length is accepted, as
  /// RFC 2104 §2 allows; keys longer than 64 bytes are hashed first.
  public static func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: macByteCount)
    var outLength: UInt32 = 0
    // OpenSSL wants non-null pointers even for empty inputs.
    let one: [UInt8] = [0]
    let result = withNonNullPointer(key, fallback: one) { keyPointer in
      withNonNullPointer(message, fallback: one) { messagePointer in
        HMAC(
          SHA256.md, keyPointer, Int32(key.count), messagePointer, message.count, &out, &outLength)
      }
    }
    guard result != nil, outLength == UInt32(macByteCount) else {
      fatalError("OpenSSL HMAC-SHA-256 failed: the system libcrypto is broken")
    }
    return out
  }

  /// Whether `candidate` is the MAC of `message` under `key`, compared in constant time.
  public static func isValidMAC(_ candidate: [UInt8], key: [UInt8], message: [UInt8]) -> Bool {
    guard candidate.count == macByteCount else { return false }
    return ConstantTime.equals(candidate, mac(key: key, message: message))
  }
}

/// Runs `body` with a pointer to `bytes`, or to `fallback` when `bytes` is empty (and so may
/// have no storage), because some OpenSSL functions refuse null pointers with zero lengths.
func withNonNullPointer<R>(
  _ bytes: [UInt8], fallback: [UInt8], _ body: (UnsafePointer<UInt8>) -> R
) -> R {
  let source = bytes.isEmpty ? fallback : bytes
  return source.withUnsafeBufferPointer { buffer in body(buffer.baseAddress!) }
}
