import COpenSSL

/// A SHA-256 digest held in 32 bytes of plain value storage: no array, no allocation. For loops
/// that hash millions of entries (the audit), where a `[UInt8]` per digest was a heap allocation.
public struct SHA256Digest: Hashable, Sendable, BitwiseCopyable {
  // The digest's bytes in memory order.
  var w0: UInt64 = 0
  var w1: UInt64 = 0
  var w2: UInt64 = 0
  var w3: UInt64 = 0

  public static let zero = SHA256Digest()

  init() {}

  /// The 32 bytes at `pointer`.
  public init(_ pointer: UnsafeRawPointer) {
    w0 = pointer.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
    w1 = pointer.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
    w2 = pointer.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
    w3 = pointer.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
  }

  /// The digest in `bytes`, or nil unless they are exactly 32.
  public init?(_ bytes: [UInt8]) {
    guard bytes.count == 32 else { return nil }
    self = bytes.withUnsafeBytes { SHA256Digest($0.baseAddress!) }
  }

  public var bytes: [UInt8] {
    withUnsafeBytes { Array($0) }
  }

  public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    var copy = self
    return try Swift.withUnsafeBytes(of: &copy) { try body($0) }
  }

  /// The first 8 bytes as an integer: a well-spread hash key.
  public var prefix64: UInt64 { w0 }
}

extension SHA256.Hasher {
  /// Hashes `count` bytes at `pointer`, optionally after one prefix byte, and resets for the next
  /// message: the context is reused and nothing is allocated.
  public mutating func digest(prefix: UInt8? = nil, _ pointer: UnsafeRawPointer?, count: Int) -> SHA256Digest
  {
    if var prefix { _ = EVP_DigestUpdate(context, &prefix, 1) }
    _ = EVP_DigestUpdate(context, pointer, count)
    return finalizeDigest()
  }

  /// SHA-256(0x01 ‖ left ‖ right): an RFC 9162 interior node.
  public mutating func node(_ left: SHA256Digest, _ right: SHA256Digest) -> SHA256Digest {
    var pair = (left, right)
    var one: UInt8 = 0x01
    _ = EVP_DigestUpdate(context, &one, 1)
    Swift.withUnsafeBytes(of: &pair) { raw in _ = EVP_DigestUpdate(context, raw.baseAddress, 64) }
    return finalizeDigest()
  }

  mutating func finalizeDigest() -> SHA256Digest {
    var out = SHA256Digest()
    var length: UInt32 = 0
    Swift.withUnsafeMutableBytes(of: &out) { raw in
      _ = EVP_DigestFinal_ex(context, raw.baseAddress!.assumingMemoryBound(to: UInt8.self), &length)
    }
    EVP_DigestInit_ex2(context, SHA256.md, nil)
    return out
  }
}
