import GRDB
import JianguanCore
import JianguanLedger

extension AppDatabase {
  /// The hashes of Merkle tile `path` as C2SP `tlog-tiles` serves them: `L/N` for the tile as
  /// the tree holds it now (full, or the level's partial tile), `L/N.p/W` for the first W
  /// hashes of a tile at least that wide. N is a plain decimal number.
  public func merkleTile(path: String) throws -> MerkleTile {
    let (level, index, wanted) = try Self.parseTilePath(path)
    return try read { db in
      let size = try LedgerWriter.size(db)
      let width = MerkleTile.width(level: level, index: index, size: size)
      guard width > 0 else {
        throw Rejection(
          "tile_not_in_tree",
          "tile \(Rejection.quote(path)) is not in the tree of \(size) entries: tile level \(level) has \(MerkleTile.tiles(size: size).filter { $0.level == level }.count) tiles"
        )
      }
      if let wanted, wanted > width {
        throw Rejection(
          "tile_width_beyond_tree",
          "tile \(Rejection.quote(path)) asks for \(wanted) hashes; the tree of \(size) entries has \(width) in that tile"
        )
      }
      let content = try merkleStore(db).readTiles([(level, index)])[0]
      let count = (wanted ?? width) * Merkle.hashByteCount
      // The inner levels of the first hashes are the first inner hashes (completion order).
      let levelCount = MerkleTile.levelHashCount(width: wanted ?? width) * Merkle.hashByteCount
      guard content.hashes.count >= count, content.levels.count >= levelCount else {
        throw StoreIntegrityError(
          "Merkle tile \(level)/\(index) holds \(content.hashes.count) bytes and \(content.levels.count) of inner levels, not \(count) and \(levelCount)"
        )
      }
      return MerkleTile(
        level: level, index: index, hashes: Array(content.hashes.prefix(count)),
        levels: Array(content.levels.prefix(levelCount)))
    }
  }

  /// `L/N` or `L/N.p/W`: a level of at most 2 digits, N of at most 18, W from 1 to 255.
  static func parseTilePath(_ path: String) throws -> (level: Int, index: Int64, width: Int?) {
    let malformed = Rejection(
      "tile_path_malformed",
      "tile \(Rejection.quote(path)) is not L/N or L/N.p/W (tile level, tile index, and for a partial tile its width 1 to 255, in decimal digits)"
    )
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2 || parts.count == 3 else { throw malformed }
    var indexText = parts[1]
    var width: Int?
    if parts.count == 3 {
      guard indexText.hasSuffix(".p"), let number = Self.digits(parts[2], most: 3), (1...255).contains(number)
      else { throw malformed }
      indexText = indexText.dropLast(2)
      width = Int(number)
    }
    guard let level = Self.digits(parts[0], most: 2), let index = Self.digits(indexText, most: 18) else {
      throw malformed
    }
    return (Int(level), index, width)
  }

  private static func digits(_ text: Substring, most: Int) -> Int64? {
    guard !text.isEmpty, text.count <= most, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
      return nil
    }
    return Int64(text)
  }
}
