import Foundation
import GRDB
import JianguanCore
import JianguanCrypto
import JianguanLedger

/// Appends entries to the log and updates the projections, inside the caller's transaction.
enum LedgerWriter {
  /// Appends `event` as the next entry, dated `time`, updates the Merkle hashes and the projection
  /// tables, and returns the entry's seq. Must run inside an IMMEDIATE transaction. Entry times
  /// never go backwards: a `time` before the last entry's is refused (`clock_before_last_entry`).
  static func append(_ event: Event, db: Database, time: LocalDateTime, tail: LedgerTail? = nil) throws
    -> Int64
  {
    let head = try tail?.head ?? readHead(db)
    let seq = head.seq + 1
    let previousHash = head.hash
    let kind = event.kind
    let timestamp = LocalDateTime.utcTimestamp(unixSeconds: time.unixSeconds)
    // The timestamps have one fixed form, so their text order is their time order.
    guard timestamp >= head.time else {
      throw Rejection.clockBeforeLastEntry(time, headSeq: head.seq, headTime: head.time)
    }
    let bytes = Entry.encode(
      seq: seq, time: timestamp, kind: kind, payloadBytes: event.payloadBytes, previousHash: previousHash)
    let hash = SHA256.hash(bytes)
    try RawStatement("INSERT INTO ledger(seq, kind, entry) VALUES (?, ?, ?)", db: db).execute(
      .integer(seq), .text(kind), .blob(bytes))
    try MerkleStore.appendLeaf(index: seq - 1, entryBytes: bytes, db: db, tail: tail)
    try Projector.apply(event, seq: seq, time: timestamp, db: db)
    tail?.head = (seq, hash, timestamp)
    if case .policy = event { tail?.state.policy = nil }
    return seq
  }

  /// The seq, hash and time (`YYYY-MM-DDTHH:MM:SSZ`) of the last entry: (0, 32 zero bytes, "")
  /// for an empty log. The hash is computed from the entry's bytes: no column stores it again.
  static func readHead(_ db: Database) throws -> (seq: Int64, hash: [UInt8], time: String) {
    guard let head = try db.row("SELECT seq, entry FROM ledger ORDER BY seq DESC LIMIT 1") else {
      return (0, Entry.genesisPrevious, "")
    }
    let bytes = [UInt8](head[1] as Data)
    return (head[0], SHA256.hash(bytes), EntryDecoding.time(bytes) ?? "")
  }

  /// The number of entries.
  static func size(_ db: Database) throws -> Int64 {
    try db.value("SELECT COALESCE(MAX(seq), 0) FROM ledger") ?? 0
  }

  /// The next id of a kind of thing: its prefix and one more than the rows of its table. Rows are
  /// never deleted, so the largest rowid is the count, found in O(log n) where COUNT(*) scans.
  static func nextID(_ prefix: String, table: String, db: Database) throws -> String {
    let count =
      try RawStatement("SELECT COALESCE(MAX(rowid), 0) FROM \(table)", db: db).first { $0.integer(0) } ?? 0
    return "\(prefix)\(count + 1)"
  }
}

/// The end of the log while one batch writes it: the last entry's seq, hash and time, and the
/// Merkle tree's right edge in tiles (`MerkleTileEdge`). Kept in memory so that an append does not
/// read back what the previous one just wrote, and so that each partial tile is written once, by
/// `flush` before the commit, rather than once per leaf. It is valid only inside the batch's
/// transaction, which holds the write lock, and is dropped with it.
final class LedgerTail {
  struct State {
    var head: (seq: Int64, hash: [UInt8], time: String)?
    var tiles: MerkleTileEdge?
    /// The policy in force, once read in this batch; a `policy` entry appended clears it.
    var policy: LedgerPolicy?
  }

  var state = State()

  var head: (seq: Int64, hash: [UInt8], time: String)? {
    get { state.head }
    set { state.head = newValue }
  }

  /// Loaded from the store at the batch's first append.
  var tiles: MerkleTileEdge? {
    get { state.tiles }
    set { state.tiles = newValue }
  }

  /// The tiles, left nil until they are put back.
  func takeTiles() -> MerkleTileEdge? {
    defer { state.tiles = nil }
    return state.tiles
  }

  /// Writes the partial tiles the batch changed. Runs before the batch commits.
  func flush(_ db: Database) throws {
    guard var edge = tiles else { return }
    try MerkleStore.write(edge.takeChangedTiles(), db: db)
    tiles = edge
  }
}
