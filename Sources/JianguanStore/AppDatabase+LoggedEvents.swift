import GRDB
import JianguanLedger

extension AppDatabase {
  /// SQL for the first 96 bytes of the entry of `ledger l` (its seq, kind, `prev` and most of its
  /// time), which name it in a cache's key: `prev` binds every entry before it, and reading them
  /// costs no read of a long payload, where hashing the entry would.
  static let envelopeOfEntry = "substr(l.entry, 1, 96)"

  /// The event of the entry at `seq`, decoded from its bytes: where a projection keeps only the
  /// seq of what the log already says (an e-contract's terms, a bank reference's first use).
  /// Nil when there is no such entry; an entry that does not decode is an error (the audit names it).
  static func loggedEvent(seq: Int64, db: Database) throws -> Event? {
    guard
      let bytes = try RawStatement("SELECT entry FROM ledger WHERE seq = ?", db: db).first(
        .integer(seq), read: { $0.blob(0) })
    else { return nil }
    if let decoded = bytes.withUnsafeBufferPointer({ EntryDecoding.decode($0) }) { return decoded.event }
    let entry = try Entry.parse(bytes)
    return try Event(kind: entry.kind, payload: entry.payload)
  }
}
