import Foundation
import GRDB
import JianguanCore
import JianguanLedger

/// Another store that keeps the log this SQLite file is a cache of (the PostgreSQL store's
/// `PostgresCache`): the file's tables answer the rules and the reads, the other store is where an
/// entry counts as written. Every write transaction on the file opens one on the other store
/// (`begin`, which holds that store's lock for the bureau until `commit` or `rollback`), first
/// appends what the other store has and the file lacks, and, before the file commits, hands the
/// other store what it appended (`commit`). An error from either rolls the file's transaction
/// back: the file never holds an entry the other store refused.
public protocol UpstreamLog: AnyObject, Sendable {
  /// Opens the other store's transaction for the file whose log ends at `size` with hash `hash`.
  /// Throws `UpstreamDiverged` when the file's log is not a prefix of the other store's.
  func begin(size: Int64, hash: [UInt8]) throws
  /// Calls `each` with the other store's entries after `size`, in seq order, inside the
  /// transaction `begin` opened.
  func forEachEntry(after size: Int64, _ each: ([UInt8]) throws -> Void) throws
  /// The sealed records under `commitments` (the persons the caught-up entries registered, or
  /// whose family they erased), as the other store holds them.
  func persons(_ commitments: [String]) throws -> [SealedPerson]
  /// Appends what the file's transaction appended and commits, durably; then the file commits.
  func commit(_ appended: UpstreamAppend) throws
  /// Ends the other store's transaction without writing.
  func rollback()
}

/// The cache's log is not a prefix of the other store's (that store's bureau was replaced, or the
/// file was changed): the cache is rebuilt.
public struct UpstreamDiverged: StoreFailure, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
  public var code: String { "cache_diverged" }
  public var message: String { description + "; it is built again from the log at the next command" }
}

/// A failure of a store itself, not of the request (a full disk, a lost connection): one sentence
/// and a code; the service answers 503 with them, the command line exits 2.
public protocol StoreFailure: Error {
  var code: String { get }
  var message: String { get }
}

/// What one write transaction of the cache appended: the entries after `size`, the persons they
/// registered, and the commitments of the families they erased.
public struct UpstreamAppend: Sendable {
  public let size: Int64
  public let entries: [[UInt8]]
  public let persons: [SealedPerson]
  public let erased: [String]

  public var isEmpty: Bool { entries.isEmpty && persons.isEmpty && erased.isEmpty }
}

/// Where the file stood once the transaction had caught up with the other store: what it appends
/// after this is what `commit` hands on.
struct UpstreamMark {
  let size: Int64
  let persons: Int64
  let erasures: Int64

  /// Catches the file up with `upstream` inside the open transaction `db` and marks where it stands.
  /// A family erased meanwhile has its sealed records emptied here too, with SQLite's secure
  /// delete, and `erased` is set: the caller copies the WAL back once committed, so that no old
  /// copy of the data stays in it (as an erasure on a file does).
  init(catchingUp upstream: any UpstreamLog, db: Database, erased: inout Bool) throws {
    let head = try LedgerWriter.readHead(db)
    try upstream.begin(size: head.seq, hash: head.hash)
    var families: [String] = []
    var caughtUp: Int64 = 0
    // The end of the log kept in memory while the entries go in, as a batch keeps it: no append
    // reads back the one before it, and each Merkle tile is written once, at the end.
    let tail = LedgerTail()
    try upstream.forEachEntry(after: head.seq) { bytes in
      caughtUp += 1
      switch try AppDatabase.appendCopied(bytes, db: db, tail: tail) {
      case .parentRegistered(let registered): families.append(registered.commitment)
      case .studentAdded(let added): families.append(added.commitment)
      case .parentFlow(.parentErased(let parent)):
        families += try Self.family(ofParent: parent.parent, db: db)
        erased = true
      default: break
      }
    }
    try tail.flush(db)
    if erased { try db.execute(sql: "PRAGMA secure_delete = ON") }
    if !families.isEmpty {
      for person in try upstream.persons(families) {
        try db.execute(
          sql: """
            INSERT INTO persons(commitment, role, masked_id, sealed) VALUES (?, ?, ?, ?)
            ON CONFLICT(commitment) DO UPDATE SET masked_id = excluded.masked_id, sealed = excluded.sealed
            """, arguments: [person.commitment, person.role, person.maskedID, person.sealed.map { Data($0) }])
      }
    }
    size = head.seq + caughtUp
    persons = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(rowid), 0) FROM persons") ?? 0
    erasures = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(rowid), 0) FROM erasures") ?? 0
  }

  /// What the transaction appended since the mark.
  func appended(_ db: Database) throws -> UpstreamAppend {
    let entries = try Data.fetchAll(
      db, sql: "SELECT entry FROM ledger WHERE seq > ? ORDER BY seq", arguments: [size]
    )
    .map { [UInt8]($0) }
    let persons = try Row.fetchAll(
      db, sql: "SELECT \(AppDatabase.sealedPersonColumns) FROM persons WHERE rowid > ? ORDER BY rowid",
      arguments: [persons]
    ).map(AppDatabase.sealedPerson)
    var erased: [String] = []
    for parent in try String.fetchAll(
      db, sql: "SELECT parent FROM erasures WHERE rowid > ? ORDER BY rowid", arguments: [erasures])
    {
      erased += try Self.family(ofParent: parent, db: db)
    }
    return UpstreamAppend(size: size, entries: entries, persons: persons, erased: erased)
  }

  /// The commitments of a parent and of their children.
  static func family(ofParent parent: String, db: Database) throws -> [String] {
    try String.fetchAll(db, sql: ErasureSchema.familySQL, arguments: [parent, parent])
  }
}

