import JianguanCore
import JianguanLedger
import PostgresNIO

/// An entry as a store holds it: its seq, kind, bytes and their stored hash.
public struct StoredEntry: Sendable {
  public let seq: Int64
  public let kind: String
  public let bytes: [UInt8]
  public let hash: [UInt8]
}

/// One bureau's ledger in a PostgreSQL database shared with other bureaus: its log, Merkle tiles,
/// checkpoints, sealed personal records and head row, every row keyed by the bureau.
public final class PostgresLog: @unchecked Sendable {
  public let session: PostgresSession
  public var url: PostgresURL { session.url }
  var bureau: String { url.bureau }

  /// Entries read per round trip when the log is streamed.
  static let pageSize = 2000

  public init(session: PostgresSession) { self.session = session }

  /// Connects to the database `url` names; its bureau's log need not exist yet.
  public static func connect(_ url: PostgresURL) throws -> PostgresLog {
    PostgresLog(session: try PostgresSession.connect(url))
  }

  public func close() { session.close() }

  /// Whether the database holds this bureau's log (false too before any bureau was copied in).
  public func exists() throws -> Bool {
    let schema = try session.rows("SELECT to_regclass('jianguan.bureaus') IS NOT NULL")
    guard let row = schema.first, try row.decode(Bool.self) else { return false }
    return try !session.rows("SELECT 1 FROM jianguan.bureaus WHERE bureau = \(bureau)").isEmpty
  }

  /// Refuses when the bureau's log is not in the database.
  public func requireLog(field: String) throws {
    guard try exists() else {
      let sentence =
        "\(field) \(Rejection.quote(url.description)): the database \(url.database) holds no log of bureau \(bureau)"
      // As a file that is not there: the environment, not the request (exit 2).
      guard field != "db" else {
        throw PostgresStoreError(
          "database_missing",
          sentence + "; create it with `jianguan init --db URL --region \(bureau)` or `jianguan copy`")
      }
      throw Rejection("\(field)_missing", sentence)
    }
  }

  /// The number of entries, from the head row.
  public func size() throws -> Int64 { try head().size }

  /// The head row: the log's size, its last hash and the checkpoint key it names.
  struct Head {
    var size: Int64
    var hash: [UInt8]
    var checkpointKey: String?
  }

  func head(forUpdate: Bool = false) throws -> Head {
    let query: PostgresQuery =
      forUpdate
      ? "SELECT size, head_hash, checkpoint_key FROM jianguan.bureaus WHERE bureau = \(bureau) FOR UPDATE"
      : "SELECT size, head_hash, checkpoint_key FROM jianguan.bureaus WHERE bureau = \(bureau)"
    guard let row = try session.rows(query).first else {
      throw Rejection("bureau_missing", "the database \(url.database) holds no log of bureau \(bureau)")
    }
    let (size, hash, key) = try row.decode((Int64, ByteBuffer, String?).self)
    return Head(size: size, hash: hash.bytes, checkpointKey: key)
  }

  /// Calls `each` with every entry after seq `first` in seq order, a page at a time: memory stays flat.
  /// The next page is asked for as soon as a page arrives, and read while this one is processed.
  public func forEachEntry(after first: Int64 = 0, _ each: (StoredEntry) throws -> Void) throws {
    func page(after: Int64) -> EventLoopFuture<[PostgresRow]> {
      session.answer(
        """
        SELECT seq, kind, entry, hash FROM jianguan.ledger WHERE bureau = \(bureau) AND seq > \(after)
        ORDER BY seq LIMIT \(Self.pageSize)
        """)
    }
    var next = page(after: first)
    while true {
      let rows = try session.wait(next)
      if rows.count == Self.pageSize, let row = rows.last {
        next = page(after: try row.decode((Int64, String, ByteBuffer, ByteBuffer).self).0)
      }
      for row in rows {
        let (seq, kind, entry, hash) = try row.decode((Int64, String, ByteBuffer, ByteBuffer).self)
        try each(StoredEntry(seq: seq, kind: kind, bytes: entry.bytes, hash: hash.bytes))
      }
      if rows.count < Self.pageSize { return }
    }
  }

  /// The bureau's sealed personal records, in commitment order.
  public func persons() throws -> [SealedPerson] {
    try persons(
      session.rows(
        "SELECT commitment, role, masked_id, sealed FROM jianguan.persons WHERE bureau = \(bureau) ORDER BY commitment"
      ))
  }

  /// The bureau's sealed records under `commitments`.
  func persons(_ commitments: [String]) throws -> [SealedPerson] {
    try persons(
      session.rows(
        """
        SELECT commitment, role, masked_id, sealed FROM jianguan.persons
        WHERE bureau = \(bureau) AND commitment = ANY(\(commitments))
        """))
  }

  private func persons(_ rows: [PostgresRow]) throws -> [SealedPerson] {
    try rows.map { row in
      let (commitment, role, masked, sealed) = try row.decode((String, String, String, ByteBuffer?).self)
      return SealedPerson(commitment: commitment, role: role, maskedID: masked, sealed: sealed?.bytes)
    }
  }

  /// A stored checkpoint row.
  struct CheckpointRow: Equatable {
    var id: Int64
    var size: Int64
    var rootHash: [UInt8]
    var note: String
    var verifierKey: String
    var signedAt: String
  }

  func checkpointRows() throws -> [CheckpointRow] {
    try session.rows(
      """
      SELECT id, size, root_hash, note, verifier_key, signed_at FROM jianguan.checkpoints
      WHERE bureau = \(bureau) ORDER BY id
      """
    ).map { row in
      let (id, size, root, note, key, signedAt) = try row.decode(
        (Int64, Int64, ByteBuffer, String, String, String).self)
      return CheckpointRow(
        id: id, size: size, rootHash: root.bytes, note: note, verifierKey: key, signedAt: signedAt)
    }
  }
}
