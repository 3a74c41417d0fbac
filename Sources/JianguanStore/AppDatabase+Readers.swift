import Foundation
import GRDB
import JianguanCore

extension AppDatabase {
  /// Another connection to this database's file, read-only, with the same key, reference data
  /// and clock: the service answers reads on several of them at once (WAL readers wait neither
  /// for each other nor for the writer). It runs no migration.
  public func openReader() throws -> AppDatabase {
    var configuration = Self.configuration()
    configuration.readonly = true
    // `beginSnapshot` leaves its transaction open past the access that began it.
    configuration.allowsUnsafeTransactions = true
    let queue: DatabaseQueue
    do { queue = try DatabaseQueue(path: path, configuration: configuration) } catch let error
      as DatabaseError
    {
      throw StoreError(opening: path, error)
    }
    return AppDatabase(path: path, writer: queue, vault: vault, reference: reference, clock: clock)
  }

  /// Opens one read transaction on this connection (of `openReader`, used by one request at a
  /// time): every read until `endSnapshot()` joins it, so a request reads one snapshot (taken at
  /// its first read) in one transaction: SQLite takes and drops its WAL read lock once, not once
  /// per read.
  public func beginSnapshot() throws {
    do {
      try writer.unsafeReentrantRead { db in
        if !db.isInsideTransaction { try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute() }
      }
    } catch let error as DatabaseError { throw StoreError(error) }
  }

  /// Ends the transaction `beginSnapshot()` opened (it wrote nothing).
  public func endSnapshot() {
    try? writer.unsafeReentrantRead { db in
      if db.isInsideTransaction { try db.cachedStatement(sql: "COMMIT TRANSACTION").execute() }
    }
  }
}

/// The principals this connection found for bearer tokens, kept while the database is as it was:
/// `PRAGMA data_version` changes on this connection whenever another connection (the service's
/// writer, a `credential revoke` from the command line) has committed to the file, and
/// `sqlite3_total_changes` whenever this one wrote. A credential revoked, or a parent erased, is
/// looked up again on the next request. Only tokens that admit someone are kept.
final class PrincipalCache: @unchecked Sendable {
  private let lock = NSLock()
  private var version: Version?
  private var principals: [String: Principal] = [:]
  static let tokensMax = 10_000

  struct Version: Equatable {
    let dataVersion: Int64
    let ownChanges: Int
  }

  func principal(_ token: String, version: Version) -> Principal? {
    lock.lock()
    defer { lock.unlock() }
    guard self.version == version else { return nil }
    return principals[token]
  }

  func store(_ principal: Principal, token: String, version: Version) {
    lock.lock()
    defer { lock.unlock() }
    if self.version != version || principals.count >= Self.tokensMax {
      principals.removeAll(keepingCapacity: true)
      self.version = version
    }
    principals[token] = principal
  }
}
