import JianguanCrypto

/// Reads stored tiles (C2SP `tlog-tiles`); the store implements it over its tile table.
public protocol MerkleTileReader {
  /// Each tile (level, index) in `tiles`, in the same order: its hashes (32 × width bytes) and
  /// its inner levels, as stored (possibly wider than a caller needs: neither ever changes once
  /// stored). A tile that is not stored is an error.
  func readTiles(_ tiles: [(level: Int, index: Int64)]) throws -> [MerkleTileContent]
}

/// What a tile row holds: its hashes and its inner levels (`MerkleTile+Levels`), unchecked.
public struct MerkleTileContent: Hashable, Sendable {
  public var hashes: [UInt8]
  public var levels: [UInt8]

  public init(hashes: [UInt8], levels: [UInt8]) {
    self.hashes = hashes
    self.levels = levels
  }
}

/// Stored hashes (`MerkleHashReader`) served from tiles, as tlog's `TileHashReader`: a hash of
/// tree level 8·L + k is the root of the complete subtree over 2^k consecutive hashes of tile
/// level L, read from the tile's inner levels when k ≥ 4, else recomputed with 2^k − 1 ≤ 7 node
/// hashes. One `readTiles` call per `readHashes` call.
public struct MerkleTileHashReader<Tiles: MerkleTileReader>: MerkleHashReader {
  public let tiles: Tiles

  public init(_ tiles: Tiles) { self.tiles = tiles }

  public func readHashes(_ indexes: [Int64]) throws -> [MerkleHash] {
    var tileOrder: [(level: Int, index: Int64)] = []
    var tileNumbers: [MerkleTileKey: Int] = [:]
    // Where each stored hash lies: its tile, its first hash in the tile and 2^k hashes.
    var places: [MerkleTileSpan] = []
    places.reserveCapacity(indexes.count)
    for storedIndex in indexes {
      guard storedIndex >= 0 else {
        throw MerkleError(.negativeNumber, "stored hash index \(storedIndex) is negative")
      }
      let (treeLevel, treeIndex) = Merkle.splitStoredHashIndex(storedIndex)
      let level = treeLevel / MerkleTile.height
      let shift = treeLevel % MerkleTile.height
      let first = treeIndex << shift
      let key = MerkleTileKey(level: level, index: first >> MerkleTile.height)
      let number: Int
      if let known = tileNumbers[key] {
        number = known
      } else {
        number = tileOrder.count
        tileNumbers[key] = number
        tileOrder.append((key.level, key.index))
      }
      places.append(
        MerkleTileSpan(tile: number, offset: Int(first & Int64(MerkleTile.fullWidth - 1)), count: 1 << shift))
    }
    let read = try tiles.readTiles(tileOrder)
    guard read.count == tileOrder.count else {
      throw MerkleError(.readerFault, "the tile reader returned \(read.count) tiles for \(tileOrder.count)")
    }
    return try zip(indexes, places).map { storedIndex, place in
      let content = read[place.tile]
      let (level, index) = tileOrder[place.tile]
      let innerLevel = place.count.trailingZeroBitCount
      if MerkleTile.innerLevels.contains(innerLevel) {
        let position = MerkleTile.levelPosition(level: innerLevel, index: place.offset >> innerLevel)
        let start = position * Merkle.hashByteCount
        guard content.levels.count >= start + Merkle.hashByteCount else {
          throw MerkleError(
            .readerFault,
            "tile \(level)/\(index) holds \(content.levels.count) bytes of inner levels; stored hash \(storedIndex) is inner hash \(position)"
          )
        }
        return Array(content.levels[start..<start + Merkle.hashByteCount])
      }
      let bytes = content.hashes
      guard bytes.count % Merkle.hashByteCount == 0,
        bytes.count >= (place.offset + place.count) * Merkle.hashByteCount
      else {
        throw MerkleError(
          .readerFault,
          "tile \(level)/\(index) holds \(bytes.count) bytes; stored hash \(storedIndex) needs its hashes \(place.offset)…\(place.offset + place.count - 1)"
        )
      }
      return Merkle.completeSubtreeHash(bytes, from: place.offset, count: place.count)
    }
  }
}

/// 2^k consecutive hashes of tile number `tile` of a read, from hash `offset` on.
struct MerkleTileSpan {
  let tile: Int
  let offset: Int
  let count: Int
}

/// A tile's place, as a dictionary key.
struct MerkleTileKey: Hashable {
  let level: Int
  let index: Int64
}

extension Merkle {
  /// The root of the complete subtree over `count` (a power of two) consecutive 32-byte hashes
  /// of `hashes` from hash `first` on: pairs hashed level by level (RFC 9162 §2.1.1), in place,
  /// with one hasher.
  static func completeSubtreeHash(_ hashes: [UInt8], from first: Int, count: Int) -> MerkleHash {
    if count == 1 {
      let start = first * hashByteCount
      return Array(hashes[start..<start + hashByteCount])
    }
    var level = hashes.withUnsafeBytes { bytes in
      (0..<count).map { SHA256Digest(bytes.baseAddress! + (first + $0) * hashByteCount) }
    }
    var hasher = SHA256.Hasher()
    var width = count
    while width > 1 {
      for pair in 0..<width / 2 { level[pair] = hasher.node(level[2 * pair], level[2 * pair + 1]) }
      width /= 2
    }
    return level[0].bytes
  }
}
