import JianguanCrypto
import JianguanLedger
import Testing

/// Tiles as a store keeps them: each tile written when `MerkleTileEdge` hands it out, a partial
/// one replaced by its wider self.
struct TileTable: MerkleTileReader {
  var rows: [String: MerkleTileContent] = [:]

  static func key(_ level: Int, _ index: Int64) -> String { "\(level)/\(index)" }

  mutating func write(_ tiles: [MerkleTile]) {
    for tile in tiles {
      rows[Self.key(tile.level, tile.index)] = MerkleTileContent(hashes: tile.hashes, levels: tile.levels)
    }
  }

  func readTiles(_ tiles: [(level: Int, index: Int64)]) throws -> [MerkleTileContent] {
    try tiles.map { level, index in
      guard let content = rows[Self.key(level, index)] else {
        throw MerkleError(.readerFault, "tile \(level)/\(index) is not stored")
      }
      return content
    }
  }
}

@Suite("Merkle: C2SP tiles")
struct MerkleTileTests {
  /// Leaf hashes without entries: SHA-256(0x00 ‖ the index's 8 bytes).
  static func leafHash(_ index: Int64) -> MerkleHash {
    Merkle.leafHash(withUnsafeBytes(of: index.bigEndian) { Array($0) })
  }

  @Test func tileGeometryFollowsC2SP() {
    #expect(MerkleTile.fullByteCount == 8192)
    #expect(MerkleTile.tiles(size: 0).isEmpty)
    #expect(MerkleTile.tiles(size: 255).map { "\($0.level)/\($0.index)/\($0.width)" } == ["0/0/255"])
    #expect(
      MerkleTile.tiles(size: 256).map { "\($0.level)/\($0.index)/\($0.width)" } == ["0/0/256", "1/0/1"])
    #expect(
      MerkleTile.tiles(size: 257).map { "\($0.level)/\($0.index)/\($0.width)" } == [
        "0/0/256", "0/1/1", "1/0/1",
      ])
    #expect(MerkleTile.tiles(size: 65_536).filter { $0.level == 2 }.map(\.width) == [1])
    #expect(MerkleTile.width(level: 1, index: 0, size: 65_535) == 255)
    let full = MerkleTile(level: 0, index: 1_234_067, hashes: [UInt8](repeating: 0, count: 8192))
    #expect(full.path == "tile/0/x001/x234/067")
    #expect(MerkleTile(level: 2, index: 5, hashes: [UInt8](repeating: 0, count: 64)).path == "tile/2/005.p/2")
  }

  /// Grows a tree leaf by leaf through `MerkleTileEdge`, writing what it hands out (the partial
  /// tiles every `commitEvery` leaves), and checks the tiles against the stored hashes of an
  /// `InMemoryMerkleTree` at each size in `sizes`.
  func checkTiles(upTo last: Int64, sizes: Set<Int64>, commitEvery: Int64) throws {
    var edge = MerkleTileEdge()
    var table = TileTable()
    var tree = InMemoryMerkleTree()
    for index in 0..<last {
      edge.append(leafHash: Self.leafHash(index))
      try tree.append(leafHash: Self.leafHash(index))
      let size = index + 1
      let commit = size % commitEvery == 0 || sizes.contains(size)
      table.write(commit ? edge.takeChangedTiles() : edge.takeFilledTiles())
      guard sizes.contains(size) else { continue }
      let expected = tree.tiles()
      #expect(expected.count == MerkleTile.tiles(size: size).count)
      #expect(table.rows.count == expected.count, "size \(size): \(table.rows.count) tiles stored")
      // The edge's inner levels, taken from its own node hashes, equal the ones recomputed from
      // the in-memory tree's tiles.
      for tile in expected {
        #expect(
          table.rows[TileTable.key(tile.level, tile.index)]
            == MerkleTileContent(hashes: tile.hashes, levels: tile.levels), "size \(size), \(tile.path)")
      }
      #expect(edge.root == tree.root)
      #expect(try Merkle.treeHash(size: size, reader: MerkleTileHashReader(table)) == tree.root)
      // Resuming from the stored tiles gives the same edge.
      var resumed = try MerkleTileEdge(size: size, reader: table)
      #expect(resumed.root == tree.root)
      var grown = tree
      for next in size..<size + 300 {
        resumed.append(leafHash: Self.leafHash(next))
        try grown.append(leafHash: Self.leafHash(next))
      }
      #expect(resumed.root == grown.root)
      // …and hands out the tiles of the grown tree, inner levels included.
      let grownTiles = Dictionary(uniqueKeysWithValues: grown.tiles().map { ("\($0.level)/\($0.index)", $0) })
      for tile in resumed.takeChangedTiles() {
        #expect(tile == grownTiles["\(tile.level)/\(tile.index)"], "resumed at \(size): \(tile.path)")
      }
    }
  }

  @Test func tilesEqualAFromScratchTreeAroundOneTile() throws {
    try checkTiles(upTo: 600, sizes: [1, 2, 255, 256, 257, 511, 512, 513, 600], commitEvery: 7)
  }

  @Test func tilesEqualAFromScratchTreeAroundTheSecondLevel() throws {
    try checkTiles(upTo: 65_537, sizes: [65_535, 65_536, 65_537], commitEvery: 1000)
  }

  @Test func proofsFromTilesEqualInMemoryProofsAtRandomSizes() throws {
    var generator = SystemRandomNumberGenerator()
    var edge = MerkleTileEdge()
    var table = TileTable()
    var tree = InMemoryMerkleTree()
    let last: Int64 = 70_000
    for index in 0..<last {
      edge.append(leafHash: Self.leafHash(index))
      try tree.append(leafHash: Self.leafHash(index))
      table.write(edge.takeFilledTiles())
    }
    table.write(edge.takeChangedTiles())
    let reader = MerkleTileHashReader(table)
    for _ in 0..<200 {
      let size = Int64.random(in: 1...last, using: &generator)
      let index = Int64.random(in: 0..<size, using: &generator)
      let old = Int64.random(in: 1...size, using: &generator)
      let root = try Merkle.treeHash(size: size, reader: reader)
      #expect(root == (try tree.treeHash(size: size)), "root at \(size)")
      let proof = try Merkle.inclusionProof(index: index, size: size, reader: reader)
      #expect(proof == (try tree.inclusionProof(index: index, size: size)), "inclusion \(index) in \(size)")
      try Merkle.verifyInclusion(
        leafHash: Self.leafHash(index), index: index, size: size, proof: proof, root: root)
      let consistency = try Merkle.consistencyProof(oldSize: old, newSize: size, reader: reader)
      #expect(consistency == (try tree.consistencyProof(oldSize: old, newSize: size)), "\(old) → \(size)")
      try Merkle.verifyConsistency(
        oldSize: old, newSize: size, oldRoot: try tree.treeHash(size: old), newRoot: root, proof: consistency)
    }
  }

  @Test func aTileTooNarrowOrMissingIsAReaderFault() throws {
    var edge = MerkleTileEdge()
    var table = TileTable()
    var tree = InMemoryMerkleTree()
    for index in Int64(0)..<300 {
      edge.append(leafHash: Self.leafHash(index))
      try tree.append(leafHash: Self.leafHash(index))
    }
    table.write(edge.takeChangedTiles())
    table.rows["0/1"]!.hashes = Array(table.rows["0/1"]!.hashes.prefix(32 * 10))
    let reader = MerkleTileHashReader(table)
    #expect(throws: MerkleError.self) { try Merkle.treeHash(size: 300, reader: reader) }
    // The hashes the narrow tile still holds serve the older sizes.
    #expect(try Merkle.treeHash(size: 266, reader: reader) == (try tree.treeHash(size: 266)))
    table.rows["1/0"] = nil
    #expect(throws: MerkleError.self) { try MerkleTileEdge(size: 266, reader: table) }
  }

  /// Column `levels` of a full tile: the tree's hashes of levels 4…7 over it, in completion order
  /// (docs/LEDGER-FORMAT.md §7.2), each at the position `levelPosition` gives.
  @Test func innerLevelsAreTheTreesHashesInCompletionOrder() throws {
    var tree = InMemoryMerkleTree()
    for index in Int64(0)..<600 { try tree.append(leafHash: Self.leafHash(index)) }
    #expect(MerkleTile.levelHashCount(width: 256) == 30)
    #expect(MerkleTile.levelHashCount(width: 15) == 0)
    #expect(MerkleTile.levelHashCount(width: 88) == 5 + 2 + 1)
    let order = (0..<256).flatMap { j in
      MerkleTile.innerLevels.filter { (j + 1) % (1 << $0) == 0 }.map { ($0, (j + 1) >> $0 - 1) }
    }
    #expect(order.prefix(7).map { "\($0.0),\($0.1)" } == ["4,0", "4,1", "5,0", "4,2", "4,3", "5,1", "6,0"])
    for tile in [0, 1] {
      let full = try #require(tree.tiles().first { $0.level == 0 && $0.index == Int64(tile) })
      var wanted: [UInt8] = []
      for (position, (level, index)) in order.enumerated() {
        #expect(MerkleTile.levelPosition(level: level, index: index) == position)
        wanted += try tree.readHashes([
          Merkle.storedHashIndex(level: level, index: Int64((tile * 256) >> level + index))
        ])[0]
      }
      #expect(full.levels == wanted, "tile 0/\(tile)")
      // A partial tile's inner levels are the first ones of the full tile.
      for width in [1, 15, 16, 17, 100, 255] {
        let hashes = Array(full.hashes.prefix(32 * width))
        #expect(
          MerkleTile.levels(of: hashes) == Array(wanted.prefix(32 * MerkleTile.levelHashCount(width: width))))
      }
    }
  }

  /// A proof reads the inner levels instead of recomputing them: with the hashes under them
  /// zeroed, it still equals the in-memory proof (recomputing them would give another).
  @Test func aProofReadsTheStoredInnerLevels() throws {
    var edge = MerkleTileEdge()
    var table = TileTable()
    var tree = InMemoryMerkleTree()
    for index in Int64(0)..<512 {
      edge.append(leafHash: Self.leafHash(index))
      try tree.append(leafHash: Self.leafHash(index))
    }
    table.write(edge.takeChangedTiles())
    // Leaf 0's siblings in tile 0/0: leaf 1, then subtrees [2,4), [4,8), [8,16), and the inner
    // hashes [16,32), [32,64), [64,128), [128,256): hashes 16…255 are never read.
    table.rows["0/0"]!.hashes.replaceSubrange(
      32 * 16..<32 * 256, with: [UInt8](repeating: 0, count: 32 * 240))
    let proof = try Merkle.inclusionProof(index: 0, size: 512, reader: MerkleTileHashReader(table))
    #expect(proof == (try tree.inclusionProof(index: 0, size: 512)))
    // Inner levels cut short are a reader fault, not a wrong hash.
    table.rows["0/0"]!.levels = Array(table.rows["0/0"]!.levels.prefix(32 * 3))
    #expect(throws: MerkleError.self) {
      try Merkle.inclusionProof(index: 0, size: 512, reader: MerkleTileHashReader(table))
    }
  }

  /// Proofs from tiles with their inner levels equal in-memory proofs around tile boundaries:
  /// just below, at and above 256 and 65,536 leaves, each leaf near the edges and in between.
  @Test func proofsFromStoredLevelsEqualInMemoryProofsAroundTileBoundaries() throws {
    var edge = MerkleTileEdge()
    var table = TileTable()
    var tree = InMemoryMerkleTree()
    let sizes: [Int64] = [255, 256, 257, 511, 4_097, 65_535, 65_536, 65_537]
    for index in Int64(0)..<sizes.last! {
      edge.append(leafHash: Self.leafHash(index))
      try tree.append(leafHash: Self.leafHash(index))
      table.write(edge.takeFilledTiles())
      if sizes.contains(index + 1) { table.write(edge.takeChangedTiles()) }
    }
    let reader = MerkleTileHashReader(table)
    var generator = SystemRandomNumberGenerator()
    for size in sizes {
      var leaves = Set([0, 1, 15, 16, 255, size / 2, size - 2, size - 1].filter { $0 >= 0 && $0 < size })
      for _ in 0..<20 { leaves.insert(Int64.random(in: 0..<size, using: &generator)) }
      for leaf in leaves {
        #expect(
          try Merkle.inclusionProof(index: leaf, size: size, reader: reader)
            == (try tree.inclusionProof(index: leaf, size: size)), "leaf \(leaf) of \(size)")
      }
      #expect(try Merkle.treeHash(size: size, reader: reader) == (try tree.treeHash(size: size)))
    }
  }
}
