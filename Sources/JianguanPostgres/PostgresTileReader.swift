import JianguanCore
import JianguanLedger
import PostgresNIO

/// The Merkle tiles of one bureau, for the same Merkle code the SQLite store uses
/// (`MerkleTileReader`): roots, proofs and the tree's edge come from `JianguanLedger`, only the
/// reads are here. The protocol is synchronous and reads once per call; the tiles are fetched
/// ahead: a call for a tile not yet fetched records it and stops the computation, which
/// `PostgresLog.withTiles` runs again once the tiles are fetched (two or three round trips).
final class PostgresTileReader: MerkleTileReader {
  struct Key: Hashable {
    let level: Int
    let index: Int64
  }

  /// Stops a computation that needs tiles not fetched yet.
  struct NeedsTiles: Error {}

  var fetched: [Key: MerkleTileContent] = [:]
  var wanted: [Key] = []

  func readTiles(_ tiles: [(level: Int, index: Int64)]) throws -> [MerkleTileContent] {
    var contents: [MerkleTileContent] = []
    for (level, index) in tiles {
      let key = Key(level: level, index: index)
      if let content = fetched[key] { contents.append(content) } else { wanted.append(key) }
    }
    guard contents.count == tiles.count else { throw NeedsTiles() }
    return contents
  }
}

extension PostgresLog {
  /// Runs `body` with a reader of this bureau's tiles, fetching what it asks for.
  func withTiles<T>(_ body: (PostgresTileReader) throws -> T) throws -> T {
    let reader = PostgresTileReader()
    while true {
      do {
        return try body(reader)
      } catch is PostgresTileReader.NeedsTiles {
        let keys = reader.wanted
        reader.wanted = []
        let rows = try session.rows(
          """
          SELECT level, idx, hashes, levels FROM jianguan.merkle_tiles
          WHERE bureau = \(bureau) AND (level, idx) IN (
            SELECT * FROM unnest(\(keys.map { Int32($0.level) })::integer[], \(keys.map(\.index))::bigint[]))
          """)
        for row in rows {
          let (level, index, hashes, levels) = try row.decode((Int32, Int64, ByteBuffer, ByteBuffer).self)
          reader.fetched[.init(level: Int(level), index: index)] = MerkleTileContent(
            hashes: hashes.bytes, levels: levels.bytes)
        }
        if let missing = keys.first(where: { reader.fetched[$0] == nil }) {
          throw PostgresStoreError(
            "merkle_tile_missing",
            "table merkle_tiles: tile \(missing.level)/\(missing.index) of bureau \(bureau) is missing; run `jianguan audit`"
          )
        }
      }
    }
  }

  /// The Merkle root of the first `size` entries (default: all), from the stored tiles.
  public func root(size: Int64? = nil) throws -> [UInt8] {
    let treeSize = try size ?? self.size()
    return try withTiles { try Merkle.treeHash(size: treeSize, reader: MerkleTileHashReader($0)) }
  }

  /// An RFC 9162 inclusion proof of entry `seq` in the tree of the first `size` entries (default:
  /// all), refused as the SQLite store refuses a seq or size beyond the log.
  public func inclusionProof(seq: Int64, size: Int64?) throws -> MerkleInclusionProof {
    let logSize = try self.size()
    let treeSize = size ?? logSize
    guard treeSize <= logSize else {
      throw Rejection("size_beyond_log", "size \(treeSize) is beyond the log, which has \(logSize) entries")
    }
    guard seq <= treeSize else {
      throw Rejection("seq_beyond_size", "seq \(seq) is beyond the tree of \(treeSize) entries")
    }
    return try withTiles { tiles in
      let reader = MerkleTileHashReader(tiles)
      return MerkleInclusionProof(
        treeSize: treeSize, leafIndex: seq - 1, rootHash: try Merkle.treeHash(size: treeSize, reader: reader),
        hashes: try Merkle.inclusionProof(index: seq - 1, size: treeSize, reader: reader))
    }
  }
}
