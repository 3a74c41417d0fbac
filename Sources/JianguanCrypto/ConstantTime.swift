import COpenSSL

/// Comparisons whose running time does not depend on where the inputs differ.
public enum ConstantTime {
  /// Whether `a` and `b` are equal; constant time for inputs of equal length (`CRYPTO_memcmp`).
  /// Inputs of different lengths are unequal at once: lengths are not secret here.
  public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    if a.isEmpty { return true }
    return a.withUnsafeBufferPointer { left in
      b.withUnsafeBufferPointer { right in
        CRYPTO_memcmp(left.baseAddress, right.baseAddress, a.count) == 0
      }
    }
  }
}
