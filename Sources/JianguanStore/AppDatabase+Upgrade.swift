import Foundation
import GRDB
import JianguanCore
import JianguanCrypto
import JianguanLedger

/// What `upgrade` did: the v1 log it read and the v2 log it wrote.
public struct UpgradeReport: Sendable {
  public let path: String
  public let entries: Int64
  public let v1Root: [UInt8]
  public let v1Head: [UInt8]
  public let v2Root: [UInt8]
}

extension AppDatabase {
  /// Converts the v1 database at `oldPath` (JSON entries) into a new v2 database at `newPath`
  /// (CBOR entries), never touching the old file: a scratch copy of it is audited as v1 first
  /// (a failing audit refuses); then a new log is written whose genesis records the v1 log's
  /// size, Merkle root and head hash, followed by every v1 entry from seq 2 on, re-encoded with
  /// the same seq, kind, time and payload, every projection rebuilt by the projectors. The sealed
  /// personal data and the key file are carried over. The new log is audited as v2, and only then
  /// renamed into place beside its key file `newKeyPath`.
  public static func upgrade(
    from oldPath: String, oldKeyPath: String, to newPath: String, newKeyPath: String,
    reference: ReferenceData
  ) throws -> UpgradeReport {
    let manager = FileManager.default
    guard manager.fileExists(atPath: oldPath) else {
      throw Rejection("from_missing", "from \(Rejection.quote(oldPath)) does not exist")
    }
    try refuseExisting(newPath, field: "to", rule: "upgrade writes a new database and never overwrites one")
    try refuseExisting(newKeyPath, field: "to_key", rule: "upgrade writes the new database's key file itself")
    let scratch = partialPath(for: newPath) + "-v1"
    let partial = partialPath(for: newPath)
    let partialKey = partial + ".key"
    defer {
      removeDatabaseFiles(scratch)
      removeDatabaseFiles(partial)
      try? manager.removeItem(atPath: partialKey)
    }
    // The v1 file is only read, through SQLite's backup into the scratch copy.
    do {
      var configuration = Configuration()
      configuration.readonly = true
      let source = try DatabaseQueue(path: oldPath, configuration: configuration)
      let copy = try DatabaseQueue(path: scratch)
      try source.backup(to: copy)
      try source.close()
      let format = try ledgerFormat(copy)
      try copy.close()
      guard format == .v1 else {
        throw Rejection(
          "upgrade_not_v1",
          "from \(Rejection.quote(oldPath)) is \(format == nil ? "not a Jianguan ledger" : "already a version 2 ledger"); upgrade converts a version 1 ledger only"
        )
      }
    } catch let error as DatabaseError {
      throw StoreError(opening: oldPath, error)
    }
    let vault = PersonalDataVault.open(at: oldKeyPath)
    let v1 = AppDatabase(
      path: scratch, writer: try connect(path: scratch), vault: vault, reference: reference,
      clock: systemClock)
    try Schema.migrator.migrate(v1.writer)
    let v1Audit = try v1.audit(against: nil, format: .v1, progress: nil)
    if let fault = v1Audit.faults.first {
      throw Rejection(
        "upgrade_v1_audit_failed",
        "the version 1 ledger \(Rejection.quote(oldPath)) fails its audit (\(v1Audit.faults.count) faults, the first at seq \(fault.seq): \(fault.message)); upgrade converts only a ledger whose audit passes, and wrote nothing"
      )
    }
    // The v1 entries are read one at a time, twice: memory stays flat whatever the log's size.
    let (genesis, head, size) = try v1.writer.read { db -> (Genesis, [UInt8], Int64) in
      guard let bytes = try Data.fetchOne(db, sql: "SELECT entry FROM ledger WHERE seq = 1"),
        let first = try? EntryV1.parse([UInt8](bytes)),
        case .genesis(let genesis)? = try? Event(kind: first.kind, payload: first.payload),
        let last = try Row.fetchOne(db, sql: "SELECT seq, entry FROM ledger ORDER BY seq DESC LIMIT 1")
      else {
        throw Rejection(
          "upgrade_v1_empty", "the version 1 ledger \(Rejection.quote(oldPath)) has no genesis entry")
      }
      return (genesis, SHA256.hash([UInt8](last["entry"] as Data)), last["seq"])
    }
    // The new log, in a file beside its final place, with the old key file's copy.
    try Data(contentsOf: URL(fileURLWithPath: oldKeyPath)).write(to: URL(fileURLWithPath: partialKey))
    let v2 = AppDatabase(
      path: partial, writer: try connect(path: partial), vault: PersonalDataVault.open(at: partialKey),
      reference: reference, clock: systemClock)
    try Schema.migrator.migrate(v2.writer)
    let continuity = Genesis(
      authority: genesis.authority, region: genesis.region, origin: genesis.origin,
      v1Size: size, v1Root: Hex.encode(v1Audit.rootHash), v1Head: Hex.encode(head))
    let outcomes = try v2.batch([
      { database in
        try v1.writer.read { old in
          try database.write { db in
            let rows = try Row.fetchCursor(old, sql: "SELECT entry FROM ledger ORDER BY seq")
            while let row = try rows.next() {
              let entry = try EntryV1.parse([UInt8](row[0] as Data))
              let event =
                entry.seq == 1
                ? Event.genesis(continuity) : try EntryV1.event(kind: entry.kind, payload: entry.payload).0
              let time = try LocalDateTime.parse(entry.time, field: "time of v1 entry \(entry.seq)")
              let seq = try LedgerWriter.append(event, db: db, time: time, tail: database.batch.tail)
              guard seq == entry.seq else {
                throw StoreIntegrityError("entry \(entry.seq) was written at seq \(seq)")
              }
            }
            let people = try Row.fetchCursor(old, sql: "SELECT * FROM persons")
            while let person = try people.next() {
              let columns = person.columnNames.joined(separator: ", ")
              let marks = Array(repeating: "?", count: person.count).joined(separator: ", ")
              try db.execute(
                sql: "INSERT INTO persons(\(columns)) VALUES (\(marks))",
                arguments: StatementArguments(person.databaseValues))
            }
          }
        }
      }
    ])
    try v1.close()
    if case .failure(let error) = outcomes.first { throw error }
    let v2Audit = try placeAudited(
      v2, what: "the converted ledger", partial: partial, partialKey: partialKey, path: newPath,
      keyPath: newKeyPath)
    return UpgradeReport(
      path: newPath, entries: v2Audit.entries, v1Root: v1Audit.rootHash, v1Head: head,
      v2Root: v2Audit.rootHash)
  }