extension AppDatabase {
  /// Runs `body` in the open IMMEDIATE transaction `db` between the upstream's `begin` and its
  /// `commit` (when the file caches another store's log; else just `body`). `body` returns whether
  /// the transaction is to commit.
  func withUpstream<T>(_ db: Database, _ body: () throws -> (T, commit: Bool)) throws -> (T, commit: Bool) {
    guard let upstream else { return try body() }
    var erased = false
    let mark = try UpstreamMark(catchingUp: upstream, db: db, erased: &erased)
    if erased { batch.requestCheckpoint() }
    let result: (T, commit: Bool)
    do {
      result = try body()
      if result.commit { try upstream.commit(try mark.appended(db)) } else { upstream.rollback() }
    } catch {
      upstream.rollback()
      throw error
    }
    return result
  }

  /// Brings the file up to the upstream's log (a transaction that writes nothing of its own).
  public func catchUp() throws {
    try write { _ in }
  }

  /// Whether this file caches another store's log (`catchUp` brings it up to that log).
  public var cachesAnotherStore: Bool { upstream != nil }
}

extension AppDatabase {
  /// Opens the SQLite file at `path` that caches the log `upstream` keeps, brought up to that log.
  /// A file that does not exist yet is built from the whole log (under a temporary name, put in
  /// place once complete); one whose log is not a prefix of the upstream's, or that SQLite finds
  /// damaged, is built again.
  /// `keyPath` is the bureau's personal-data key: the cache holds the sealed records as the
  /// upstream does, and opens them with it.
  public static func openCache(
    path: String, keyPath: String, reference: ReferenceData,
    clock: @escaping @Sendable () -> LocalDateTime = systemClock, upstream: any UpstreamLog
  ) throws -> AppDatabase {
    if FileManager.default.fileExists(atPath: path) {
      do {
        let cache = try open(
          path: path, keyPath: keyPath, reference: reference, clock: clock, upstream: upstream)
        do {
          try cache.catchUp()
          return cache
        } catch is UpstreamDiverged {
          try cache.close()
          removeDatabaseFiles(path)
        }
      } catch let error as StoreError where error.code == "database_damaged" {
        // A damaged file is no loss: the log has everything it held.
        removeDatabaseFiles(path)
      }
    }
    let partial = partialPath(for: path)
    removeDatabaseFiles(partial)
    defer { removeDatabaseFiles(partial) }
    do {
      let writer = try connect(path: partial)
      try Schema.migrator.migrate(writer)
      let building = AppDatabase(
        path: partial, writer: writer, vault: PersonalDataVault.open(at: keyPath), reference: reference,
        clock: clock, upstream: upstream)
      try building.catchUp()
      try building.close()
    } catch let error as DatabaseError {
      throw StoreError(opening: partial, error)
    }
    // Another process may have built it meanwhile: then that one is used, and this one dropped.
    if !FileManager.default.fileExists(atPath: path) { try? move(partial, to: path) }
    let cache = try open(path: path, keyPath: keyPath, reference: reference, clock: clock, upstream: upstream)
    try cache.catchUp()
    return cache
  }
}
