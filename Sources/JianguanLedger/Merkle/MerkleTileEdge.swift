/// The right edge of a growing tree in tiles (C2SP `tlog-tiles`): the roots of the maximal
/// complete subtrees, and the rightmost, not yet full tile of each tile level. Appending a leaf
/// costs ~2 node hashes and no reads; the tiles it changes are handed out to be written, with their
/// inner levels (taken from the same node hashes), full ones once as they fill up and the partial
/// ones whenever the writer asks (once per commit).
public struct MerkleTileEdge: Sendable {
  private var accumulator = MerkleRootAccumulator()
  /// The hashes of each tile level's rightmost partial tile (empty when the level is aligned).
  private var partial: [[UInt8]] = []
  /// The inner levels of each partial tile, as far as its hashes complete them.
  private var partialLevels: [[UInt8]] = []
  /// The levels whose partial tile changed since the partial tiles were last taken.
  private var changed: [Bool] = []
  /// Tiles that filled up since they were last taken.
  private var filled: [MerkleTile] = []

  /// The edge of the empty tree.
  public init() {}

  /// Resumes at `size` from stored tiles: the right edge's subtree roots and each level's
  /// partial tile with its inner levels, O(log size) tiles in two reads.
  public init(size: Int64, reader: some MerkleTileReader) throws {
    accumulator = try MerkleRootAccumulator(size: size, reader: MerkleTileHashReader(reader))
    var wanted: [(level: Int, index: Int64)] = []
    var widths: [Int] = []
    var level = 0
    while MerkleTile.hashCount(level: level, size: size) > 0 {
      let count = MerkleTile.hashCount(level: level, size: size)
      let width = Int(count % Int64(MerkleTile.fullWidth))
      wanted.append((level, count / Int64(MerkleTile.fullWidth)))
      widths.append(width)
      level += 1
    }
    let partialWanted = zip(wanted, widths).filter { $0.1 > 0 }.map(\.0)
    var read = try reader.readTiles(partialWanted).makeIterator()
    for (place, width) in zip(wanted, widths) {
      guard width > 0 else {
        partial.append([])
        partialLevels.append([])
        continue
      }
      let content = read.next() ?? MerkleTileContent(hashes: [], levels: [])
      let levelBytes = MerkleTile.levelHashCount(width: width) * Merkle.hashByteCount
      guard content.hashes.count >= width * Merkle.hashByteCount, content.levels.count >= levelBytes else {
        throw MerkleError(
          .readerFault,
          "tile \(place.level)/\(place.index) holds \(content.hashes.count / Merkle.hashByteCount) hashes and \(content.levels.count / Merkle.hashByteCount) inner hashes; a tree of \(size) leaves needs \(width) and \(levelBytes / Merkle.hashByteCount)"
        )
      }
      partial.append(Array(content.hashes.prefix(width * Merkle.hashByteCount)))
      partialLevels.append(Array(content.levels.prefix(levelBytes)))
    }
    changed = Array(repeating: false, count: partial.count)
  }

  /// The number of leaves.
  public var size: Int64 { accumulator.size }

  /// MTH(D[0:size]).
  public var root: MerkleHash { accumulator.root }

  /// Appends one leaf by its 32-byte leaf hash.
  public mutating func append(leafHash: MerkleHash) {
    let size = accumulator.size + 1
    accumulator.append(leafHash: leafHash) { treeLevel, hash in
      let level = treeLevel / MerkleTile.height
      let inner = treeLevel % MerkleTile.height
      if inner == 0 {
        // The root of a full tile is the next hash of the level above, and comes after the
        // tile's inner hashes: the tile below is complete.
        if level > 0, partial[level - 1].count == MerkleTile.fullByteCount {
          let index = (MerkleTile.hashCount(level: level - 1, size: size) - 1) / Int64(MerkleTile.fullWidth)
          filled.append(
            MerkleTile(
              level: level - 1, index: index, hashes: partial[level - 1], levels: partialLevels[level - 1]))
          partial[level - 1] = []
          partialLevels[level - 1] = []
          changed[level - 1] = false
        }
        if level == partial.count {
          partial.append([])
          partialLevels.append([])
          changed.append(false)
        }
        if partial[level].isEmpty { partial[level].reserveCapacity(MerkleTile.fullByteCount) }
        partial[level].append(contentsOf: hash)
        changed[level] = true
      } else if MerkleTile.innerLevels.contains(inner) {
        // Lowest level first, as the tile's hashes complete them: the order of column `levels`.
        partialLevels[level].append(contentsOf: hash)
      }
    }
  }

  /// The tiles that filled up since the last call, to be written once.
  public mutating func takeFilledTiles() -> [MerkleTile] {
    defer { filled = [] }
    return filled
  }

  /// The filled tiles and every partial tile that changed since the last call.
  public mutating func takeChangedTiles() -> [MerkleTile] {
    var tiles = takeFilledTiles()
    for level in partial.indices where changed[level] && !partial[level].isEmpty {
      tiles.append(
        MerkleTile(
          level: level, index: partialIndex(level), hashes: partial[level], levels: partialLevels[level]))
      changed[level] = false
    }
    return tiles
  }

  /// The hashes this edge holds for tile (`level`, `index`) that may not be stored yet: the
  /// level's partial tile, or a filled tile not yet taken.
  public func unwrittenTile(level: Int, index: Int64) -> MerkleTileContent? {
    if level < partial.count, !partial[level].isEmpty, partialIndex(level) == index {
      return MerkleTileContent(hashes: partial[level], levels: partialLevels[level])
    }
    return filled.first { $0.level == level && $0.index == index }.map {
      MerkleTileContent(hashes: $0.hashes, levels: $0.levels)
    }
  }

  private func partialIndex(_ level: Int) -> Int64 {
    MerkleTile.hashCount(level: level, size: accumulator.size) / Int64(MerkleTile.fullWidth)
  }
}
