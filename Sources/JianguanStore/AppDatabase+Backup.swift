import Foundation
import GRDB
import JianguanCore
import JianguanLedger

/// A verified copy of a database: where it is, its size and the audit of the copy.
public struct BackupReport: Sendable {
  public let path: String
  public let bytes: Int64
  public let audit: AuditReport
}

/// A restore: the audit of the copy that was put in place, and whether the key file opens its
/// personal data.
public struct RestoreReport: Sendable {
  public let path: String
  public let audit: AuditReport
  /// True when the key file opened a sealed record, false when it did not, nil when none is sealed.
  public let keyOpensPersonalData: Bool?
}

/// A copy that did not pass its audit: nothing was put in place.
public struct BackupVerificationFailed: Error, Sendable {
  public let path: String
  public let audit: AuditReport
}

extension AppDatabase {
  /// Copies the database to `path` with SQLite's online backup API (one read transaction: a
  /// consistent snapshot while writers go on), audits the copy in full, and only then gives it
  /// its name. The personal-data key file is not copied: it is a secret kept apart.
  public func backup(to path: String) throws -> BackupReport {
    try Self.refuseExisting(path, field: "to", rule: "a backup never overwrites a file")
    let partial = Self.partialPath(for: path)
    defer { Self.removeDatabaseFiles(partial) }
    do {
      let destination = try DatabaseQueue(path: partial)
      try writer.backup(to: destination)
      try destination.close()
    } catch let error as DatabaseError {
      throw StoreError(error)
    }
    let audit = try Self.auditCopy(partial, reference: reference)
    guard audit.ok else { throw BackupVerificationFailed(path: path, audit: audit) }
    try Self.move(partial, to: path)
    let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber
    return BackupReport(path: path, bytes: size?.int64Value ?? 0, audit: audit)
  }

  /// Restores the backup `source` as the database at `path`: copies it beside `path`, audits the
  /// copy in full, and only if it passes moves it into place (replacing an existing database only
  /// when `replace` is true). Nothing is changed when the copy does not verify.
  public static func restore(
    from source: String, to path: String, keyPath: String, replace: Bool, reference: ReferenceData
  ) throws -> RestoreReport {
    let manager = FileManager.default
    guard manager.fileExists(atPath: source) else {
      throw Rejection("backup_missing", "from \(Rejection.quote(source)) does not exist")
    }
    if !replace {
      try refuseExisting(path, field: "db", rule: "restore replaces a database only with --replace")
    }
    let partial = partialPath(for: path)
    defer { removeDatabaseFiles(partial) }
    do {
      let from = try DatabaseQueue(path: source)
      let copy = try DatabaseQueue(path: partial)
      try from.backup(to: copy)
      try from.close()
      let isLedger = try copy.read { db in try db.tableExists("ledger") && db.tableExists("meta") }
      try copy.close()
      guard isLedger else {
        throw Rejection(
          "backup_not_jianguan",
          "from \(Rejection.quote(source)) is an SQLite file but not a Jianguan database")
      }
    } catch let error as DatabaseError {
      if error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
        throw Rejection(
          "backup_not_database", "from \(Rejection.quote(source)) is not an SQLite database (or is damaged)")
      }
      throw StoreError(error)
    }
    let audit = try auditCopy(partial, reference: reference)
    guard audit.ok else { throw BackupVerificationFailed(path: source, audit: audit) }
    let opens = try AppDatabase.open(path: partial, keyPath: keyPath, reference: reference)
      .keyOpensPersonalData()
    for suffix in ["-wal", "-shm"] { try? manager.removeItem(atPath: path + suffix) }
    try move(partial, to: path, replacing: replace)
    return RestoreReport(path: path, audit: audit, keyOpensPersonalData: opens)
  }

  /// Whether the key file opens the first sealed record (nil when there is none).
  func keyOpensPersonalData() throws -> Bool? {
    try read { db in
      guard
        let row = try Row.fetchOne(
          db, sql: "SELECT commitment, sealed FROM persons WHERE sealed IS NOT NULL LIMIT 1")
      else { return nil }
      return personalRecord(row) != nil
    }
  }

  /// Opens the copy at `path` on its own (no key file: the audit needs none) and audits it.
  static func auditCopy(_ path: String, reference: ReferenceData) throws -> AuditReport {
    let copy = try AppDatabase.open(path: path, keyPath: path + ".no-key", reference: reference)
    let report = try copy.audit()
    try copy.close()
    if report.entries == 0 {
      var empty = report
      empty.faults.append(AuditFault(seq: 1, "the copy has no entries: not even a genesis entry"))
      return empty
    }
    return report
  }

  /// Closes the connection (and, for the last one, folds the WAL back into the file).
  func close() throws {
    do { try writer.close() } catch let error as DatabaseError { throw StoreError(error) }
  }

  static func refuseExisting(_ path: String, field: String, rule: String) throws {
    if FileManager.default.fileExists(atPath: path) {
      throw Rejection("\(field)_exists", "\(field) \(Rejection.quote(path)) already exists; \(rule)")
    }
  }

  static func partialPath(for path: String) -> String {
    path + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
  }

  static func removeDatabaseFiles(_ path: String) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
      try? FileManager.default.removeItem(atPath: path + suffix)
    }
  }

  /// Renames `partial` to `path` in one step (same folder); with `replacing`, over an existing file.
  static func move(_ partial: String, to path: String, replacing: Bool = false) throws {
    if !replacing, FileManager.default.fileExists(atPath: path) {
      throw Rejection(
        "to_exists", "\(Rejection.quote(path)) appeared while the copy was made; nothing replaced")
    }
    guard rename(partial, path) == 0 else {
      throw Rejection(
        "rename_failed",
        "the verified copy could not be renamed to \(Rejection.quote(path)): \(String(cString: strerror(errno)))"
      )
    }
  }
}
