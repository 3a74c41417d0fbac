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
  /// per read. Nothing is asked of SQLite here: the first read begins the transaction in the same
  /// access to the connection (one fewer hop onto its queue per request).
  public func beginSnapshot() throws { snapshot.request() }

  /// Ends the transaction `beginSnapshot()` opened (it wrote nothing), if a read began it.
  public func endSnapshot() {
    guard snapshot.end() else { return }
    try? writer.unsafeReentrantRead { db in
      if db.isInsideTransaction { try db.cachedStatement(sql: "COMMIT TRANSACTION").execute() }
    }
  }
}

/// Whether a request asked its connection for one snapshot (`beginSnapshot`), and whether a read
/// has begun its transaction since. A connection serves one request at a time; the lock is
/// for the memory model, never contended.
final class SnapshotState: @unchecked Sendable {
  private let lock = NSLock()
  private var requested = false
  private var begun = false

  func request() { lock.withLock { requested = true } }

  /// Called by a read that begins a transaction: true when it must stay open (a snapshot).
  func keepsOpen() -> Bool {
    lock.withLock {
      if requested { begun = true }
      return requested
    }
  }

  /// Whether a transaction was begun for the snapshot now ended.
  func end() -> Bool {
    lock.withLock {
      defer { (requested, begun) = (false, false) }
      return begun
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
