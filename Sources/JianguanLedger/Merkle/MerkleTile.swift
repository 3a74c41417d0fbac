/// A tile of the C2SP `tlog-tiles` layout: up to 256 consecutive hashes of one tree level.
///
/// The tile at tile level L, index N holds, for i in 0..<width, the hash of tree level 8·L at
/// index N·256 + i: MTH(D[(N·256+i)·256^L : (N·256+i+1)·256^L]), the root of a complete subtree.
/// A full tile is 256 hashes (8,192 bytes); only the rightmost tile of each level may be partial
/// (width 1…255). Every other hash of the tree is recomputed from the tile below it, so a tree
/// of n leaves stores about n/255 tiles and a root or proof reads O(log n) of them. Beside its
/// hashes a tile keeps its inner levels 4…7 (`levels`, see `MerkleTile+Levels`), so that a proof
/// recomputes at most 11 node hashes per tile it reads.
public struct MerkleTile: Hashable, Sendable {
  /// Tile level L: its hashes are tree level 8·L (0 holds the leaf hashes).
  public let level: Int
  /// Tile index N within its level.
  public let index: Int64
  /// The hashes, concatenated: 32 × width bytes.
  public let hashes: [UInt8]
  /// The tile's inner levels 4…7 in completion order (`MerkleTile.levels(of:)`), 32 ×
  /// `MerkleTile.levelHashCount(width:)` bytes.
  public let levels: [UInt8]

  /// A tile and its inner levels, as read or as kept by a writer that computed both.
  public init(level: Int, index: Int64, hashes: [UInt8], levels: [UInt8]) {
    precondition(level >= 0 && index >= 0, "MerkleTile(level: \(level), index: \(index))")
    precondition(
      !hashes.isEmpty && hashes.count % Merkle.hashByteCount == 0
        && hashes.count <= MerkleTile.fullByteCount,
      "a tile holds 1…256 hashes, not \(hashes.count) bytes")
    let width = hashes.count / Merkle.hashByteCount
    precondition(
      levels.count == MerkleTile.levelHashCount(width: width) * Merkle.hashByteCount,
      "a tile of \(width) hashes has \(MerkleTile.levelHashCount(width: width)) inner hashes, not \(levels.count) bytes"
    )
    self.level = level
    self.index = index
    self.hashes = hashes
    self.levels = levels
  }

  /// A tile of `hashes`, its inner levels recomputed from them (up to 255 node hashes).
  public init(level: Int, index: Int64, hashes: [UInt8]) {
    self.init(level: level, index: index, hashes: hashes, levels: MerkleTile.levels(of: hashes))
  }

  /// The number of hashes, 1…256.
  public var width: Int { hashes.count / Merkle.hashByteCount }

  /// Tree levels a tile spans: a tile's hashes are 8 levels above those of the tile below.
  public static let height = 8
  /// The hashes of a full tile.
  public static let fullWidth = 1 << height
  /// The bytes of a full tile.
  public static let fullByteCount = fullWidth * Merkle.hashByteCount

  /// The number of hashes tree level 8·`level` has in a tree of `size` leaves (complete
  /// subtrees of 256^level leaves).
  public static func hashCount(level: Int, size: Int64) -> Int64 {
    precondition(level >= 0 && size >= 0, "MerkleTile.hashCount(level: \(level), size: \(size))")
    return level * height >= 63 ? 0 : size >> (level * height)
  }

  /// The width of tile (`level`, `index`) in a tree of `size` leaves; 0 when it has no such tile.
  public static func width(level: Int, index: Int64, size: Int64) -> Int {
    let count = hashCount(level: level, size: size) - index * Int64(fullWidth)
    return count <= 0 ? 0 : Int(min(count, Int64(fullWidth)))
  }

  /// Every tile of a tree of `size` leaves, level by level, each as (level, index, width).
  public static func tiles(size: Int64) -> [(level: Int, index: Int64, width: Int)] {
    var tiles: [(Int, Int64, Int)] = []
    var level = 0
    while hashCount(level: level, size: size) > 0 {
      let count = hashCount(level: level, size: size)
      for index in 0..<(count + Int64(fullWidth) - 1) / Int64(fullWidth) {
        tiles.append((level, index, width(level: level, index: index, size: size)))
      }
      level += 1
    }
    return tiles
  }

  /// The C2SP path of this tile: `tile/<L>/<N>[.p/<W>]`, N in 3-digit groups, all but the last
  /// prefixed `x` (1234067 → `x001/x234/067`).
  public var path: String {
    var groups: [String] = []
    var rest = index
    repeat {
      let group = String(rest % 1000)
      groups.insert(String(repeating: "0", count: 3 - group.count) + group, at: 0)
      rest /= 1000
    } while rest > 0
    let number = groups.dropLast().map { "x" + $0 }.joined(separator: "/")
    let tail = (number.isEmpty ? "" : number + "/") + groups.last!
    return "tile/\(level)/\(tail)" + (width < MerkleTile.fullWidth ? ".p/\(width)" : "")
  }
}
