import Foundation
import JianguanCrypto

/// A node or root hash of the ledger's Merkle tree: the 32 bytes of a SHA-256 digest.
///
/// A plain byte array rather than a wrapper type, so that the store reads and writes it as a
/// BLOB and the JSON and note formats encode it without conversion. Every hash produced here is
/// 32 bytes; the verifiers check the length of every leaf and proof hash they are given.
public typealias MerkleHash = [UInt8]

/// The Merkle tree hashing of RFC 6962 §2.1 / RFC 9162 §2.1 over SHA-256, with the stored-hash
/// layout, proofs and verifiers of the extensions in this folder.
///
/// The tree over entries d[0], …, d[n-1] (entry bytes, 0-based) has the Merkle Tree Hash
///
///     MTH({})          = SHA-256()                                  (the empty string)
///     MTH({d[0]})      = SHA-256(0x00 ‖ d[0])                        (a leaf)
///     MTH(D[0:n])      = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n]))   (a node)
///
/// where k is the largest power of two smaller than n (RFC 9162 §2.1.1). The 0x00 and 0x01
/// prefixes keep a leaf from ever being taken for a node (second-preimage resistance).
public enum Merkle {
  /// The length of every hash in bytes (SHA-256).
  public static let hashByteCount = 32

  /// MTH({}), the root of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1),
  /// e3b0c442…b855.
  public static let emptyRoot: MerkleHash = SHA256.hash([UInt8]())

  /// The leaf hash of one entry: SHA-256(0x00 ‖ entryBytes) (RFC 9162 §2.1.1).
  public static func leafHash(_ entryBytes: some ContiguousBytes) -> MerkleHash {
    var hasher = SHA256.Hasher()
    hasher.update(byte: 0x00)
    hasher.update(entryBytes)
    return hasher.finalize()
  }

  /// The hash of an interior node: SHA-256(0x01 ‖ left ‖ right) (RFC 9162 §2.1.1).
  public static func nodeHash(_ left: MerkleHash, _ right: MerkleHash) -> MerkleHash {
    var hasher = SHA256.Hasher()
    hasher.update(byte: 0x01)
    hasher.update(left)
    hasher.update(right)
    return hasher.finalize()
  }

  /// k, the largest power of two strictly smaller than `n` (n ≥ 2), and its exponent: the split
  /// point of RFC 9162 §2.1.1.
  static func largestPowerOfTwo(below n: Int64) -> (k: Int64, level: Int) {
    precondition(n >= 2, "largestPowerOfTwo(below: \(n))")
    let level = 63 - (n - 1).leadingZeroBitCount
    return (Int64(1) << level, level)
  }
}
