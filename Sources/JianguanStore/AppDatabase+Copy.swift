import Foundation
import GRDB
import JianguanCore
import JianguanCrypto
import JianguanLedger

/// What a copy into a new SQLite file wrote: its size and the root its audit gave.
public struct CopyReport: Sendable {
  public let path: String
  public let entries: Int64
  public let rootHash: [UInt8]
}

extension AppDatabase {
  /// Every row of the `persons` table, in commitment order.
  public func sealedPersons() throws -> [SealedPerson] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT \(Self.sealedPersonColumns) FROM persons ORDER BY commitment")
        .map(Self.sealedPerson)
    }
  }

  /// The columns of a `persons` row that `sealedPerson` reads, in its order.
  static let sealedPersonColumns = "commitment, role, masked_id, sealed"

  /// A `persons` row selected with `sealedPersonColumns`.
  static func sealedPerson(_ row: Row) -> SealedPerson {
    SealedPerson(
      commitment: row[0], role: row[1], maskedID: row[2], sealed: (row[3] as Data?).map { [UInt8]($0) })
  }

  /// Writes a new SQLite ledger at `path` from another store's entries (`jianguan copy`), entry for
  /// entry: each entry is decoded and appended again through the same writer as every command, so
  /// every projection is rebuilt, and its bytes must come out identical to the source's (same seq,
  /// time, payload and hash), else nothing is written. The sealed personal data and the key file
  /// (`keyBytes`, to `keyPath`) are carried over. The new file is audited before it is renamed into
  /// place. `entries` calls its argument with each entry's bytes, in seq order.
  public static func create(
    copying entries: (_ each: ([UInt8]) throws -> Void) throws -> Void, persons: [SealedPerson],
    path: String, keyPath: String, keyBytes: [UInt8], reference: ReferenceData
  ) throws -> CopyReport {
    try refuseExisting(path, field: "to", rule: "copy writes a new database and never overwrites one")
    try refuseExisting(keyPath, field: "to_key", rule: "copy writes the new database's key file itself")
    let partial = partialPath(for: path)
    let partialKey = partial + ".key"
    defer {
      removeDatabaseFiles(partial)
      try? FileManager.default.removeItem(atPath: partialKey)
    }
    guard
      FileManager.default.createFile(
        atPath: partialKey, contents: Data(keyBytes), attributes: [.posixPermissions: 0o600])
    else {
      throw Rejection(
        "to_key_unwritable", "the key file \(Rejection.quote(keyPath)) cannot be written beside the copy")
    }
    let copy = AppDatabase(
      path: partial, writer: try connect(path: partial), vault: PersonalDataVault.open(at: partialKey),
      reference: reference, clock: systemClock)
    try Schema.migrator.migrate(copy.writer)
    // One batch: one transaction, all or nothing.
    let outcomes = try withoutActuallyEscaping(entries) { entries in
      try copy.batch([
        { database in
          try database.write { db in
            try entries { bytes in try appendCopied(bytes, db: db, tail: database.batch.tail) }
            for person in persons {
              try db.execute(
                sql: "INSERT INTO persons(commitment, role, masked_id, sealed) VALUES (?, ?, ?, ?)",
                arguments: [person.commitment, person.role, person.maskedID, person.sealed.map { Data($0) }])
            }
          }
        }
      ])
    }
    if case .failure(let error) = outcomes.first {
      try? copy.close()
      throw error
    }
    let audit = try placeAudited(
      copy, what: "the copy", partial: partial, partialKey: partialKey, path: path, keyPath: keyPath)
    return CopyReport(path: path, entries: audit.entries, rootHash: audit.rootHash)
  }

  /// Appends one copied entry, checks that the writer gave back exactly its bytes, and returns its
  /// event.
  @discardableResult
  static func appendCopied(_ bytes: [UInt8], db: Database, tail: LedgerTail?) throws -> Event {
    let entry: Entry
    let event: Event
    do {
      entry = try Entry.parse(bytes)
      event = try Event(kind: entry.kind, payload: entry.payload)
    } catch {
      throw Rejection("copy_entry_unreadable", "an entry of the source cannot be read: \(error)")
    }
    let time = try LocalDateTime.parse(entry.time, field: "time of entry \(entry.seq)")
    let seq = try LedgerWriter.append(event, db: db, time: time, tail: tail)
    // A cached statement: a copy or a cache's catch-up runs this once per entry.
    let written = try Data.fetchOne(
      try db.cachedStatement(sql: "SELECT entry FROM ledger WHERE seq = ?"), arguments: [seq])
    guard seq == entry.seq, let written, [UInt8](written) == bytes else {
      throw StoreIntegrityError(
        "entry \(entry.seq) of the source was written again as different bytes at seq \(seq); nothing was written"
      )
    }
    return event
  }
}

extension LedgerLine {
  /// A line of another store's log (the PostgreSQL store's `ledger export`), shown as this
  /// store's lines are.
  public init(seq: Int64, kind: String, entryBytes: [UInt8], hash: [UInt8]) {
    self.init(
      seq: seq, kind: kind, entryBytes: entryBytes,
      previousHash: (try? Entry.parse(entryBytes).previousHash) ?? [], hash: hash)
  }
}
