import JianguanCrypto

/// A tile's inner levels: the hashes of tree levels 8·L + 4 … 8·L + 7 over one tile of level L,
/// stored beside it (docs/LEDGER-FORMAT.md §7.2, "Inner levels"). With them, a hash of tree level
/// 8·L + k is read when k ≥ 4 and recomputed from at most 8 of the tile's hashes when k < 4.
///
/// h(k, i) is the root of the complete subtree over the tile's hashes i·2^k … (i+1)·2^k − 1. The
/// inner hashes are kept in the order the tile's hashes complete them: for j = 0, 1, …, for each
/// k of 4…7 with 2^k dividing j + 1, h(k, (j+1)/2^k − 1). A growing tile's inner levels therefore
/// only grow at the end, as its hashes do.
extension MerkleTile {
  /// The inner levels kept beside a tile (k of tree level 8·L + k).
  public static let innerLevels = 4...7

  /// The number of inner hashes of a tile of `width` hashes: ⌊w/16⌋ + ⌊w/32⌋ + ⌊w/64⌋ + ⌊w/128⌋,
  /// 30 for a full tile.
  public static func levelHashCount(width: Int) -> Int {
    innerLevels.reduce(0) { $0 + width >> $1 }
  }

  /// The position among the inner hashes of h(`level`, `index`) (`level` in 4…7): the inner
  /// hashes completed by the tile's hashes before hash j = (index+1)·2^level − 1, then those of
  /// hash j below `level`.
  public static func levelPosition(level: Int, index: Int) -> Int {
    precondition(innerLevels.contains(level), "levelPosition(level: \(level))")
    let completing = (index + 1) << level - 1
    return levelHashCount(width: completing) + level - innerLevels.lowerBound
  }

  /// The inner levels of a tile whose hashes are `hashes` (32 bytes each), recomputed: about one
  /// node hash per hash of the tile.
  public static func levels(of hashes: [UInt8]) -> [UInt8] {
    let width = hashes.count / Merkle.hashByteCount
    guard levelHashCount(width: width) > 0 else { return [] }
    var rows: [[SHA256Digest]] = [
      hashes.withUnsafeBytes { bytes in
        (0..<width).map { SHA256Digest(bytes.baseAddress! + $0 * Merkle.hashByteCount) }
      }
    ]
    var hasher = SHA256.Hasher()
    for _ in 1...innerLevels.upperBound {
      let below = rows[rows.count - 1]
      rows.append((0..<below.count / 2).map { hasher.node(below[2 * $0], below[2 * $0 + 1]) })
    }
    var levels: [UInt8] = []
    levels.reserveCapacity(levelHashCount(width: width) * Merkle.hashByteCount)
    for completing in 1...width {
      for level in innerLevels where completing % (1 << level) == 0 {
        levels += rows[level][completing >> level - 1].bytes
      }
    }
    return levels
  }
}
