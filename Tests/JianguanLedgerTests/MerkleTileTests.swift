import JianguanCrypto
import JianguanLedger
import Testing

/// Tiles as a store keeps them: each tile written when `MerkleTileEdge` hands it out, a partial
/// one replaced by its wider self.
struct TileTable: MerkleTileReader {
  var rows: [String: [UInt8]] = [:]

  static func key(_ level: Int, _ index: Int64) -> String { "\(level)/\(index)" }

  mutating func write(_ tiles: [MerkleTile]) {
    for tile in tiles { rows[Self.key(tile.level, tile.index)] = tile.hashes }
  }

  func readTiles(_ tiles: [(level: Int, index: Int64)]) throws -> [[UInt8]] {
    try tiles.map { level, index in
      guard let hashes = rows[Self.key(level, index)] else {
        throw MerkleError(.readerFault, "tile \(level)/\(index) is not stored")
      }
      return hashes
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
      for tile in expected {
        #expect(
          table.rows[TileTable.key(tile.level, tile.index)] == tile.hashes, "size \(size), \(tile.path)")
      }
      #expect(edge.root == tree.root)
      #expect(try Merkle.treeHash(size: size, reader: MerkleTileHashReader(table)) == tree.root)
      // Resuming from the stored tiles gives the same edge.
      var resumed = try MerkleTileEdge(size: size, reader: table)
      #expect(resumed.root == tree.root)
      resumed.append(leafHash: Self.leafHash(size))
      var grown = tree
      try grown.append(leafHash: Self.leafHash(size))
      #expect(resumed.root == grown.root)
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
    table.rows["0/1"] = Array(table.rows["0/1"]!.prefix(32 * 10))
    let reader = MerkleTileHashReader(table)
    #expect(throws: MerkleError.self) { try Merkle.treeHash(size: 300, reader: reader) }
    // The hashes the narrow tile still holds serve the older sizes.
    #expect(try Merkle.treeHash(size: 266, reader: reader) == (try tree.treeHash(size: 266)))
    table.rows["1/0"] = nil
    #expect(throws: MerkleError.self) { try MerkleTileEdge(size: 266, reader: table) }
  }
}