  /// The end of writing a new database beside its place (`upgrade`, `copy`): audits and closes
  /// it, refuses when the audit finds a fault (nothing is written at `path`), then flushes the
  /// file and its key file and renames both into place.
  static func placeAudited(
    _ database: AppDatabase, what: String, partial: String, partialKey: String, path: String, keyPath: String
  ) throws -> AuditReport {
    let audit = try database.audit()
    try database.close()
    if let fault = audit.faults.first {
      throw StoreIntegrityError(
        "\(what) fails its audit (\(audit.faults.count) faults, the first at seq \(fault.seq): \(fault.message)); nothing was written at \(path)"
      )
    }
    try syncFile(partial)
    try syncFile(partialKey)
    try move(partialKey, to: keyPath)
    try move(partial, to: path)
    return audit
  }

  /// Flushes a file's bytes to the disk before it is renamed into place.
  static func syncFile(_ path: String) throws {
    let descriptor = Glibc.open(path, O_RDONLY)
    guard descriptor >= 0, fsync(descriptor) == 0 else {
      if descriptor >= 0 { Glibc.close(descriptor) }
      throw Rejection(
        "fsync_failed",
        "\(Rejection.quote(path)) could not be flushed to disk: \(String(cString: strerror(errno)))")
    }
    Glibc.close(descriptor)
  }
}
