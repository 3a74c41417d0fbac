import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's DRBG (`RAND_bytes`).
public enum SecureRandom {
  /// `count` random bytes. Stops the process if the system cannot supply randomness: going on
  /// with predictable keys or nonces would be worse than stopping.
  public static func bytes(_ count: Int) -> [UInt8] {
    precondition(count >= 0, "SecureRandom.bytes: negative count \(count)")
    if count == 0 { return [] }
    var bytes = [UInt8](repeating: 0, count: count)
    let status = bytes.withUnsafeMutableBufferPointer { buffer in
      RAND_bytes(buffer.baseAddress, Int32(count))
    }
    guard status == 1 else {
      fatalError("OpenSSL RAND_bytes failed: the system has no usable source of randomness")
    }
    return bytes
  }
}
